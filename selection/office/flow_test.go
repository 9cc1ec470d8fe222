package office_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"intiqa/selection"
	"intiqa/selection/office"
	"intiqa/selection/synth"
)

func TestReviewQueue(t *testing.T) {
	f := mustFixture(t, false)
	ctx := context.Background()
	f.signIn(t, "superviseur")
	q, err := f.svc.ReviewQueue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := q.Counts()
	if q.Len() == 0 || start.DocsPending != q.Len() || start.DocsReviewed() != 0 {
		t.Fatalf("queue of %d, counts %+v", q.Len(), start)
	}
	first, _ := q.Current(ctx)
	if first.Applicant == nil || first.Applicant.ID != first.Doc.Document.ApplicantID {
		t.Fatalf("first item without its applicant: %+v", first)
	}
	if _, err := f.svc.DocumentFile(&first.Doc.Document); err != nil {
		t.Errorf("document file: %v", err)
	}

	// Accept, reject, skip, then go back and change the rejection.
	if err := q.Accept(ctx); err != nil {
		t.Fatal(err)
	}
	if err := q.Reject(ctx, "not a reason"); !errors.Is(err, office.ErrInvalid) {
		t.Errorf("reject with an unknown reason = %v", err)
	}
	if err := q.Reject(ctx, selection.ReasonUnreadable); err != nil {
		t.Fatal(err)
	}
	q.Skip()
	q.Back()
	q.Back()
	if err := q.Accept(ctx); err != nil {
		t.Fatalf("changing a verdict: %v", err)
	}
	c := q.Counts()
	if c.DocsAccepted != 2 || c.DocsRejected != 0 || c.DocsPending != start.DocsPending-2 {
		t.Errorf("counts after accept, reject, re-accept: %+v", c)
	}
	revs, err := f.db.Reviews(ctx, first.Doc.Document.ID)
	if err != nil || len(revs) != 1 || revs[0].Verdict != selection.VerdictAccepted ||
		revs[0].Reviewer != "superviseur" {
		t.Errorf("reviews of the first document: %+v, %v", revs, err)
	}
	second, _ := q.Peek(ctx, -1)
	revs, _ = f.db.Reviews(ctx, second.Doc.Document.ID)
	if len(revs) != 2 || revs[1].Version != 2 || revs[1].Verdict != selection.VerdictAccepted {
		t.Errorf("reviews of the second document: %+v", revs)
	}

	// Another laptop's queue, opened before, is caught deciding stale.
	other, _ := f.svc.ReviewQueue(ctx)
	if err := q.Accept(ctx); err != nil {
		t.Fatal(err)
	}
	if err := other.Accept(ctx); !errors.Is(err, selection.ErrStaleVersion) {
		t.Errorf("stale decision = %v; want ErrStaleVersion", err)
	}
}

