package selection_test

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"intiqa/selection"
	"intiqa/selection/synth"
)

var national struct {
	once  sync.Once
	apps  []*selection.Applicant
	needs []selection.Need
	err   error
}

// nationalInput generates the national data set once per test binary.
func nationalInput(b *testing.B) selection.PreselectInput {
	national.once.Do(func() {
		g, err := synth.New(1, "")
		if err != nil {
			national.err = err
			return
		}
		for a := range g.Applicants() {
			national.apps = append(national.apps, a)
		}
		national.needs = g.Needs()
	})
	if national.err != nil {
		b.Fatal(national.err)
	}
	return selection.PreselectInput{Rules: selection.DefaultRules(), Seed: "2024",
		Applicants: national.apps, Needs: national.needs}
}

// BenchmarkPreselectNational runs the pre-selection on the generated
// national data set (488,321 applicants, 1,503 communes).
func BenchmarkPreselectNational(b *testing.B) {
	in := nationalInput(b)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	peak := startHeapPeak()
	var p *selection.Preselection
	for b.Loop() {
		var err error
		if p, err = selection.Preselect(in); err != nil {
			b.Fatal(err)
		}
	}
	heapPeak := peak.stop()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/1e6, "MB-alloc/op")
	b.ReportMetric(float64(heapPeak)/(1<<20), "heap-peak-MB")
	b.ReportMetric(float64(heapPeak-before.HeapAlloc)/(1<<20), "above-input-MB")
	invited := 0
	for _, o := range p.Outcomes {
		if o.Status == selection.StatusInvited {
			invited++
		}
	}
	b.ReportMetric(float64(invited), "invited")
}

// heapPeak samples the heap's objects while a benchmark runs, through
// runtime/metrics, which unlike ReadMemStats does not stop the world.
type heapPeak struct {
	done chan struct{}
	wg   sync.WaitGroup
	max  uint64
}

func startHeapPeak() *heapPeak {
	h := &heapPeak{done: make(chan struct{})}
	h.wg.Go(func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			h.max = max(h.max, s[0].Value.Uint64())
			select {
			case <-h.done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	return h
}

// stop ends sampling and returns the peak in bytes.
func (h *heapPeak) stop() uint64 {
	close(h.done)
	h.wg.Wait()
	return h.max
}

// BenchmarkSortByScoreNational sorts the same records by merit score and
// lottery: the yardstick the pre-selection is measured against.
func BenchmarkSortByScoreNational(b *testing.B) {
	in := nationalInput(b)
	type rec struct {
		s selection.Score
		l uint64
		a *selection.Applicant
	}
	recs := make([]rec, len(in.Applicants))
	for b.Loop() {
		for i, a := range in.Applicants {
			recs[i] = rec{in.Rules.MeritScore(a, nil), selection.Lottery(in.Seed, a.ID), a}
		}
		slices.SortFunc(recs, func(x, y rec) int {
			if x.s != y.s {
				return int(y.s - x.s)
			}
			if x.l < y.l {
				return -1
			}
			return 1
		})
	}
}

// BenchmarkFinalSelectionLargestProvince runs the final selection for a
// 60,000-candidate province (PRODUCT.md's largest laptop): the applicants
// of the largest generated province, repeated under new IDs up to
// 60,000, with deterministic interview outcomes.
func BenchmarkFinalSelectionLargestProvince(b *testing.B) {
	in := nationalInput(b)
	counts := map[string]int{}
	for _, a := range in.Applicants {
		counts[a.ProvinceCode()]++
	}
	largest := ""
	for p, n := range counts {
		if n > counts[largest] || (n == counts[largest] && p < largest) {
			largest = p
		}
	}
	var pool []*selection.Applicant
	for _, a := range in.Applicants {
		if a.ProvinceCode() == largest {
			pool = append(pool, a)
		}
	}
	var cands []selection.Candidate
	for i := range 60000 {
		a := *pool[i%len(pool)]
		a.ID = fmt.Sprintf("%s-%d", a.ID, i/len(pool))
		l := selection.Lottery("bench", a.ID)
		interview, training := selection.Score(l%10001), selection.Score(l/7%10001)
		cands = append(cands, selection.Candidate{Applicant: &a, CommuneCode: a.Choices[0],
			DocumentsAccepted: l%10 != 0, Attended: l%13 != 0,
			Interview: &interview, Training: &training})
	}
	fin := selection.FinalInput{Rules: in.Rules, Seed: "2024", Candidates: cands, Needs: in.Needs}
	b.ResetTimer()
	for b.Loop() {
		if _, err := selection.SelectFinal(fin); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cands)), "candidates")
}
