package sync_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

// workload takes decisions on the laptops of province A and remembers
// how many it took. Laptop i reviews the documents of even (i = 0) or odd
// (i = 1) rank, again and again, and records attendance in its own
// session; the laptops never decide the same record, so every decision
// must land.
type workload struct {
	docs  []selection.Document
	made  int
	round int
}

// decide takes a few decisions on laptop i.
func (w *workload) decide(tb testing.TB, l *laptop, i int) {
	tb.Helper()
	ctx := context.Background()
	session := fmt.Sprintf("S-%d", i)
	if w.round == 0 {
		decide(tb, l, provinceA, session, w.docs[i].ApplicantID)
		w.made += 4
	}
	d := w.docs[(2*w.round+i)%len(w.docs)]
	rs, err := l.db.Reviews(ctx, d.ID)
	if err != nil {
		tb.Fatal(err)
	}
	r := review(fmt.Sprintf("R-%d-%d", i, w.round), d, selection.VerdictAccepted)
	r.Version = len(rs) + 1
	if err := l.db.AddReview(ctx, "sup", r); err != nil {
		tb.Fatalf("laptop %d round %d: %v", i, w.round, err)
	}
	err = l.db.PutAttendance(ctx, "p1", &selection.Attendance{SessionID: session,
		ApplicantID: w.docs[i].ApplicantID, Present: w.round%2 == 0, RecordedBy: "p1",
		RecordedAt: decidedAt.Add(time.Duration(w.round) * time.Minute)})
	if err != nil {
		tb.Fatal(err)
	}
	w.made += 2
}

