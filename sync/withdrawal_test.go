package sync_test

import (
	"context"
	"slices"
	"testing"

	"intiqa/selection"
)

// TestWithdrawalSyncsItsPromotion commits a final selection on one
// laptop, records a withdrawal there that promotes the first waiting
// candidate, and checks that headquarters and the province's other
// laptop end with the same outcomes and the same withdrawal.
func TestWithdrawalSyncsItsPromotion(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a1.mustSync(t)
	a2.mustSync(t)

	// A final selection on a1: one selected, two waiting.
	sel, w1, w2 := f.docsA[0].ApplicantID, f.docsA[1].ApplicantID, f.docsA[2].ApplicantID
	a, err := a1.db.Applicant(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	commune := a.Choices[0]
	run := &selection.Run{ID: "fin-a1", Kind: selection.RunFinal, Scope: provinceA,
		RulesVersion: "2024.1", RulesHash: "r", Seed: "s", Params: map[string]string{},
		InputHash: "i", OutputHash: "o", StartedAt: decidedAt, CreatedBy: "sup"}
	outcome := func(id string, st selection.Status, rank int) selection.Outcome {
		return selection.Outcome{RunID: run.ID, ApplicantID: id, Status: st, CommuneCode: commune,
			Role: selection.RoleEnumerator, Rank: rank, Score: 50}
	}
	if err := a1.db.SaveRun(ctx, "sup", run, []selection.Outcome{outcome(sel,
		selection.StatusSelected, 1), outcome(w1, selection.StatusWaiting, 1),
		outcome(w2, selection.StatusWaiting, 2)}); err != nil {
		t.Fatal(err)
	}

	// The selected withdraws; w1 takes the post, w2 moves up.
	wd := &selection.Withdrawal{ID: "wdr-1", RunID: run.ID, ApplicantID: sel, Reason: "désistement",
		ReplacedBy: w1, RecordedBy: "sup", RecordedAt: decidedAt}
	changed := []selection.Outcome{outcome(sel, selection.StatusWithdrawn, 0),
		outcome(w1, selection.StatusSelected, 1), outcome(w2, selection.StatusWaiting, 1)}
	if err := a1.db.ApplyWithdrawal(ctx, "sup", wd, changed); err != nil {
		t.Fatal(err)
	}
	a1.mustSync(t)
	a2.mustSync(t)

	want := map[string]selection.Status{sel: selection.StatusWithdrawn, w1: selection.StatusSelected,
		w2: selection.StatusWaiting}
	for _, s := range []struct {
		name string
		db   interface {
			Outcomes(context.Context, string) ([]selection.Outcome, error)
			Withdrawals(context.Context, string) ([]selection.Withdrawal, error)
		}
	}{{"headquarters", f.db}, {"a1", a1.db}, {"a2", a2.db}} {
		outs, err := s.db.Outcomes(ctx, run.ID)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for _, o := range outs {
			if o.Status != want[o.ApplicantID] {
				t.Errorf("%s: %s is %s, want %s", s.name, o.ApplicantID, o.Status, want[o.ApplicantID])
			}
			if o.ApplicantID == w2 && o.Rank != 1 {
				t.Errorf("%s: %s ranks %d on the waiting list, want 1", s.name, w2, o.Rank)
			}
		}
		ws, err := s.db.Withdrawals(ctx, run.ID)
		if err != nil || len(ws) != 1 || ws[0].ReplacedBy != w1 {
			t.Errorf("%s: withdrawals %+v, %v", s.name, ws, err)
		}
	}
	if n, err := a1.db.PendingCount(ctx); err != nil || n != 0 {
		t.Errorf("a1 still has %d decisions to push: %v", n, err)
	}
	if !slices.Contains(f.appliedApplicants(), w1) {
		t.Errorf("OnApplied was not told of the promoted candidate %s", w1)
	}
}
