package selection_test

import (
	"testing"

	"intiqa/selection"
)

func pts(v int) *selection.Score {
	s := selection.Score(v * 100)
	return &s
}

// cand is a candidate of commune c who did everything asked, with an
// interview score and no training score.
func cand(a *selection.Applicant, c string, interview int) selection.Candidate {
	return selection.Candidate{Applicant: a, CommuneCode: c, DocumentsAccepted: true,
		Attended: true, Interview: pts(interview)}
}

func TestFinalSelectionAndWithdrawals(t *testing.T) {
	absent := cand(grad("K5", selection.EducationBac5, cX), cX, 0)
	absent.Attended, absent.Interview = false, nil
	noDocs := cand(grad("K6", selection.EducationBac5, cX), cX, 95)
	noDocs.DocumentsAccepted = false
	in := selection.FinalInput{
		// Waiting lists twice the posts: Y, with one post, waits two.
		Rules: MustRules(t, func(r *selection.Rules) { r.Final.WaitingListMultiplier = 200 }),
		Seed:  "final",
		Candidates: []selection.Candidate{
			// Composite = 60% interview + 15% merit (no training score):
			// K2 60.00, K1 55.80, K3 48.90, K4 42.90.
			cand(grad("K1", selection.EducationBac5, cX), cX, 80),
			cand(grad("K2", selection.EducationBac2, cX), cX, 90), // cannot control: bac+2, no survey
			cand(grad("K3", selection.EducationBac3, cX), cX, 70),
			cand(grad("K4", selection.EducationBac3, cX), cX, 60),
			absent, noDocs,
			cand(grad("K7", selection.EducationBac5, cX), cX, 40),
			// Commune Y of the same province: one post, two waiting who
			// also chose X, as their second and third choice.
			cand(grad("L1", selection.EducationBac8, cY), cY, 90),
			cand(grad("L2", selection.EducationBac3, cY, cX), cY, 70),
			cand(grad("L3", selection.EducationBac8, cY, cZ, cX), cY, 85),
		},
		Needs: []selection.Need{
			{CommuneCode: cX, Enumerators: 2, Controllers: 1},
			{CommuneCode: cY, Enumerators: 1, Controllers: 0},
		},
	}
	f, err := selection.SelectFinal(in)
	if err != nil {
		t.Fatal(err)
	}
	type res struct {
		status  selection.Status
		commune string
		role    selection.Role
		rank    int
	}
	check := func(when string, want map[string]res) {
		t.Helper()
		for _, o := range f.Outcomes {
			w, ok := want[o.ApplicantID]
			if !ok {
				continue
			}
			if got := (res{o.Status, o.CommuneCode, o.Role, o.Rank}); got != w {
				t.Errorf("%s: %s got %+v, want %+v", when, o.ApplicantID, got, w)
			}
		}
	}
	check("selection", map[string]res{
		"K1": {selection.StatusSelected, cX, selection.RoleController, 1},
		"K2": {selection.StatusSelected, cX, selection.RoleEnumerator, 1},
		"K3": {selection.StatusSelected, cX, selection.RoleEnumerator, 2},
		"K4": {selection.StatusWaiting, cX, "", 1},
		"K5": {selection.StatusIneligible, cX, "", 0},
		"K6": {selection.StatusIneligible, cX, "", 0},
		"K7": {selection.StatusIneligible, cX, "", 0},
		"L1": {selection.StatusSelected, cY, selection.RoleEnumerator, 1},
		"L3": {selection.StatusWaiting, cY, "", 1},
		"L2": {selection.StatusWaiting, cY, "", 2},
	})
	if got := f.Outcomes[4].Reason; f.Outcomes[4].ApplicantID != "K5" || got != selection.ReasonAbsent {
		t.Errorf("K5's reason: %s", got)
	}

	steps := []struct {
		withdraw string
		want     selection.Promotion
	}{
		// K4 waits in X and may control (bac+3).
		{"K1", selection.Promotion{Withdrawn: "K1", Promoted: "K4", CommuneCode: cX,
			Role: selection.RoleController, From: cX, Reason: "santé"}},
		// X's list is empty: L2 chose X second, L3 third; choice order
		// first, despite L3's better score.
		{"K2", selection.Promotion{Withdrawn: "K2", Promoted: "L2", CommuneCode: cX,
			Role: selection.RoleEnumerator, From: cY, Reason: "santé"}},
		{"K3", selection.Promotion{Withdrawn: "K3", Promoted: "L3", CommuneCode: cX,
			Role: selection.RoleEnumerator, From: cY, Reason: "santé"}},
		// Nobody is left to promote.
		{"K4", selection.Promotion{Withdrawn: "K4", CommuneCode: cX,
			Role: selection.RoleController, Reason: "santé"}},
	}
	before := f.Run.OutputHash
	for _, s := range steps {
		p, err := f.Withdraw(s.withdraw, "santé")
		if err != nil {
			t.Fatal(err)
		}
		if p != s.want {
			t.Fatalf("withdraw %s: got %+v, want %+v", s.withdraw, p, s.want)
		}
	}
	check("after withdrawals", map[string]res{
		"K1": {selection.StatusWithdrawn, cX, selection.RoleController, 1},
		"L2": {selection.StatusSelected, cX, selection.RoleEnumerator, 1},
		"L3": {selection.StatusSelected, cX, selection.RoleEnumerator, 2},
		"L1": {selection.StatusSelected, cY, selection.RoleEnumerator, 1},
	})
	if len(f.Promotions) != 4 || f.Run.OutputHash == before {
		t.Fatalf("promotions %d, hash changed %v", len(f.Promotions), f.Run.OutputHash != before)
	}
	if _, err := f.Withdraw("K4", "again"); err == nil {
		t.Fatal("a withdrawn candidate withdrew again")
	}
}
