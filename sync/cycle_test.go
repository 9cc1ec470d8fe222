package sync_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

var decidedAt = time.Date(2024, 5, 20, 10, 0, 0, 0, time.UTC)

// review returns a first review of a document.
func review(id string, d selection.Document, v selection.Verdict) *selection.Review {
	r := &selection.Review{ID: id, DocumentID: d.ID, Verdict: v, Reviewer: "sup",
		ReviewedAt: decidedAt, Version: 1}
	if v == selection.VerdictRejected {
		r.Reason = selection.ReasonUnreadable
	}
	return r
}

// decide takes a set of interview decisions on a laptop: a session, a
// convocation, attendance and a submitted score sheet for applicant.
func decide(tb testing.TB, l *laptop, province, session, applicant string) {
	tb.Helper()
	ctx := context.Background()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(l.db.PutSession(ctx, "sup", &selection.InterviewSession{ID: session,
		ProvinceCode: province, StartsAt: decidedAt, Place: "Biougra", Panel: []string{"p1"},
		Version: 1}))
	must(l.db.PutConvocation(ctx, "sup", &selection.Convocation{SessionID: session,
		ApplicantID: applicant, Slot: decidedAt, Role: selection.RoleEnumerator}))
	must(l.db.PutAttendance(ctx, "p1", &selection.Attendance{SessionID: session,
		ApplicantID: applicant, Present: true, RecordedBy: "p1", RecordedAt: decidedAt}))
	must(l.db.PutScoreSheet(ctx, "p1", &selection.ScoreSheet{ID: session + "-" + applicant,
		SessionID: session, ApplicantID: applicant, Member: "p1",
		Points: map[string]int{"communication": 3, "tablet": 4},
		Notes:  map[string]string{"communication": "clair"}, SubmittedAt: decidedAt}))
}

// provincesOf returns the set of provinces of a store's applicants.
func provincesOf(tb testing.TB, db *localdb.DB) map[string]int {
	tb.Helper()
	out := map[string]int{}
	for a, err := range db.Applicants(context.Background(), localdb.ApplicantFilter{}) {
		if err != nil {
			tb.Fatal(err)
		}
		out[a.ProvinceCode()]++
	}
	return out
}

func TestFullCycle(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	b1 := MustLaptop(t, f, "b1", provinceB, f.srv.URL, selection.SyncSupervisor, testOptions())
	for _, l := range []*laptop{a1, a2, b1} {
		l.mustSync(t)
	}

	// Each laptop holds its province's applicants, documents and files.
	for _, c := range []struct {
		l        *laptop
		province string
		docs     []selection.Document
	}{{a1, provinceA, f.docsA}, {a2, provinceA, f.docsA}, {b1, provinceB, f.docsB}} {
		got := provincesOf(t, c.l.db)
		if len(got) != 1 || got[c.province] != fixtureApplicants {
			t.Errorf("%s: applicants by province %v, want %d of %s only", c.l.name, got,
				fixtureApplicants, c.province)
		}
		for _, d := range c.docs {
			body, err := os.ReadFile(c.l.c.DocumentPath(d))
			if err != nil || string(body) != string(f.files[d.SHA256]) {
				t.Errorf("%s: document %s: file missing or different (%v)", c.l.name, d.ID, err)
			}
		}
		if n, err := c.l.db.CountApplicants(ctx, localdb.ApplicantFilter{ProvinceCode: provinceB}); c.province == provinceA && (err != nil || n != 0) {
			t.Errorf("%s: %d applicants of %s (%v)", c.l.name, n, provinceB, err)
		}
		if _, err := c.l.db.Rubric(ctx, "2024.1"); err != nil {
			t.Errorf("%s: rubric not pulled: %v", c.l.name, err)
		}
		if rules, err := c.l.db.PublishedRulesList(ctx); err != nil || len(rules) != 1 {
			t.Errorf("%s: rules pulled: %d, %v", c.l.name, len(rules), err)
		}
		if needs, err := c.l.db.Needs(ctx); err != nil || len(needs) == 0 {
			t.Errorf("%s: needs pulled: %d, %v", c.l.name, len(needs), err)
		}
		for _, p := range []string{provinceA, provinceB} {
			outs, err := c.l.db.Outcomes(ctx, "PRE-"+p)
			want := 0
			if p == c.province {
				want = fixtureApplicants
			}
			if err != nil || len(outs) != want {
				t.Errorf("%s: %d outcomes of the pre-selection of %s, want %d (%v)", c.l.name,
					len(outs), p, want, err)
			}
		}
		tr, err := c.l.db.TrainingOf(ctx, c.docs[0].ApplicantID)
		if err != nil || tr.ModulesCompleted != 2 {
			t.Errorf("%s: training pulled: %+v, %v", c.l.name, tr, err)
		}
	}

	// a1 decides; its outbox holds every decision, then empties on sync.
	for i, d := range f.docsA[:10] {
		if err := a1.db.AddReview(ctx, "sup", review(fmt.Sprintf("R-a1-%d", i), d,
			selection.VerdictAccepted)); err != nil {
			t.Fatal(err)
		}
	}
	applicant := f.docsA[0].ApplicantID
	decide(t, a1, provinceA, "S-a1", applicant)
	if n, _ := a1.db.PendingCount(ctx); n != 14 {
		t.Fatalf("a1: %d decisions pending, want 14 (10 reviews, 4 interview decisions)", n)
	}
	a1.mustSync(t)
	if st, err := a1.c.Status(ctx); err != nil || st.Pending != 0 || st.LastError != "" ||
		st.LastSuccess.IsZero() {
		t.Fatalf("a1: status after sync %+v, %v", st, err)
	}

	// Headquarters and a2 hold them; b1 holds none of them.
	a2.mustSync(t)
	b1.mustSync(t)
	for _, db := range []*localdb.DB{f.db, a2.db} {
		for i, d := range f.docsA[:10] {
			rs, err := db.Reviews(ctx, d.ID)
			if err != nil || len(rs) != 1 || rs[0].ID != fmt.Sprintf("R-a1-%d", i) {
				t.Errorf("reviews of %s: %v, %v", d.ID, rs, err)
			}
		}
		sheets, err := db.ScoreSheets(ctx, "S-a1", applicant)
		if err != nil || len(sheets) != 1 || sheets[0].Points["tablet"] != 4 {
			t.Errorf("score sheets: %v, %v", sheets, err)
		}
		att, err := db.Attendance(ctx, "S-a1")
		if err != nil || len(att) != 1 || !att[0].Present {
			t.Errorf("attendance: %v, %v", att, err)
		}
	}
	if _, err := b1.db.Session(ctx, "S-a1"); !errors.Is(err, localdb.ErrNotFound) {
		t.Errorf("b1 holds province A's session: %v", err)
	}
	if n, _ := a2.db.PendingCount(ctx); n != 0 {
		t.Errorf("a2: pulled decisions went to its outbox: %d pending", n)
	}
	for _, l := range []*laptop{a1, a2, b1} {
		if _, err := l.db.VerifyAudit(ctx); err != nil {
			t.Errorf("%s: audit chain: %v", l.name, err)
		}
	}
	if _, err := f.db.VerifyAudit(ctx); err != nil {
		t.Errorf("hq: audit chain: %v", err)
	}
}

