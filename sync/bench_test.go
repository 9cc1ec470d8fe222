package sync_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	"intiqa/selection/synth"
	isync "intiqa/sync"
)

// The benchmarks of push and pull run on the largest province of the
// generated national data set (06.141, 30,302 applicants), with 60,000
// decisions: 29,940 document reviews, and for 6,000 candidates in 60
// interview sessions a convocation, attendance and three score sheets.
// Run them with -benchtime=1x: building the stores takes a minute.
const (
	benchProvince   = "06.141"
	benchReviews    = 29_940
	benchSessions   = 60
	benchCandidates = 6_000
	benchDecisions  = benchReviews + benchSessions + 5*benchCandidates
)

// benchWorld holds the template stores of the benchmarks, built once.
type benchWorld struct {
	dir        string
	hqBase     string // headquarters before the decisions
	hqPushed   string // headquarters after them
	lapPulled  string // a laptop that pulled the province, before deciding
	lapPending string // the laptop with its 60,000 decisions pending
	initial    time.Duration
}

var world struct {
	once gosync.Once
	w    *benchWorld
	err  error
}

// mustWorld builds the template stores on first use.
func mustWorld(b *testing.B) *benchWorld {
	b.Helper()
	world.once.Do(func() { world.w, world.err = buildWorld() })
	if world.err != nil {
		b.Fatal(world.err)
	}
	return world.w
}

func buildWorld() (*benchWorld, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "intiqa-sync-bench-")
	if err != nil {
		return nil, err
	}
	w := &benchWorld{dir: dir, hqBase: filepath.Join(dir, "hq-base.db"),
		hqPushed: filepath.Join(dir, "hq-pushed.db"), lapPulled: filepath.Join(dir, "lap-pulled.db"),
		lapPending: filepath.Join(dir, "lap-pending.db")}

	// Headquarters: the province's applicants, needs and documents.
	hqPath := filepath.Join(dir, "hq.db")
	hq, err := localdb.Open(ctx, hqPath, localdb.Options{})
	if err != nil {
		return nil, err
	}
	applicants, err := fillBenchHQ(ctx, hq)
	if err != nil {
		return nil, err
	}
	token, _, err := hq.CreateToken(ctx, "hq", benchProvince, selection.SyncSupervisor, "bench")
	if err != nil {
		return nil, err
	}

	// A laptop enrolls and pulls the province.
	srv := httptest.NewServer(isync.NewServer(hq, dir, slog.New(slog.DiscardHandler)))
	lapPath := filepath.Join(dir, "lap.db")
	lap, err := localdb.Open(ctx, lapPath, localdb.Options{Scope: benchProvince})
	if err != nil {
		return nil, err
	}
	if _, err := isync.Enroll(ctx, lap, "admin", srv.URL, token, isync.Options{}); err != nil {
		return nil, err
	}
	c, err := isync.NewClient(lap, dir, isync.Options{})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := c.Pull(ctx, func(isync.Progress) {}); err != nil {
		return nil, err
	}
	w.initial = time.Since(start)
	if err := closeCopy(lap, w.lapPulled); err != nil {
		return nil, err
	}

	// It takes its decisions.
	if lap, err = localdb.Open(ctx, lapPath, localdb.Options{}); err != nil {
		return nil, err
	}
	if err := benchDecide(ctx, lap, applicants); err != nil {
		return nil, err
	}
	if err := closeCopy(lap, w.lapPending); err != nil {
		return nil, err
	}
	srv.Close()
	if err := closeCopy(hq, w.hqBase); err != nil {
		return nil, err
	}

	// Headquarters after a push.
	r, err := openRig(dir, w.hqBase, w.lapPending, isync.Options{}, false)
	if err != nil {
		return nil, err
	}
	if err := r.c.Push(ctx, func(isync.Progress) {}); err != nil {
		return nil, err
	}
	r.srv.Close()
	r.lap.Close()
	if err := closeCopy(r.hq, w.hqPushed); err != nil {
		return nil, err
	}
	return w, nil
}