func TestSealedScores(t *testing.T) {
	f := mustFixture(t, true)
	ctx := context.Background()

	// The session in progress has candidates scored by some members only.
	f.signIn(t, "jury3")
	sessions, err := f.svc.Sessions(ctx)
	if err != nil || len(sessions) == 0 {
		t.Fatalf("sessions of jury3: %v, %v", sessions, err)
	}
	last := sessions[len(sessions)-1].Session
	cands, err := f.svc.SessionCandidates(ctx, last.ID)
	if err != nil {
		t.Fatal(err)
	}
	var target *office.SessionCandidate
	for i, c := range cands {
		if c.Attendance != nil && c.Attendance.Present && c.Result.Submitted > 0 {
			target = &cands[i]
			break
		}
	}
	if target == nil {
		t.Fatal("no candidate scored by another member in the session in progress")
	}
	if target.Applicant.CIN != "" || target.Applicant.Phone != "" {
		t.Error("a panel member sees personal data")
	}
	id := target.Applicant.ID

	// Before jury3 submits: the others' sheets are not even returned.
	v, err := f.svc.ScoreSheet(ctx, last.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Others) != 0 || v.Result.Visible || len(v.Result.Scores) != 0 || v.Result.Mean != 0 {
		t.Fatalf("scores visible before one's own is submitted: %+v", v.Result)
	}

	// Submitting needs a note per criterion.
	points, notes := map[string]int{}, map[string]string{}
	for _, c := range v.Rubric.Criteria {
		points[c.Code], notes[c.Code] = 3, "Clair et précis"
	}
	notes["territory"] = " "
	var ce *office.CriterionError
	if err := f.svc.SaveSheet(ctx, last.ID, id, points, notes, true); !errors.As(err, &ce) ||
		ce.Code != "territory" {
		t.Fatalf("submit without a note = %v", err)
	}
	if err := f.svc.SaveSheet(ctx, last.ID, id, points, notes, false); err != nil {
		t.Fatalf("save a draft without a note: %v", err)
	}
	notes["territory"] = "Connaît bien les douars"
	if err := f.svc.SaveSheet(ctx, last.ID, id, points, notes, true); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SaveSheet(ctx, last.ID, id, points, notes, true); !errors.Is(err, selection.ErrLocked) {
		t.Errorf("changing a submitted sheet = %v; want ErrLocked", err)
	}

	// After: the others' submitted sheets and the scores show.
	v, err = f.svc.ScoreSheet(ctx, last.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Others) == 0 || !v.Result.Visible || v.Result.Scores["jury3"] != 75 {
		t.Errorf("after submitting: %d others, result %+v", len(v.Others), v.Result)
	}

	// A supervisor sees the scores only once the panel's result locks.
	f.signIn(t, "superviseur")
	cands, _ = f.svc.SessionCandidates(ctx, last.ID)
	hidden := 0
	for _, c := range cands {
		r := c.Result
		if r.Visible != r.Locked || (!r.Visible && len(r.Scores) > 0) {
			t.Errorf("supervisor's view of %s: %+v", c.Applicant.ID, r)
		}
		if r.Submitted > 0 && !r.Locked {
			hidden++
		}
	}
	if hidden == 0 {
		t.Error("no partly scored candidate left to check sealing on")
	}
}

func TestScoreRefusals(t *testing.T) {
	f := mustFixture(t, true)
	ctx := context.Background()
	f.signIn(t, "superviseur")
	x, err := f.svc.PlanSession(ctx, time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC), "Salle B",
		[]string{"jury1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PlanSession(ctx, time.Now(), "Salle", []string{"coordinateur"}); !errors.Is(err, office.ErrInvalid) {
		t.Errorf("a coordinator on a panel = %v; want ErrInvalid", err)
	}
	convs, err := f.svc.Convoke(ctx, x.ID, 2)
	if err != nil || len(convs) == 0 {
		t.Fatalf("convoke: %v, %v", convs, err)
	}
	id := convs[0].ApplicantID

	// jury2 is not on the panel; jury1 cannot score an absent candidate.
	f.signIn(t, "jury2")
	if err := f.svc.RecordAttendance(ctx, x.ID, id, true); !errors.Is(err, office.ErrForbidden) {
		t.Errorf("attendance by a member of another panel = %v", err)
	}
	f.signIn(t, "jury1")
	if err := f.svc.SaveSheet(ctx, x.ID, id, map[string]int{}, nil, false); !errors.Is(err, office.ErrInvalid) {
		t.Errorf("scoring before attendance = %v; want ErrInvalid", err)
	}
	if err := f.svc.RecordAttendance(ctx, x.ID, id, true); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SaveSheet(ctx, x.ID, id, map[string]int{"tablet": 5}, nil, false); !errors.Is(err, office.ErrInvalid) {
		t.Errorf("points above the scale = %v; want ErrInvalid", err)
	}
}