func TestConflictQueuedAndResolved(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a1.mustSync(t)
	a2.mustSync(t)

	// Both laptops decide the same document differently, offline.
	d := f.docsA[3]
	if err := a1.db.AddReview(ctx, "sup1", review("R-1", d, selection.VerdictAccepted)); err != nil {
		t.Fatal(err)
	}
	if err := a2.db.AddReview(ctx, "sup2", review("R-2", d, selection.VerdictRejected)); err != nil {
		t.Fatal(err)
	}
	a1.mustSync(t)
	a2.mustSync(t)

	// a2's review is queued, not applied; a2 now shows a1's.
	conflicts, err := a2.c.Conflicts(ctx)
	if err != nil || len(conflicts) != 1 || conflicts[0].Kind != selection.KindReview ||
		conflicts[0].Status != selection.DecisionConflict || conflicts[0].Key != d.ID {
		t.Fatalf("a2 conflicts: %+v, %v", conflicts, err)
	}
	for name, db := range map[string]*localdb.DB{"hq": f.db, "a2": a2.db} {
		rs, err := db.Reviews(ctx, d.ID)
		if err != nil || len(rs) != 1 || rs[0].ID != "R-1" {
			t.Fatalf("%s reviews: %+v, %v", name, rs, err)
		}
	}

	// The supervisor keeps a2's verdict: a new review that syncs.
	if err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, selection.KeepMine); err != nil {
		t.Fatal(err)
	}
	if n, _ := a2.db.ConflictCount(ctx); n != 0 {
		t.Errorf("%d conflicts left", n)
	}
	a2.mustSync(t)
	a1.mustSync(t)
	for name, db := range map[string]*localdb.DB{"hq": f.db, "a1": a1.db, "a2": a2.db} {
		rs, err := db.Reviews(ctx, d.ID)
		if err != nil || len(rs) != 2 || rs[1].Verdict != selection.VerdictRejected ||
			rs[1].Version != 2 {
			t.Errorf("%s reviews after resolution: %+v, %v", name, rs, err)
		}
	}
	if n, _ := a1.db.ConflictCount(ctx); n != 0 {
		t.Errorf("a1: %d conflicts", n)
	}
}

