package sync_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	gosync "sync"
	"testing"
	"time"

	"intiqa/assets"
	"intiqa/localdb"
	"intiqa/selection"
	"intiqa/selection/synth"
	isync "intiqa/sync"
)

// The concurrent benchmark: two laptops in each of 75 provinces, 150
// clients, each pushing batches of 1,000 reviews at the same time.
const (
	concProvinces  = 75
	concBatch      = 1000
	concBatches    = 2 // batches each client pushes, one after the other
	concApplicants = 100
)

// concLaptop is one client of the concurrent benchmark and the
// documents it reviews.
type concLaptop struct {
	c    *isync.Client
	node string
	docs []string
}

// concWorld is headquarters and its 150 laptops.
type concWorld struct {
	hq      *localdb.DB
	srv     *httptest.Server
	laptops []*concLaptop
}

// buildConcurrent builds headquarters with, in each province, 100
// applicants and 2,000 documents, and enrolls two laptops per province.
func buildConcurrent(b *testing.B) *concWorld {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	hq, err := localdb.Open(ctx, filepath.Join(dir, "hq.db"), localdb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { hq.Close() })
	terr, err := assets.Territory()
	if err != nil {
		b.Fatal(err)
	}
	w := &concWorld{hq: hq}
	w.srv = httptest.NewServer(isync.NewServer(hq, dir, slog.New(slog.DiscardHandler)))
	b.Cleanup(w.srv.Close)
	n := 0
	for _, p := range terr.Provinces {
		if p.Type == selection.ProvinceTypeArrondissements || n == concProvinces {
			continue
		}
		n++
		docs := concProvince(b, hq, p.Code)
		for k := range 2 {
			l := concEnroll(b, w, dir, p.Code, k)
			l.docs = docs[k*concBatch : (k+1)*concBatch]
			w.laptops = append(w.laptops, l)
		}
	}
	return w
}

// concProvince imports a province's first applicants and gives them the
// documents its two laptops review.
func concProvince(b *testing.B, hq *localdb.DB, province string) []string {
	b.Helper()
	ctx := context.Background()
	g, err := synth.New(1, province)
	if err != nil {
		b.Fatal(err)
	}
	var as []*selection.Applicant
	for a := range g.Applicants() {
		if len(as) == concApplicants {
			break
		}
		as = append(as, a)
	}
	src := selection.Source{File: "bench", Sheet: province}
	if _, err := hq.ImportApplicants(ctx, "hq", src, rowsOf(as), nil); err != nil {
		b.Fatal(err)
	}
	docs := make([]selection.Document, 2*concBatch)
	ids := make([]string, len(docs))
	for i := range docs {
		sum := sha256.Sum256(fmt.Appendf(nil, "%s %d", province, i))
		ids[i] = fmt.Sprintf("DOC-%s-%04d", province, i)
		docs[i] = selection.Document{ID: ids[i], ApplicantID: as[i%len(as)].ID,
			Kind: selection.DocCIN, SHA256: hex.EncodeToString(sum[:]), MediaType: "image/png",
			Size: 1000, UploadedAt: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
	}
	if err := hq.PutDocuments(ctx, "hq", docs); err != nil {
		b.Fatal(err)
	}
	return ids
}

// concEnroll creates and enrolls laptop k of a province.
func concEnroll(b *testing.B, w *concWorld, dir, province string, k int) *concLaptop {
	b.Helper()
	ctx := context.Background()
	token, _, err := w.hq.CreateToken(ctx, "hq", province, selection.SyncSupervisor, "bench")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("lap-%s-%d.db", province, k))
	lap, err := localdb.Open(ctx, path, localdb.Options{Scope: province})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { lap.Close(); os.Remove(path) })
	if _, err := isync.Enroll(ctx, lap, "admin", w.srv.URL, token, isync.Options{}); err != nil {
		b.Fatal(err)
	}
	c, err := isync.NewClient(lap, dir, isync.Options{Timeout: 5 * time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	return &concLaptop{c: c, node: fmt.Sprintf("bench%s%d", province, k)}
}

// batch returns a laptop's j-th batch: the j+1-th review of each of its
// documents, based on the previous one.
func (l *concLaptop) batch(j int) []selection.Decision {
	out := make([]selection.Decision, len(l.docs))
	at := time.Date(2024, 5, 20, 9, 0, 0, 0, time.UTC)
	for i, d := range l.docs {
		var rid [16]byte
		sum := sha256.Sum256(fmt.Appendf(nil, "%s %d %d", l.node, j, i))
		copy(rid[:], sum[:])
		data, _ := json.Marshal(selection.Review{ID: hex.EncodeToString(rid[:]), DocumentID: d,
			Verdict: selection.VerdictAccepted, Reviewer: "superviseur", Version: j + 1,
			ReviewedAt: at.Add(time.Duration(i) * time.Second)})
		out[i] = selection.Decision{ID: fmt.Sprintf("%s.%d", l.node, j*len(l.docs)+i+1),
			Kind: selection.KindReview, By: "superviseur", Data: data}
		if j > 0 {
			out[i].Base = fmt.Sprintf("%s.%d", l.node, (j-1)*len(l.docs)+i+1)
		}
	}
	return out
}

// BenchmarkConcurrentPush has 150 clients push their batches of 1,000
// reviews at once, each client one batch after the other, and reports
// the batch latencies (target: p99 at most 500 ms), the time until the
// last batch was answered and, all starting at once, the decisions
// applied per second. With spread, each
// client instead waits a random time up to 20 s before each batch, as
// laptops syncing in the background would. Run it with -benchtime=1x.
func BenchmarkConcurrentPush(b *testing.B) {
	for _, spread := range []time.Duration{0, 20 * time.Second} {
		b.Run(fmt.Sprintf("spread=%v", spread), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				w := buildConcurrent(b)
				b.StartTimer()
				start := time.Now()
				lat := w.pushAll(b, spread)
				took := time.Since(start)
				b.StopTimer()
				reportLatencies(b, lat)
				b.ReportMetric(took.Seconds(), "all-s")
				if spread == 0 {
					// Every batch was waiting from the start: this is
					// headquarters' rate when it is never idle.
					b.ReportMetric(float64(len(lat)*concBatch)/took.Seconds(), "decisions/s")
				}
				b.StartTimer()
			}
		})
	}
}

// pushAll runs every client and returns the latency of each batch.
func (w *concWorld) pushAll(b *testing.B, spread time.Duration) []time.Duration {
	var mu gosync.Mutex
	var lat []time.Duration
	var wg gosync.WaitGroup
	batches := make([][][]selection.Decision, len(w.laptops))
	for i, l := range w.laptops {
		for j := range concBatches {
			batches[i] = append(batches[i], l.batch(j))
		}
	}
	for i, l := range w.laptops {
		wg.Go(func() {
			for _, items := range batches[i] {
				if spread > 0 {
					time.Sleep(rand.N(spread))
				}
				start := time.Now()
				res, err := l.c.PushBatch(context.Background(), items)
				took := time.Since(start)
				if err != nil {
					b.Error(err)
					return
				}
				for _, r := range res {
					if r.Status != selection.DecisionApplied {
						b.Errorf("%s: %s", r.ID, r.Status)
						return
					}
				}
				mu.Lock()
				lat = append(lat, took)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return lat
}

func reportLatencies(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	q := func(p float64) float64 { return lat[int(p*float64(len(lat)-1))].Seconds() * 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(lat[len(lat)-1].Seconds()*1000, "max-ms")
	b.ReportMetric(float64(len(lat)), "batches")
}
