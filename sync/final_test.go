package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

// commitFinal commits a final selection on a laptop, as the office does:
// a run of the laptop's province, committed, whose outcomes select the
// first applicant given and put the others on the waiting list.
func commitFinal(tb testing.TB, l *laptop, id string, at time.Time, applicants ...string) {
	tb.Helper()
	ctx := context.Background()
	a, err := l.db.Applicant(ctx, applicants[0])
	if err != nil {
		tb.Fatal(err)
	}
	run := &selection.Run{ID: id, Kind: selection.RunFinal, Scope: provinceA,
		RulesVersion: "2024.1", RulesHash: "r", Seed: id, Params: map[string]string{},
		InputHash: "i", OutputHash: "o-" + id, StartedAt: at, CommittedAt: at, CreatedBy: l.name}
	outs := make([]selection.Outcome, len(applicants))
	for i, ap := range applicants {
		outs[i] = selection.Outcome{RunID: id, ApplicantID: ap, Status: selection.StatusWaiting,
			CommuneCode: a.Choices[0], Role: selection.RoleEnumerator, Rank: i, Score: 50}
	}
	outs[0].Status, outs[0].Rank = selection.StatusSelected, 1
	if err := l.db.SaveRun(ctx, l.name, run, outs); err != nil {
		tb.Fatal(err)
	}
}

// finalStore is what the final selection checks read of a store.
type finalStore interface {
	LatestRun(context.Context, selection.RunKind) (*selection.Run, error)
	Run(context.Context, string) (*selection.Run, error)
	Outcomes(context.Context, string) ([]selection.Outcome, error)
	Withdrawals(context.Context, string) ([]selection.Withdrawal, error)
}

// finalOf fingerprints the final selection in force in a store: the run
// and its outcomes and withdrawals.
func finalOf(tb testing.TB, name string, db finalStore) []string {
	tb.Helper()
	ctx := context.Background()
	run, err := db.LatestRun(ctx, selection.RunFinal)
	if err != nil {
		tb.Fatalf("%s: final selection in force: %v", name, err)
	}
	out := []string{"run " + run.ID}
	outs, err := db.Outcomes(ctx, run.ID)
	if err != nil {
		tb.Fatal(err)
	}
	for _, o := range outs {
		out = append(out, fmt.Sprintf("outcome %s %s %d", o.ApplicantID, o.Status, o.Rank))
	}
	ws, err := db.Withdrawals(ctx, run.ID)
	if err != nil {
		tb.Fatal(err)
	}
	for _, w := range ws {
		out = append(out, fmt.Sprintf("withdrawal %s %s by %s", w.ID, w.ApplicantID, w.ReplacedBy))
	}
	return out
}

// checkSameFinal checks that every store holds the same final selection
// in force, run wantRun.
func checkSameFinal(tb testing.TB, f *hqFixture, wantRun string, laptops ...*laptop) {
	tb.Helper()
	want := finalOf(tb, "headquarters", f.db)
	if want[0] != "run "+wantRun {
		tb.Errorf("headquarters holds %s in force, want %s", want[0], wantRun)
	}
	for _, l := range laptops {
		if got := finalOf(tb, l.name, l.db); !slices.Equal(got, want) {
			tb.Errorf("%s holds\n%v\nheadquarters holds\n%v", l.name, got, want)
		}
		if n, err := l.db.PendingCount(context.Background()); err != nil || n != 0 {
			tb.Errorf("%s: %d decisions pending, %v", l.name, n, err)
		}
		if n, err := l.db.ConflictCount(context.Background()); err != nil || n != 0 {
			tb.Errorf("%s: %d conflicts open, %v", l.name, n, err)
		}
	}
}

// checkNotAt checks that a run and everything on it are absent from a
// store.
func checkNotAt(tb testing.TB, name string, db finalStore, runID string) {
	tb.Helper()
	ctx := context.Background()
	if _, err := db.Run(ctx, runID); !errors.Is(err, selection.ErrNotFound) {
		tb.Errorf("%s: run %s: %v, want not found", name, runID, err)
	}
	if outs, err := db.Outcomes(ctx, runID); err != nil || len(outs) != 0 {
		tb.Errorf("%s: %d outcomes of run %s, %v", name, len(outs), runID, err)
	}
	if ws, err := db.Withdrawals(ctx, runID); err != nil || len(ws) != 0 {
		tb.Errorf("%s: %d withdrawals of run %s, %v", name, len(ws), runID, err)
	}
}