// fillBenchHQ imports the province's applicants and needs, and gives
// the first benchReviews applicants a document each.
func fillBenchHQ(ctx context.Context, hq *localdb.DB) ([]*selection.Applicant, error) {
	g, err := synth.New(1, benchProvince)
	if err != nil {
		return nil, err
	}
	var as []*selection.Applicant
	for a := range g.Applicants() {
		as = append(as, a)
	}
	src := selection.Source{File: "bench", Sheet: "applicants"}
	if _, err := hq.ImportApplicants(ctx, "hq", src, rowsOf(as), nil); err != nil {
		return nil, err
	}
	needs := g.Needs()
	needRows := make([]*selection.Need, len(needs))
	for i := range needs {
		needRows[i] = &needs[i]
	}
	src = selection.Source{File: "bench", Sheet: "needs"}
	if _, err := hq.ImportNeeds(ctx, "hq", src, rowsOf(needRows), nil); err != nil {
		return nil, err
	}
	docs := make([]selection.Document, benchReviews)
	for i := range docs {
		sum := sha256.Sum256(fmt.Appendf(nil, "document %d", i))
		docs[i] = selection.Document{ID: fmt.Sprintf("DOC%07d", i), ApplicantID: as[i].ID,
			Kind: selection.DocCIN, SHA256: hex.EncodeToString(sum[:]), MediaType: "image/png",
			Size: 20_000, UploadedAt: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
	}
	return as, hq.PutDocuments(ctx, "hq", docs)
}

// benchDecide takes the benchmark's 60,000 decisions on a laptop, each
// in its own transaction as the desktop would.
func benchDecide(ctx context.Context, lap *localdb.DB, as []*selection.Applicant) error {
	at := time.Date(2024, 5, 20, 9, 0, 0, 0, time.UTC)
	for i := range benchReviews {
		var id [16]byte
		sum := sha256.Sum256(fmt.Appendf(nil, "review %d", i))
		copy(id[:], sum[:])
		r := &selection.Review{ID: hex.EncodeToString(id[:]), DocumentID: fmt.Sprintf("DOC%07d", i),
			Verdict: selection.VerdictAccepted, Reviewer: "superviseur.1",
			ReviewedAt: at.Add(time.Duration(i) * 7 * time.Second), Version: 1}
		if i%30 == 0 {
			r.Verdict, r.Reason = selection.VerdictRejected, selection.ReasonUnreadable
		}
		if err := lap.AddReview(ctx, "superviseur.1", r); err != nil {
			return err
		}
	}
	per := benchCandidates / benchSessions
	for s := range benchSessions {
		sid := fmt.Sprintf("SES-%s-%03d", benchProvince, s)
		start := at.Add(time.Duration(s) * 24 * time.Hour)
		err := lap.PutSession(ctx, "superviseur.1", &selection.InterviewSession{ID: sid,
			ProvinceCode: benchProvince, StartsAt: start, Place: "Salle 2",
			Panel: []string{"jury.1", "jury.2", "jury.3"}, Version: 1})
		if err != nil {
			return err
		}
		for k := range per {
			if err := benchCandidate(ctx, lap, sid, as[s*per+k].ID, start.Add(time.Duration(k)*20*time.Minute)); err != nil {
				return err
			}
		}
	}
	return nil
}

// benchCandidate convokes a candidate, records attendance and the
// panel's three score sheets.
func benchCandidate(ctx context.Context, lap *localdb.DB, sid, aid string, slot time.Time) error {
	err := lap.PutConvocation(ctx, "superviseur.1", &selection.Convocation{SessionID: sid,
		ApplicantID: aid, Slot: slot, Role: selection.RoleEnumerator})
	if err != nil {
		return err
	}
	err = lap.PutAttendance(ctx, "jury.1", &selection.Attendance{SessionID: sid, ApplicantID: aid,
		Present: true, RecordedBy: "jury.1", RecordedAt: slot})
	if err != nil {
		return err
	}
	for m := 1; m <= 3; m++ {
		member := fmt.Sprintf("jury.%d", m)
		err := lap.PutScoreSheet(ctx, member, &selection.ScoreSheet{ID: sid + "/" + aid + "/" + member,
			SessionID: sid, ApplicantID: aid, Member: member,
			Points: map[string]int{"communication": 3, "tablet": 2 + m%2, "reasoning": 3,
				"territory": 2, "availability": 4},
			Notes: map[string]string{}, SubmittedAt: slot.Add(15 * time.Minute)})
		if err != nil {
			return err
		}
	}
	return nil
}

// closeCopy closes a store (SQLite folds its journal back into the file)
// and copies the file.
func closeCopy(db *localdb.DB, to string) error {
	from := db.Path()
	if err := db.Close(); err != nil {
		return err
	}
	return copyFile(from, to)
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// rig is one benchmark run: copies of a headquarters store and a
// laptop store, a server, and the laptop's client, through a proxy when
// asked.
type rig struct {
	hq, lap *localdb.DB
	srv     *httptest.Server
	proxy   *faultProxy
	c       *isync.Client
}

// openRig copies the two templates into a new folder and connects them.
func openRig(root, hqTemplate, lapTemplate string, opts isync.Options, proxied bool) (*rig, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp(root, "run-")
	if err != nil {
		return nil, err
	}
	hqPath, lapPath := filepath.Join(dir, "hq.db"), filepath.Join(dir, "lap.db")
	if err := copyFile(hqTemplate, hqPath); err != nil {
		return nil, err
	}
	if err := copyFile(lapTemplate, lapPath); err != nil {
		return nil, err
	}
	r := &rig{}
	if r.hq, err = localdb.Open(ctx, hqPath, localdb.Options{}); err != nil {
		return nil, err
	}
	if r.lap, err = localdb.Open(ctx, lapPath, localdb.Options{}); err != nil {
		return nil, err
	}
	r.srv = httptest.NewServer(isync.NewServer(r.hq, dir, slog.New(slog.DiscardHandler)))
	url := r.srv.URL
	if proxied {
		r.proxy = newProxy(r.srv.Listener.Addr().String(), 1)
		url = r.proxy.URL()
	}
	if err := r.lap.MoveHQ(ctx, "admin", url); err != nil {
		return nil, err
	}
	r.c, err = isync.NewClient(r.lap, filepath.Join(dir, "documents"), opts)
	return r, err
}

func (r *rig) close() {
	if r.proxy != nil {
		r.proxy.Close()
	}
	r.srv.Close()
	r.lap.Close()
	r.hq.Close()
	os.RemoveAll(filepath.Dir(r.hq.Path()))
}

// wire reports the bytes the proxy carried per decision.
func (r *rig) wire(b *testing.B) {
	up, down := r.proxy.up.Load(), r.proxy.down.Load()
	b.ReportMetric(float64(up+down)/benchDecisions, "wire-B/decision")
	b.ReportMetric(float64(up)/benchDecisions, "up-B/decision")
	b.ReportMetric(float64(down)/benchDecisions, "down-B/decision")
}

// benchExchange times one exchange (push or pull) per iteration on new
// copies of the templates, and reports the bytes on the wire.
func benchExchange(b *testing.B, hqTemplate, lapTemplate string, opts isync.Options,
	exchange func(*rig) error) {
	w := mustWorld(b)
	b.Logf("setup: initial pull of the province took %v", w.initial)
	for b.Loop() {
		b.StopTimer()
		r, err := openRig(w.dir, hqTemplate, lapTemplate, opts, true)
		if err != nil {
			b.Fatal(err)
		}
		cpu := cpuTime()
		b.StartTimer()
		if err := exchange(r); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric((cpuTime() - cpu).Seconds(), "cpu-s")
		r.wire(b)
		r.close()
		b.StartTimer()
	}
}

// BenchmarkPush60k pushes 60,000 decisions on loopback (target: 3 s).
func BenchmarkPush60k(b *testing.B) {
	w := mustWorld(b)
	benchExchange(b, w.hqBase, w.lapPending, isync.Options{}, func(r *rig) error {
		if err := r.c.Push(context.Background(), func(isync.Progress) {}); err != nil {
			return err
		}
		if n, _ := r.lap.PendingCount(context.Background()); n != 0 {
			return fmt.Errorf("%d decisions still pending", n)
		}
		return nil
	})
}

// BenchmarkPull60k pulls 60,000 decisions of another laptop on loopback
// (target: 3 s).
func BenchmarkPull60k(b *testing.B) {
	w := mustWorld(b)
	benchExchange(b, w.hqPushed, w.lapPulled, isync.Options{}, func(r *rig) error {
		return r.c.Pull(context.Background(), func(isync.Progress) {})
	})
}

// BenchmarkPushThrottled pushes the 60,000 decisions through the proxy
// throttled to 1 Mbit/s each way with a 200 ms round trip, and reports
// the time against the ideal transfer time of the bytes carried (target:
// within 1.5 times).
func BenchmarkPushThrottled(b *testing.B) {
	w := mustWorld(b)
	const bandwidth = 1_000_000 / 8
	opts := isync.Options{}
	for b.Loop() {
		b.StopTimer()
		r, err := openRig(w.dir, w.hqBase, w.lapPending, opts, true)
		if err != nil {
			b.Fatal(err)
		}
		r.proxy.SetLink(bandwidth, 100*time.Millisecond)
		start := time.Now()
		b.StartTimer()
		if err := r.c.Push(context.Background(), func(isync.Progress) {}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		took := time.Since(start)
		ideal := time.Duration(float64(max(r.proxy.up.Load(), r.proxy.down.Load())) / bandwidth *
			float64(time.Second))
		b.ReportMetric(ideal.Seconds(), "ideal-s")
		b.ReportMetric(took.Seconds()/ideal.Seconds(), "x-ideal")
		r.wire(b)
		r.close()
		b.StartTimer()
	}
}