func TestPushRetriedIsHarmless(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a1.mustSync(t)
	for i, d := range f.docsA[:5] {
		if err := a1.db.AddReview(ctx, "sup", review(fmt.Sprintf("R-%d", i), d,
			selection.VerdictAccepted)); err != nil {
			t.Fatal(err)
		}
	}
	items, err := a1.db.Outbox(ctx, 100)
	if err != nil || len(items) != 5 {
		t.Fatalf("outbox: %d, %v", len(items), err)
	}
	var answers [][]selection.DecisionStatus
	for range 3 {
		res, err := a1.c.PushBatch(ctx, items)
		if err != nil {
			t.Fatal(err)
		}
		var st []selection.DecisionStatus
		for _, r := range res {
			st = append(st, r.Status)
		}
		answers = append(answers, st)
	}
	want := [][]selection.DecisionStatus{
		slices.Repeat([]selection.DecisionStatus{selection.DecisionApplied}, 5),
		slices.Repeat([]selection.DecisionStatus{selection.DecisionDuplicate}, 5),
		slices.Repeat([]selection.DecisionStatus{selection.DecisionDuplicate}, 5),
	}
	for i := range want {
		if !slices.Equal(answers[i], want[i]) {
			t.Errorf("push %d answered %v, want %v", i+1, answers[i], want[i])
		}
	}
	for _, d := range f.docsA[:5] {
		if rs, err := f.db.Reviews(ctx, d.ID); err != nil || len(rs) != 1 {
			t.Errorf("hq reviews of %s: %d, %v", d.ID, len(rs), err)
		}
	}
}

func TestAttendanceConflictKeepTheirs(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a1.mustSync(t)
	applicant := f.docsA[0].ApplicantID
	decide(t, a1, provinceA, "S1", applicant)
	a1.mustSync(t)
	a2.mustSync(t)

	// Both record the candidate's attendance differently, offline; a2's
	// arrives second and waits; a2 shows a1's meanwhile.
	mark := func(l *laptop, present bool) {
		t.Helper()
		if err := l.db.PutAttendance(ctx, l.name, &selection.Attendance{SessionID: "S1",
			ApplicantID: applicant, Present: present, RecordedBy: l.name,
			RecordedAt: decidedAt.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	mark(a1, false)
	mark(a2, true)
	a1.mustSync(t)
	a2.mustSync(t)
	conflicts, err := a2.c.Conflicts(ctx)
	if err != nil || len(conflicts) != 1 || conflicts[0].Kind != selection.KindAttendance {
		t.Fatalf("a2 conflicts: %+v, %v", conflicts, err)
	}
	if att, _ := a2.db.Attendance(ctx, "S1"); len(att) != 1 || att[0].Present || att[0].RecordedBy != "a1" {
		t.Errorf("a2 shows %+v, want a1's record", att)
	}

	// The supervisor confirms a1's record: it syncs, and everyone agrees.
	if err := a2.c.Resolve(ctx, "sup", conflicts[0].ID, selection.KeepTheirs); err != nil {
		t.Fatal(err)
	}
	a2.mustSync(t)
	a1.mustSync(t)
	for name, db := range map[string]*localdb.DB{"hq": f.db, "a1": a1.db, "a2": a2.db} {
		att, err := db.Attendance(ctx, "S1")
		if err != nil || len(att) != 1 || att[0].Present || att[0].RecordedBy != "a1" {
			t.Errorf("%s attendance: %+v, %v", name, att, err)
		}
	}
	for _, l := range []*laptop{a1, a2} {
		if n, _ := l.db.ConflictCount(ctx); n != 0 {
			t.Errorf("%s: %d conflicts", l.name, n)
		}
	}
}

func TestResolveWaitsForTheirDecision(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a1.mustSync(t)
	a2.mustSync(t)
	d := f.docsA[1]
	if err := a1.db.AddReview(ctx, "sup1", review("R-1", d, selection.VerdictAccepted)); err != nil {
		t.Fatal(err)
	}
	if err := a2.db.AddReview(ctx, "sup2", review("R-2", d, selection.VerdictRejected)); err != nil {
		t.Fatal(err)
	}
	a1.mustSync(t)
	if err := a2.c.Push(ctx, func(isync.Progress) {}); err != nil {
		t.Fatal(err)
	}
	conflicts, _ := a2.c.Conflicts(ctx)
	if len(conflicts) != 1 {
		t.Fatalf("%d conflicts", len(conflicts))
	}
	if err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, selection.KeepMine); !errors.Is(err, selection.ErrSyncFirst) {
		t.Fatalf("resolve before pulling a1's review: %v, want ErrSyncFirst", err)
	}
	if err := a2.c.Pull(ctx, func(isync.Progress) {}); err != nil {
		t.Fatal(err)
	}
	if err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, selection.KeepMine); err != nil {
		t.Fatal(err)
	}
	if n, _ := a2.db.PendingCount(ctx); n != 1 {
		t.Errorf("%d decisions pending after the resolution, want 1", n)
	}
}