// settle syncs a2, which resolved its conflict on the final selection
// with choice, then a1, and checks that the three stores hold the same
// final selection in force: a2's run when a2 kept it, else a1's, a2's
// then gone from all three.
func settle(t *testing.T, f *hqFixture, a1, a2 *laptop, choice selection.Resolution) {
	t.Helper()
	a2.mustSync(t)
	a1.mustSync(t)
	if choice == selection.KeepMine {
		checkSameFinal(t, f, "fin-a2", a1, a2)
		return
	}
	checkSameFinal(t, f, "fin-a1", a1, a2)
	for name, db := range map[string]*localdb.DB{"hq": f.db, "a1": a1.db, "a2": a2.db} {
		checkNotAt(t, name, db, "fin-a2")
	}
}

// twoSupervisorsOfA starts headquarters and two supervisors' laptops of
// province A.
func twoSupervisorsOfA(t *testing.T) (*hqFixture, *laptop, *laptop) {
	t.Helper()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	return f, a1, a2
}

// twoFinals has two laptops of province A commit a final selection each
// offline; a1 syncs first, then a2. It returns a2's conflicts.
func twoFinals(t *testing.T) (*hqFixture, *laptop, *laptop, []selection.Conflict) {
	t.Helper()
	// a2 commits later by its clock: the order of commits does not decide.
	return twoFinalsAt(t, decidedAt.Add(time.Hour))
}

// twoFinalsAt is twoFinals with a2 committing its run at a2At.
func twoFinalsAt(t *testing.T, a2At time.Time) (*hqFixture, *laptop, *laptop,
	[]selection.Conflict) {
	t.Helper()
	ctx := context.Background()
	f, a1, a2 := twoSupervisorsOfA(t)
	a1.mustSync(t)
	a2.mustSync(t)
	ap := func(i int) string { return f.docsA[i].ApplicantID }
	commitFinal(t, a1, "fin-a1", decidedAt, ap(0), ap(1), ap(2))
	commitFinal(t, a2, "fin-a2", a2At, ap(3), ap(4), ap(5))
	a1.mustSync(t)
	a2.mustSync(t)
	conflicts, err := a2.c.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return f, a1, a2, conflicts
}

// TestFinalSelectionsConflict: two laptops of a province commit a final
// selection each offline; the second to push gets a conflict, and
// nothing of its run lands at headquarters, while it shows headquarters'
// run.
func TestFinalSelectionsConflict(t *testing.T) {
	f, a1, a2, conflicts := twoFinals(t)
	if len(conflicts) != 1 || conflicts[0].Kind != selection.KindFinalRun ||
		conflicts[0].Status != selection.DecisionConflict || conflicts[0].Key != "final/"+provinceA {
		t.Fatalf("a2 conflicts: %+v", conflicts)
	}
	var theirs selection.Run
	if err := json.Unmarshal(conflicts[0].Theirs, &theirs); err != nil || theirs.ID != "fin-a1" {
		t.Errorf("a2's conflict shows headquarters' run %q (%v), want fin-a1", theirs.ID, err)
	}
	checkNotAt(t, "headquarters", f.db, "fin-a2")
	if got := finalOf(t, "a2", a2.db); got[0] != "run fin-a1" {
		t.Errorf("a2 shows %s in force, want headquarters' fin-a1", got[0])
	}
	a1.mustSync(t)
	checkNotAt(t, "a1", a1.db, "fin-a2")
	if got := finalOf(t, "a1", a1.db); got[0] != "run fin-a1" {
		t.Errorf("a1 shows %s in force, want fin-a1", got[0])
	}
}

// TestFinalConflictKeepMine: keeping a2's run queues it on top of a1's;
// it applies, and a1 then shows it.
func TestFinalConflictKeepMine(t *testing.T) {
	ctx := context.Background()
	f, a1, a2, conflicts := twoFinals(t)
	if len(conflicts) != 1 {
		t.Fatalf("a2 conflicts: %+v", conflicts)
	}
	if err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, selection.KeepMine); err != nil {
		t.Fatal(err)
	}
	if n, _ := a2.db.PendingCount(ctx); n != 1 {
		t.Errorf("%d decisions pending after keeping a2's run, want 1", n)
	}
	settle(t, f, a1, a2, selection.KeepMine)
}

