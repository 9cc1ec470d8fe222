package localdb_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	gosync "sync"
	"testing"

	"intiqa/localdb"
	"intiqa/selection"
)

// pushedReview returns a pushed first-or-later review of a document.
func pushedReview(tb testing.TB, id, base, doc string, version int) localdb.Pushed {
	tb.Helper()
	data, err := json.Marshal(selection.Review{ID: "R-" + id, DocumentID: doc,
		Verdict: selection.VerdictAccepted, Reviewer: "sup", Version: version, ReviewedAt: decided})
	if err != nil {
		tb.Fatal(err)
	}
	items, err := localdb.DecodePushed([]selection.Decision{{ID: id, Base: base,
		Kind: selection.KindReview, By: "sup", Data: data}})
	if err != nil {
		tb.Fatal(err)
	}
	return items[0]
}

// mustDocumentsOfA1 stores n documents of applicant A1 (see
// mustDocument) and returns them.
func mustDocumentsOfA1(tb testing.TB, db *localdb.DB, n int) []selection.Document {
	tb.Helper()
	docs := make([]selection.Document, n)
	for i := range docs {
		docs[i] = selection.Document{ID: fmt.Sprintf("D%05d", i), ApplicantID: "A1",
			Kind: selection.DocCIN, SHA256: fmt.Sprintf("%064x", i+1), MediaType: "image/png",
			Size: 10, UploadedAt: decided}
	}
	if err := db.PutDocuments(context.Background(), "hq", docs); err != nil {
		tb.Fatal(err)
	}
	return docs
}

// statuses lists the answers' statuses.
func statuses(res []selection.DecisionResult) string {
	var out []string
	for _, r := range res {
		out = append(out, string(r.Status))
	}
	return strings.Join(out, " ")
}

// TestPushGroupAppliesEachBatchAsIfAlone applies three batches as one
// group: the second names a document of another province and is refused
// whole, while the first lands and the third sees what the first did.
func TestPushGroupAppliesEachBatchAsIfAlone(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustDocument(t, hq)
	other := newApplicant("B1", "JB2", "b@b.ma")
	other.Choices = []string{"01.511.01.01"}
	if err := hq.PutApplicant(ctx, "hq", other); err != nil {
		t.Fatal(err)
	}
	err := hq.PutDocuments(ctx, "hq", []selection.Document{
		{ID: "D2", ApplicantID: "A1", Kind: selection.DocDiploma,
			SHA256: strings.Repeat("ef", 32), MediaType: "image/png", Size: 10, UploadedAt: decided},
		{ID: "DB1", ApplicantID: "B1", Kind: selection.DocCIN,
			SHA256: strings.Repeat("cd", 32), MediaType: "image/png", Size: 10, UploadedAt: decided},
	})
	if err != nil {
		t.Fatal(err)
	}
	from := localdb.Pusher{TokenID: "T1", Province: testProvince, Role: selection.SyncSupervisor}
	results, errs := localdb.ApplyGroup(hq, []localdb.GroupBatch{
		{from, []localdb.Pushed{pushedReview(t, "lap.1", "", "D1", 1)}},
		{from, []localdb.Pushed{pushedReview(t, "lap.2", "", "D2", 1),
			pushedReview(t, "lap.4", "", "DB1", 1)}},
		{from, []localdb.Pushed{pushedReview(t, "lap.3", "lap.1", "D1", 2),
			pushedReview(t, "lap.1", "", "D1", 1)}},
	})
	if errs[0] != nil || statuses(results[0]) != "applied" {
		t.Errorf("first batch: %s, %v", statuses(results[0]), errs[0])
	}
	if !errors.Is(errs[1], localdb.ErrScope) || results[1] != nil {
		t.Errorf("batch on another province: %v, %v", results[1], errs[1])
	}
	if errs[2] != nil || statuses(results[2]) != "applied duplicate" {
		t.Errorf("third batch: %s, %v", statuses(results[2]), errs[2])
	}

	if rs, err := hq.Reviews(ctx, "D1"); err != nil || len(rs) != 2 {
		t.Errorf("reviews of D1: %+v, %v", rs, err)
	}
	for _, doc := range []string{"D2", "DB1"} {
		if rs, err := hq.Reviews(ctx, doc); err != nil || len(rs) != 0 {
			t.Errorf("the refused batch left reviews of %s: %+v, %v", doc, rs, err)
		}
	}
	if _, err := hq.VerifyAudit(ctx); err != nil {
		t.Errorf("audit chain after a refused batch: %v", err)
	}
}

// TestPushCancelledBeforeItsTurnAppliesNothing gives the queue a batch
// whose request has already ended.
func TestPushCancelledBeforeItsTurnAppliesNothing(t *testing.T) {
	hq := MustOpen(t, localdb.NationalScope)
	mustDocument(t, hq)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	from := localdb.Pusher{TokenID: "T1", Province: testProvince, Role: selection.SyncSupervisor}
	_, err := hq.ApplyDecisions(ctx, from, []localdb.Pushed{pushedReview(t, "lap.1", "", "D1", 1)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("push of an ended request: %v", err)
	}
	if rs, err := hq.Reviews(context.Background(), "D1"); err != nil || len(rs) != 0 {
		t.Errorf("reviews of D1: %+v, %v", rs, err)
	}
}

// TestConcurrentPushesApplyEachDecisionOnce has laptops push the same
// batches at once, in different orders: each decision applies once, and
// every other answer for it is a duplicate.
func TestConcurrentPushesApplyEachDecisionOnce(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustDocument(t, hq)
	const batches, size, pushers = 6, 50, 4
	docs := mustDocumentsOfA1(t, hq, batches*size)
	all := make([][]localdb.Pushed, batches)
	for b := range all {
		for i := range size {
			n := b*size + i
			all[b] = append(all[b], pushedReview(t, fmt.Sprintf("lap.%d", n+1), "",
				docs[n].ID, 1))
		}
	}
	from := localdb.Pusher{TokenID: "T1", Province: testProvince, Role: selection.SyncSupervisor}
	var mu gosync.Mutex
	applied := map[string]int{}
	var wg gosync.WaitGroup
	for p := range pushers {
		wg.Go(func() {
			for k := range batches {
				res, err := hq.ApplyDecisions(ctx, from, all[(k+p)%batches])
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, r := range res {
					switch r.Status {
					case selection.DecisionApplied:
						applied[r.ID]++
					case selection.DecisionDuplicate:
					default:
						t.Errorf("%s: %s %s", r.ID, r.Status, r.Reason)
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(applied) != batches*size {
		t.Errorf("%d decisions applied, want %d", len(applied), batches*size)
	}
	for id, n := range applied {
		if n != 1 {
			t.Errorf("%s applied %d times", id, n)
		}
	}
	if _, err := hq.VerifyAudit(ctx); err != nil {
		t.Error(err)
	}
}

func TestWriterKeepsTemporaryFilesInMemory(t *testing.T) {
	hq := MustOpen(t, localdb.NationalScope)
	if v, err := localdb.WriterTempStore(hq); err != nil || v != 2 {
		t.Errorf("writer's temp_store: %d, %v; want 2 (memory)", v, err)
	}
}
