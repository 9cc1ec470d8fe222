package localdb_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// pushBatchSize is the size of the batches a laptop pushes.
const pushBatchSize = 1000

// BenchmarkApplyDecisions applies batches of 1,000 first reviews, each on
// documents no batch reviewed before, to a national store: headquarters'
// share of a push, without HTTP. It reports the cost per decision.
func BenchmarkApplyDecisions(b *testing.B) {
	ctx := context.Background()
	db, err := localdb.Open(ctx, filepath.Join(b.TempDir(), "hq.db"), localdb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const applicants, batches = 2000, 60
	if _, err := db.ImportApplicants(ctx, "hq", src, manyApplicants(applicants), nil); err != nil {
		b.Fatal(err)
	}
	docs := make([]selection.Document, batches*pushBatchSize)
	for i := range docs {
		sum := sha256.Sum256(fmt.Appendf(nil, "doc %d", i))
		docs[i] = selection.Document{ID: fmt.Sprintf("D%06d", i),
			ApplicantID: fmt.Sprintf("A%07d", i%applicants), Kind: selection.DocCIN,
			SHA256: hex.EncodeToString(sum[:]), MediaType: "image/png", Size: 1000,
			UploadedAt: decided}
	}
	if err := db.PutDocuments(ctx, "hq", docs); err != nil {
		b.Fatal(err)
	}
	from := localdb.Pusher{TokenID: "T1", Province: testProvince, Role: selection.SyncSupervisor}
	n := 0
	for b.Loop() {
		if n == batches {
			b.Fatalf("more than %d batches: run with -benchtime=%dx or less", batches, batches)
		}
		b.StopTimer()
		items, err := localdb.DecodePushed(reviewBatch(docs[n*pushBatchSize:(n+1)*pushBatchSize], n))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := db.ApplyDecisions(ctx, from, items)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if r.Status != selection.DecisionApplied {
				b.Fatalf("%s: %s %s", r.ID, r.Status, r.Reason)
			}
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n*pushBatchSize), "µs/decision")
}

// reviewBatch returns the first review of each document, as pushed by
// laptop "bench" in its batch n.
func reviewBatch(docs []selection.Document, n int) []selection.Decision {
	out := make([]selection.Decision, len(docs))
	for i, d := range docs {
		data, _ := json.Marshal(selection.Review{ID: fmt.Sprintf("R%d-%d", n, i),
			DocumentID: d.ID, Verdict: selection.VerdictAccepted, Reviewer: "sup", Version: 1,
			ReviewedAt: decided.Add(time.Duration(i) * time.Second)})
		out[i] = selection.Decision{ID: fmt.Sprintf("bench.%d", n*len(docs)+i+1),
			Kind: selection.KindReview, By: "sup", Data: data}
	}
	return out
}