// TestKeptEarlierRunIsInForceAtHQ: a2's run, committed before a1's by
// the clocks but pushed after it, is kept. Headquarters then holds it in
// force, for its lists and for the e-mails to applicants, though a1's
// was committed later.
func TestKeptEarlierRunIsInForceAtHQ(t *testing.T) {
	ctx := context.Background()
	f, a1, a2, conflicts := twoFinalsAt(t, decidedAt.Add(-time.Hour))
	if len(conflicts) != 1 {
		t.Fatalf("a2 conflicts: %+v", conflicts)
	}
	if err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, selection.KeepMine); err != nil {
		t.Fatal(err)
	}
	settle(t, f, a1, a2, selection.KeepMine)
	if id, err := f.db.FinalRunInForce(ctx, provinceA); err != nil || id != "fin-a2" {
		t.Errorf("final selection in force at headquarters: %q, %v; want fin-a2", id, err)
	}

	if _, err := f.db.PlanNotifications(ctx, "hq", selection.PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for n, err := range f.db.Notifications(ctx, localdb.NotificationFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if n.Kind == selection.NotifySelected || n.Kind == selection.NotifyFinalWaiting {
			got = append(got, fmt.Sprintf("%s %s %s", n.Kind, n.ApplicantID, n.EventKey))
		}
	}
	ap := func(i int) string { return f.docsA[i].ApplicantID }
	want := []string{"selected " + ap(3) + " fin-a2", "final_waiting " + ap(4) + " fin-a2",
		"final_waiting " + ap(5) + " fin-a2"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("e-mails planned for the final selection:\n%v\nwant\n%v", got, want)
	}
}

// TestFinalConflictKeepTheirs: giving a2's run up leaves the three
// stores with a1's, and a2's run nowhere.
func TestFinalConflictKeepTheirs(t *testing.T) {
	ctx := context.Background()
	f, a1, a2, conflicts := twoFinals(t)
	if len(conflicts) != 1 {
		t.Fatalf("a2 conflicts: %+v", conflicts)
	}
	if err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, selection.KeepTheirs); err != nil {
		t.Fatal(err)
	}
	settle(t, f, a1, a2, selection.KeepTheirs)
}

// TestFinalResolveWaitsForTheirs: a2's run is refused by a push, and a2
// has not pulled a1's yet: the supervisor is asked to sync first.
func TestFinalResolveWaitsForTheirs(t *testing.T) {
	ctx := context.Background()
	f, a1, a2 := twoSupervisorsOfA(t)
	a1.mustSync(t)
	a2.mustSync(t)
	commitFinal(t, a1, "fin-a1", decidedAt, f.docsA[0].ApplicantID)
	commitFinal(t, a2, "fin-a2", decidedAt, f.docsA[1].ApplicantID)
	a1.mustSync(t)
	if err := a2.c.Push(ctx, func(isync.Progress) {}); err != nil {
		t.Fatal(err)
	}
	conflicts, _ := a2.c.Conflicts(ctx)
	if len(conflicts) != 1 {
		t.Fatalf("%d conflicts", len(conflicts))
	}
	for _, choice := range []selection.Resolution{selection.KeepMine, selection.KeepTheirs} {
		err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, choice)
		if !errors.Is(err, selection.ErrSyncFirst) {
			t.Errorf("%s before pulling a1's run: %v, want ErrSyncFirst", choice, err)
		}
	}
	a2.mustSync(t)
	if err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, selection.KeepMine); err != nil {
		t.Fatal(err)
	}
	settle(t, f, a1, a2, selection.KeepMine)
}