// decisions fingerprints the decisions a store holds: every review of
// province A's documents and the attendance of the two sessions.
func decisions(tb testing.TB, db *localdb.DB, docs []selection.Document) []string {
	tb.Helper()
	ctx := context.Background()
	var out []string
	for _, d := range docs {
		rs, err := db.Reviews(ctx, d.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for i, r := range rs {
			if r.Version != i+1 {
				tb.Errorf("document %s: review %d has version %d", d.ID, i+1, r.Version)
			}
			out = append(out, fmt.Sprintf("review %s %s v%d %s", r.ID, r.DocumentID, r.Version, r.Verdict))
		}
	}
	for _, s := range []string{"S-0", "S-1"} {
		as, err := db.Attendance(ctx, s)
		if err != nil {
			tb.Fatal(err)
		}
		for _, a := range as {
			out = append(out, fmt.Sprintf("attendance %s %s %v %s", a.SessionID, a.ApplicantID,
				a.Present, a.RecordedAt.Format(time.RFC3339)))
		}
	}
	slices.Sort(out)
	return out
}

// appliedCount counts the decisions headquarters applied, by ID, read
// from its store file.
func appliedCount(tb testing.TB, f *hqFixture) int {
	tb.Helper()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(f.dir, "hq.db")+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM sync_items`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// converge syncs every laptop with no fault until none has anything
// pending, then once more so each sees the others' decisions.
func converge(tb testing.TB, laptops ...*laptop) {
	tb.Helper()
	for range 3 {
		for _, l := range laptops {
			l.mustSync(tb)
		}
	}
	for _, l := range laptops {
		if n, err := l.db.PendingCount(context.Background()); err != nil || n != 0 {
			tb.Fatalf("%s: %d decisions still pending (%v)", l.name, n, err)
		}
		if n, _ := l.db.ConflictCount(context.Background()); n != 0 {
			tb.Errorf("%s: %d conflicts, want none", l.name, n)
		}
	}
}

// checkSame checks that headquarters and the laptops hold the same
// decisions, all of those taken, each once.
func checkSame(tb testing.TB, f *hqFixture, made int, laptops ...*laptop) {
	tb.Helper()
	want := decisions(tb, f.db, f.docsA)
	for _, l := range laptops {
		if got := decisions(tb, l.db, f.docsA); !slices.Equal(got, want) {
			tb.Errorf("%s holds %d decisions, headquarters %d; first differences:\n%s", l.name,
				len(got), len(want), firstDiff(got, want))
		}
	}
	if n := appliedCount(tb, f); n != made {
		tb.Errorf("headquarters applied %d decisions, %d were taken", n, made)
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + "\n" + b[i]
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}

// faultOptions keep a laptop's retries short, so faults surface.
func faultOptions() isync.Options {
	o := testOptions()
	o.Timeout, o.Retries, o.BatchSize, o.PageSize = 3*time.Second, 3, 5, 40
	return o
}

func TestRandomFaultsLoseAndDuplicateNothing(t *testing.T) {
	f := MustHQ(t)
	proxy := MustProxy(t, f.srv.Listener.Addr().String(), 20261204)
	a1 := MustLaptop(t, f, "a1", provinceA, proxy.URL(), selection.SyncSupervisor, faultOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, proxy.URL(), selection.SyncSupervisor, faultOptions())
	a1.mustSync(t)
	a2.mustSync(t)
	const faults = 100
	proxy.SetFaults(0.25, faults)
	w := &workload{docs: f.docsA}
	failed := 0
	for ; proxy.faults.Load() < faults; w.round++ {
		if w.round == 300 {
			t.Fatalf("only %d faults after %d rounds", proxy.faults.Load(), w.round)
		}
		for i, l := range []*laptop{a1, a2} {
			w.decide(t, l, i)
			if err := l.c.Sync(context.Background(), nil); err != nil {
				failed++
			}
		}
	}
	t.Logf("%d rounds, %d decisions, %d faults (cut %d, stall %d, truncate %d), %d syncs failed",
		w.round, w.made, proxy.faults.Load(), proxy.byKind[faultCut].Load(),
		proxy.byKind[faultStall].Load(), proxy.byKind[faultTruncate].Load(), failed)
	proxy.SetFaults(0, 0)
	converge(t, a1, a2)
	checkSame(t, f, w.made, a1, a2)
	for _, l := range []*laptop{a1, a2} {
		for _, d := range f.docsA {
			body, err := os.ReadFile(l.c.DocumentPath(d))
			if err != nil || string(body) != string(f.files[d.SHA256]) {
				t.Errorf("%s: document %s: %v", l.name, d.ID, err)
			}
		}
	}
}

// The child process of TestKilledMidPush pushes a laptop's outbox and
// reports its progress on stdout until the parent kills it.
func TestMain(m *testing.M) {
	if os.Getenv("INTIQA_SYNC_CHILD") == "push" {
		os.Exit(childPush(os.Getenv("INTIQA_DB"), os.Getenv("INTIQA_DOCS")))
	}
	os.Exit(m.Run())
}

func childPush(path, docs string) int {
	ctx := context.Background()
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	c, err := isync.NewClient(db, docs, isync.Options{BatchSize: 5, Retries: -1})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	err = c.Push(ctx, func(p isync.Progress) { fmt.Printf("pushed %d of %d\n", p.Done, p.Total) })
	fmt.Println("done", err)
	return 0
}

func TestKilledMidPush(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	proxy := MustProxy(t, f.srv.Listener.Addr().String(), 7)
	a1 := MustLaptop(t, f, "a1", provinceA, proxy.URL(), selection.SyncSupervisor, testOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, proxy.URL(), selection.SyncSupervisor, testOptions())
	a1.mustSync(t)
	a2.mustSync(t)
	path := a1.db.Path()
	proxy.SetLink(0, 15*time.Millisecond)
	w := &workload{docs: f.docsA}
	kills := 0
	for run := range 6 {
		for range 15 {
			w.decide(t, a1, 0)
			w.round++
		}
		a1.db.Close()
		if killChild(t, path, a1.docs, rand.IntN(2)) {
			kills++
		}
		db, err := localdb.Open(ctx, path, localdb.Options{})
		if err != nil {
			t.Fatalf("run %d: reopen the killed laptop's store: %v", run, err)
		}
		a1.db = db
		if a1.c, err = isync.NewClient(db, a1.docs, testOptions()); err != nil {
			t.Fatal(err)
		}
	}
	if kills < 3 {
		t.Fatalf("the child was killed mid-push only %d times", kills)
	}
	t.Cleanup(func() { a1.db.Close() })
	proxy.SetLink(0, 0)
	converge(t, a1, a2)
	checkSame(t, f, w.made, a1, a2)
	if _, err := a1.db.VerifyAudit(ctx); err != nil {
		t.Errorf("killed laptop's audit chain: %v", err)
	}
}

// killChild starts a child that pushes the store at path and kills it
// after it reported skip+1 batches, while batches remain. It tells
// whether the kill came mid-push.
func killChild(tb testing.TB, path, docs string, skip int) bool {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "INTIQA_SYNC_CHILD=push", "INTIQA_DB="+path, "INTIQA_DOCS="+docs)
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	defer cmd.Wait()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		var done, total int
		if _, err := fmt.Sscanf(line, "pushed %d of %d", &done, &total); err != nil {
			if strings.HasPrefix(line, "done") || strings.HasPrefix(line, "error") {
				tb.Logf("child: %s", line)
				return false
			}
			continue
		}
		if done > 0 && done < total {
			if skip == 0 {
				time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
				cmd.Process.Kill()
				return true
			}
			skip--
		}
	}
	return false
}