func TestFinalPreviewCommitWithdraw(t *testing.T) {
	f := mustFixture(t, true)
	ctx := context.Background()
	f.signIn(t, "superviseur")
	seed, err := f.svc.DefaultSeed(ctx)
	if err != nil || seed == "" {
		t.Fatalf("default seed %q, %v", seed, err)
	}
	p, err := f.svc.PreviewFinal(ctx, seed)
	if err != nil {
		t.Fatal(err)
	}
	if p.Previous != nil || p.Counts[selection.StatusSelected] == 0 ||
		len(p.Changes) != len(p.Selection.Outcomes) {
		t.Fatalf("first preview: previous %v, counts %v, %d changes", p.Previous, p.Counts,
			len(p.Changes))
	}
	if l, err := f.svc.CommittedFinal(ctx); err != nil || l != nil {
		t.Fatalf("a preview was recorded: %+v, %v", l, err)
	}
	run, err := f.svc.CommitFinal(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.svc.PreviewFinal(ctx, seed)
	if err != nil || again.Previous == nil || again.Previous.ID != run.ID || len(again.Changes) != 0 {
		t.Fatalf("preview after commit: %+v changes, %v", again.Changes, err)
	}

	// Withdraw a selected candidate: the replacement is recorded.
	var who string
	for _, o := range p.Selection.Outcomes {
		if o.Status == selection.StatusSelected {
			who = o.ApplicantID
			break
		}
	}
	pr, err := f.svc.Withdraw(ctx, who, "Raisons familiales")
	if err != nil {
		t.Fatal(err)
	}
	l, err := f.svc.CommittedFinal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Withdrawals) != 1 || l.Withdrawals[0].ReplacedBy != pr.Promoted {
		t.Errorf("withdrawals %+v; promotion %+v", l.Withdrawals, pr)
	}
	for _, o := range l.Outcomes {
		if o.ApplicantID == who && o.Status != selection.StatusWithdrawn {
			t.Errorf("withdrawn candidate still %s", o.Status)
		}
		if pr.Promoted != "" && o.ApplicantID == pr.Promoted && o.Status != selection.StatusSelected {
			t.Errorf("promoted candidate is %s", o.Status)
		}
	}
	if _, err := f.svc.Withdraw(ctx, who, "encore"); err == nil {
		t.Error("withdrawing a withdrawn candidate succeeded")
	}
}

func TestDetailRedactedForCoordinator(t *testing.T) {
	f := mustFixture(t, true)
	ctx := context.Background()
	f.signIn(t, "superviseur")
	var id string
	for a, err := range f.svc.Applicants(ctx, selection.ApplicantFilter{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		id = a.ID
	}
	d, err := f.svc.ApplicantDetail(ctx, id)
	if err != nil || d.Applicant.CIN == "" || d.Preselection == nil {
		t.Fatalf("supervisor's detail: %+v, %v", d, err)
	}
	if d.Explanation == nil {
		t.Error("no explanation of the pre-selection")
	}
	f.signIn(t, "coordinateur")
	d, err = f.svc.ApplicantDetail(ctx, id)
	if err != nil || d.Applicant.CIN != "" || d.Applicant.Email != "" || d.Applicant.Phone != "" ||
		!d.Applicant.BirthDate.IsZero() {
		t.Errorf("coordinator sees personal data: %+v, %v", d.Applicant, err)
	}
}

// TestFigures checks the dashboard's figures against the store and the
// generator they come from.
func TestFigures(t *testing.T) {
	f := mustFixture(t, true)
	ctx := context.Background()
	f.signIn(t, "coordinateur")
	figs, err := f.svc.Figures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g, err := synth.New(1, smallProvince)
	if err != nil {
		t.Fatal(err)
	}
	if figs.Applications != g.Count() || figs.Documents.Files != g.UploaderCount() {
		t.Errorf("%d applications, %d files; the generator made %d, %d", figs.Applications,
			figs.Documents.Files, g.Count(), g.UploaderCount())
	}
	sum, communes := 0, 0
	for _, c := range selection.Categories {
		sum += figs.ByCategory[c]
		if figs.ByCategory[c] != g.CategoryCounts()[c] {
			t.Errorf("%s: %d; the generator made %d", c, figs.ByCategory[c], g.CategoryCounts()[c])
		}
	}
	invited, training := 0, 0
	for _, c := range figs.Communes {
		communes += c.Applications
		invited += c.Invited
		if c.TrainingNeeds != 4*c.FieldNeeds {
			t.Errorf("%s: training needs %d for %d posts", c.Commune.Code, c.TrainingNeeds, c.FieldNeeds)
		}
		training += c.TrainingNeeds
	}
	if sum != figs.Applications || communes != figs.Applications || invited != figs.Invited {
		t.Errorf("categories %d, communes %d, invited %d; applications %d, invited %d", sum,
			communes, invited, figs.Applications, figs.Invited)
	}
	if invited == 0 || invited > training {
		t.Errorf("%d invited for %d training places", invited, training)
	}
	d := figs.Documents
	if d.Examined()+d.FilesPending != d.Files || d.DocsReviewed()+d.DocsPending != d.Documents {
		t.Errorf("document counts do not add up: %+v", d)
	}
	in := figs.Interviews
	if in.Present+in.Absent > in.Convoked || in.Scored > in.Present || in.Divergent > in.Scored {
		t.Errorf("interview counts do not add up: %+v", in)
	}
}