// TestFinalRerunApplies: a laptop that runs its province's final
// selection again, on its own previous run, gets no conflict, whether
// the previous run was pushed first or both wait in its outbox; the
// other laptop then shows the new run.
func TestFinalRerunApplies(t *testing.T) {
	ctx := context.Background()
	f, a1, a2 := twoSupervisorsOfA(t)
	a1.mustSync(t)
	a2.mustSync(t)
	ap := func(i int) string { return f.docsA[i].ApplicantID }

	commitFinal(t, a1, "fin-1", decidedAt, ap(0), ap(1))
	a1.mustSync(t)
	commitFinal(t, a1, "fin-2", decidedAt.Add(time.Hour), ap(1), ap(0))
	commitFinal(t, a1, "fin-3", decidedAt.Add(2*time.Hour), ap(2), ap(1))
	a1.mustSync(t)
	a2.mustSync(t)
	checkSameFinal(t, f, "fin-3", a1, a2)

	// a2, having pulled a1's runs, runs it again in turn: no conflict.
	commitFinal(t, a2, "fin-4", decidedAt.Add(3*time.Hour), ap(3), ap(2))
	a2.mustSync(t)
	a1.mustSync(t)
	checkSameFinal(t, f, "fin-4", a1, a2)
	if r, err := a1.db.Run(ctx, "fin-1"); err != nil || r.ID != "fin-1" {
		t.Errorf("a1 lost its first run: %v", err)
	}
}

// withdraw records on a laptop the withdrawal of a run's selected
// candidate, whom the first waiting one replaces.
func withdraw(tb testing.TB, l *laptop, id, runID, selected, waiting string) {
	tb.Helper()
	ctx := context.Background()
	outs, err := l.db.Outcomes(ctx, runID)
	if err != nil {
		tb.Fatal(err)
	}
	var changed []selection.Outcome
	for _, o := range outs {
		switch o.ApplicantID {
		case selected:
			o.Status, o.Rank = selection.StatusWithdrawn, 0
		case waiting:
			o.Status, o.Rank = selection.StatusSelected, 1
		default:
			continue
		}
		changed = append(changed, o)
	}
	w := &selection.Withdrawal{ID: id, RunID: runID, ApplicantID: selected, Reason: "désistement",
		ReplacedBy: waiting, RecordedBy: l.name, RecordedAt: decidedAt.Add(time.Hour)}
	if err := l.db.ApplyWithdrawal(ctx, l.name, w, changed); err != nil {
		tb.Fatal(err)
	}
}

// losingWithdrawal has a2 record a withdrawal on its run, which then
// loses to a1's: the run's conflict and the withdrawal's refusal wait on
// a2, and headquarters holds neither.
func losingWithdrawal(t *testing.T) (*hqFixture, *laptop, *laptop, []selection.Conflict) {
	t.Helper()
	ctx := context.Background()
	f, a1, a2 := twoSupervisorsOfA(t)
	a1.mustSync(t)
	a2.mustSync(t)
	ap := func(i int) string { return f.docsA[i].ApplicantID }
	commitFinal(t, a1, "fin-a1", decidedAt, ap(0), ap(1))
	commitFinal(t, a2, "fin-a2", decidedAt, ap(3), ap(4))
	withdraw(t, a2, "wdr-a2", "fin-a2", ap(3), ap(4))
	a1.mustSync(t)
	a2.mustSync(t)
	conflicts, err := a2.c.Conflicts(ctx)
	if err != nil || len(conflicts) != 2 || conflicts[0].Kind != selection.KindFinalRun ||
		conflicts[1].Kind != selection.KindWithdrawal {
		t.Fatalf("a2 conflicts: %+v, %v", conflicts, err)
	}
	checkNotAt(t, "headquarters", f.db, "fin-a2")
	return f, a1, a2, conflicts
}

// TestWithdrawalOnLosingRunKept: keeping the run that lost keeps its
// withdrawal too: both apply at headquarters and reach a1.
func TestWithdrawalOnLosingRunKept(t *testing.T) {
	ctx := context.Background()
	f, a1, a2, conflicts := losingWithdrawal(t)
	if err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, selection.KeepMine); err != nil {
		t.Fatal(err)
	}
	if n, _ := a2.db.ConflictCount(ctx); n != 0 {
		t.Errorf("%d conflicts left after keeping the run", n)
	}
	settle(t, f, a1, a2, selection.KeepMine)
	ws, err := f.db.Withdrawals(ctx, "fin-a2")
	if err != nil || len(ws) != 1 || ws[0].ID != "wdr-a2" {
		t.Errorf("headquarters' withdrawals of fin-a2: %+v, %v", ws, err)
	}
}

