package localdb_test

import (
	"context"
	"fmt"
	"iter"
	"path/filepath"
	"testing"

	"intiqa/localdb"
	"intiqa/selection"
)

// nationalApplicants is SEED.md's count of registered applicants.
const nationalApplicants = 488321

// manyApplicants yields n distinct valid applicants spread over a few
// communes of the test province.
func manyApplicants(n int) iter.Seq2[selection.Row[*selection.Applicant], error] {
	return func(yield func(selection.Row[*selection.Applicant], error) bool) {
		for i := range n {
			a := newApplicant(fmt.Sprintf("A%07d", i), fmt.Sprintf("JB%06d", i%1000000),
				fmt.Sprintf("candidat%d@example.ma", i))
			if i >= 1000000 {
				a.CIN = fmt.Sprintf("JC%06d", i%1000000)
			}
			if i%2 == 1 {
				a.Choices = []string{testCommune2}
			}
			if !yield(selection.Row[*selection.Applicant]{Line: i + 2, Value: a}, nil) {
				return
			}
		}
	}
}

// BenchmarkImportApplicantsNational loads 488,321 applicants, already
// parsed, into an empty national store: the store's share of an import.
func BenchmarkImportApplicantsNational(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		db, err := localdb.Open(ctx, filepath.Join(b.TempDir(), "hq.db"), localdb.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := db.ImportApplicants(ctx, "hq", src, manyApplicants(nationalApplicants), nil)
		if err != nil || res.Created != nationalApplicants {
			b.Fatalf("import: %+v, %v", res, err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(nationalApplicants)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