// TestWithdrawalOnLosingRunGivenUp: giving the run up gives its
// withdrawal up too.
func TestWithdrawalOnLosingRunGivenUp(t *testing.T) {
	ctx := context.Background()
	f, a1, a2, conflicts := losingWithdrawal(t)
	if err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, selection.KeepTheirs); err != nil {
		t.Fatal(err)
	}
	settle(t, f, a1, a2, selection.KeepTheirs)
}

// TestWithdrawalOnRunInForce: a2 records a withdrawal on the run a1
// committed and a2 pulled: it applies and reaches a1.
func TestWithdrawalOnRunInForce(t *testing.T) {
	ctx := context.Background()
	f, a1, a2 := twoSupervisorsOfA(t)
	a1.mustSync(t)
	ap := func(i int) string { return f.docsA[i].ApplicantID }
	commitFinal(t, a1, "fin-a1", decidedAt, ap(0), ap(1))
	a1.mustSync(t)
	a2.mustSync(t)
	withdraw(t, a2, "wdr-a2", "fin-a1", ap(0), ap(1))
	a2.mustSync(t)
	a1.mustSync(t)
	checkSameFinal(t, f, "fin-a1", a1, a2)
	if ws, err := a1.db.Withdrawals(ctx, "fin-a1"); err != nil || len(ws) != 1 {
		t.Errorf("a1's withdrawals: %+v, %v", ws, err)
	}
}

// TestFinalConflictFoundByPull: a2 pulls a1's run before pushing its
// own: its run waits among the conflicts without being pushed, and a2
// shows a1's run.
func TestFinalConflictFoundByPull(t *testing.T) {
	ctx := context.Background()
	f, a1, a2 := twoSupervisorsOfA(t)
	a1.mustSync(t)
	a2.mustSync(t)
	commitFinal(t, a1, "fin-a1", decidedAt, f.docsA[0].ApplicantID)
	commitFinal(t, a2, "fin-a2", decidedAt, f.docsA[1].ApplicantID)
	a1.mustSync(t)
	if err := a2.c.Pull(ctx, func(isync.Progress) {}); err != nil {
		t.Fatal(err)
	}
	conflicts, err := a2.c.Conflicts(ctx)
	if err != nil || len(conflicts) != 1 || conflicts[0].Kind != selection.KindFinalRun {
		t.Fatalf("a2 conflicts: %+v, %v", conflicts, err)
	}
	if n, _ := a2.db.PendingCount(ctx); n != 0 {
		t.Errorf("%d decisions still to push", n)
	}
	if got := finalOf(t, "a2", a2.db); got[0] != "run fin-a1" {
		t.Errorf("a2 shows %s in force, want fin-a1", got[0])
	}
	a2.mustSync(t)
	checkNotAt(t, "headquarters", f.db, "fin-a2")
	if err := a2.c.Resolve(ctx, "sup2", conflicts[0].ID, selection.KeepMine); err != nil {
		t.Fatal(err)
	}
	settle(t, f, a1, a2, selection.KeepMine)
}

// fin1OnBoth has a1 commit run fin-1, of applicants 1 and 2 of province
// A, and both laptops of A sync it; ap names A's applicants by index.
func fin1OnBoth(t *testing.T) (*hqFixture, *laptop, *laptop, func(int) string) {
	t.Helper()
	f, a1, a2 := twoSupervisorsOfA(t)
	ap := func(i int) string { return f.docsA[i].ApplicantID }
	a1.mustSync(t)
	commitFinal(t, a1, "fin-1", decidedAt, ap(1), ap(2))
	a1.mustSync(t)
	a2.mustSync(t)
	checkSameFinal(t, f, "fin-1", a1, a2)
	return f, a1, a2, ap
}

// TestFinalRunOnMoverRefused: a laptop commits a final selection offline
// that ranks an applicant headquarters then moves to another province.
// Headquarters refuses the run alone, naming the applicant, and keeps its
// run in force; the laptop puts that run back in force, lets the
// supervisor give its own up (not keep it), and a run without the mover
// then applies and reaches the other laptop.
func TestFinalRunOnMoverRefused(t *testing.T) {
	ctx := context.Background()
	f, a1, a2, ap := fin1OnBoth(t)

	mover := ap(0)
	commitFinal(t, a1, "fin-2", decidedAt.Add(time.Hour), mover, ap(1), ap(2))
	withdraw(t, a1, "W-fin-2", "fin-2", mover, ap(1))
	moveApplicant(t, f, mover, communeOf(t, f, f.docsB[0].ApplicantID))
	if err := a1.c.Push(ctx, func(isync.Progress) {}); err != nil {
		t.Fatal(err)
	}
	checkNotAt(t, "hq", f.db, "fin-2")
	if got, err := f.db.FinalRunInForce(ctx, provinceA); err != nil || got != "fin-1" {
		t.Errorf("hq: final selection in force %q, %v; want fin-1", got, err)
	}
	// Before a1 pulls, fin-1 is back in force there.
	if got, err := a1.db.FinalRunInForce(ctx, provinceA); err != nil || got != "fin-1" {
		t.Errorf("a1 after the refusal: final selection in force %q, %v; want fin-1", got, err)
	}
	a1.mustSync(t)
	conflicts, err := a1.c.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var run *selection.Conflict
	for i, c := range conflicts {
		if c.Kind == selection.KindFinalRun {
			run = &conflicts[i]
		}
	}
	if run == nil || len(conflicts) != 2 {
		t.Fatalf("a1 conflicts: %+v; want the run and its withdrawal", conflicts)
	}
	want := []string{"fin-2", mover + " → " + provinceB, "relancez"}
	for _, w := range want {
		if run.Status != selection.DecisionRejected || !strings.Contains(run.Reason, w) {
			t.Errorf("a1: the run answered %s %q; want rejected, naming %q", run.Status,
				run.Reason, w)
		}
	}
	if err := a1.c.Resolve(ctx, "sup", run.ID, selection.KeepMine); err == nil {
		t.Error("a1 kept a run headquarters refused")
	}
	if err := a1.c.Resolve(ctx, "sup", run.ID, selection.KeepTheirs); err != nil {
		t.Fatal(err)
	}
	checkNotAt(t, "a1", a1.db, "fin-2")
	a1.mustSync(t)
	checkSameFinal(t, f, "fin-1", a1, a2)

	commitFinal(t, a1, "fin-3", decidedAt.Add(2*time.Hour), ap(2), ap(1))
	a1.mustSync(t)
	a2.mustSync(t)
	checkSameFinal(t, f, "fin-3", a1, a2)
}

// TestFinalRerunOnRefusedRun: a laptop commits a final selection that
// ranks an applicant headquarters then moves away, and runs it again
// without them before syncing. Headquarters refuses the first run and
// answers the second, based on the first, with a conflict on its own run,
// which the laptop already holds: the supervisor can resolve it at once,
// keeping the second run, which then applies.
func TestFinalRerunOnRefusedRun(t *testing.T) {
	ctx := context.Background()
	f, a1, a2, ap := fin1OnBoth(t)

	commitFinal(t, a1, "fin-2", decidedAt.Add(time.Hour), ap(0), ap(1))
	commitFinal(t, a1, "fin-3", decidedAt.Add(2*time.Hour), ap(2), ap(1))
	moveApplicant(t, f, ap(0), communeOf(t, f, f.docsB[0].ApplicantID))
	a1.mustSync(t)
	conflicts, err := a1.c.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]selection.DecisionStatus{}
	for _, c := range conflicts {
		var run struct{ Run struct{ ID string } }
		if err := json.Unmarshal(c.Mine, &run); err != nil {
			t.Fatal(err)
		}
		got[run.Run.ID] = c.Status
	}
	want := map[string]selection.DecisionStatus{"fin-2": selection.DecisionRejected,
		"fin-3": selection.DecisionConflict}
	if !maps.Equal(got, want) {
		t.Fatalf("a1's conflicts by run: %v, want %v", got, want)
	}
	for _, c := range conflicts {
		choice := selection.KeepMine
		if c.Status == selection.DecisionRejected {
			choice = selection.KeepTheirs
		}
		if err := a1.c.Resolve(ctx, "sup", c.ID, choice); err != nil {
			t.Fatalf("resolving %s with %s: %v", c.Status, choice, err)
		}
	}
	a1.mustSync(t)
	a2.mustSync(t)
	checkSameFinal(t, f, "fin-3", a1, a2)
	for name, db := range map[string]*localdb.DB{"hq": f.db, "a1": a1.db, "a2": a2.db} {
		checkNotAt(t, name, db, "fin-2")
	}
}
