package localdb_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// mustPut fails the test on a write's error.
func mustPut(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// mustFacts fills a national store with one fact of each kind that
// notifications are planned from: A1 invited (not started training, a
// document rejected, convoked, selected, then withdrew), A2 invited
// (speaks French, started training), A3 on a waiting list then promoted
// in A1's place, A4 not invited. The pre-selection run is stored but not
// committed.
func mustFacts(tb testing.TB) *localdb.DB {
	tb.Helper()
	ctx := context.Background()
	db := MustOpen(tb, localdb.NationalScope)
	for _, id := range []string{"A1", "A2", "A3", "A4"} {
		a := newApplicant(id, "JB"+id[1:], strings.ToLower(id)+"@exemple.ma")
		if id == "A2" {
			a.Languages = append(a.Languages, selection.LangFrench)
		}
		mustPut(tb, db.PutApplicant(ctx, "hq", a))
	}
	pre := &selection.Run{ID: "pre-1", Kind: selection.RunPreselection, Seed: "1",
		Params: map[string]string{}, StartedAt: fixedNow}
	mustPut(tb, db.SaveRun(ctx, "hq", pre, []selection.Outcome{
		{ApplicantID: "A1", Status: selection.StatusInvited, CommuneCode: testCommune1, Rank: 1},
		{ApplicantID: "A2", Status: selection.StatusInvited, CommuneCode: testCommune1, Rank: 2},
		{ApplicantID: "A3", Status: selection.StatusWaiting, CommuneCode: testCommune1, Rank: 1},
		{ApplicantID: "A4", Status: selection.StatusNotInvited},
	}))
	mustPut(tb, db.PutTraining(ctx, "hq", &selection.TrainingProgress{ApplicantID: "A1",
		ModulesTotal: 5}))
	mustPut(tb, db.PutTraining(ctx, "hq", &selection.TrainingProgress{ApplicantID: "A2",
		Started: true, ModulesCompleted: 1, ModulesTotal: 5}))

	// The province's decisions.
	mustPut(tb, db.PutDocument(ctx, "hq", &selection.Document{ID: "D1", ApplicantID: "A1",
		Kind: selection.DocDiploma, SHA256: strings.Repeat("ab", 32), MediaType: "image/png",
		Size: 10, UploadedAt: fixedNow}))
	mustPut(tb, db.AddReview(ctx, "sup", &selection.Review{ID: "R1", DocumentID: "D1",
		Verdict: selection.VerdictRejected, Reason: selection.ReasonUnreadable, Reviewer: "sup",
		ReviewedAt: fixedNow, Version: 1}))
	mustPut(tb, db.PutSession(ctx, "sup", &selection.InterviewSession{ID: "S1",
		ProvinceCode: testProvince, StartsAt: fixedNow, Place: "Annexe <B>", Version: 1}))
	mustPut(tb, db.PutConvocation(ctx, "sup", &selection.Convocation{SessionID: "S1",
		ApplicantID: "A1", Slot: fixedNow.Add(time.Hour), Role: selection.RoleEnumerator}))
	final := &selection.Run{ID: "fin-1", Kind: selection.RunFinal, Scope: testProvince,
		Params: map[string]string{}, StartedAt: fixedNow, CommittedAt: fixedNow}
	mustPut(tb, db.SaveRun(ctx, "sup", final, []selection.Outcome{
		{ApplicantID: "A1", Status: selection.StatusSelected, CommuneCode: testCommune1,
			Role: selection.RoleEnumerator, Rank: 1},
		{ApplicantID: "A2", Status: selection.StatusSelected, CommuneCode: testCommune1,
			Role: selection.RoleEnumerator, Rank: 2},
		{ApplicantID: "A3", Status: selection.StatusWaiting, CommuneCode: testCommune1, Rank: 1},
	}))
	mustPut(tb, db.AddWithdrawal(ctx, "sup", &selection.Withdrawal{ID: "W1", RunID: "fin-1",
		ApplicantID: "A1", Reason: "déménage", ReplacedBy: "A3", RecordedBy: "sup",
		RecordedAt: fixedNow}))
	return db
}

// mustPlan plans notifications and fails the test on error.
func mustPlan(tb testing.TB, db *localdb.DB, round string) selection.PlanResult {
	tb.Helper()
	res, err := db.PlanNotifications(context.Background(), "hq",
		selection.PlanOptions{TrainingReminder: round})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestPlanNotifications(t *testing.T) {
	ctx := context.Background()
	db := mustFacts(t)

	// Before the pre-selection is committed, only the provinces'
	// decisions are told; a planning limited to them plans the same.
	got, err := db.PlanNotifications(ctx, "hq",
		selection.PlanOptions{Kinds: selection.DecisionNotificationKinds})
	if err != nil {
		t.Fatal(err)
	}
	want := map[selection.NotificationKind]int{
		selection.NotifyDocumentRejected: 1, selection.NotifyConvocation: 1,
		selection.NotifySelected: 1, selection.NotifyFinalWaiting: 1, selection.NotifyReplacement: 1,
	}
	checkAdded(t, "uncommitted", got, want)

	// Committing the pre-selection adds its notices; a reminder round
	// adds A1's reminder.
	if _, err := db.CommitRun(ctx, "hq", "pre-1"); err != nil {
		t.Fatal(err)
	}
	got = mustPlan(t, db, "r1")
	want = map[selection.NotificationKind]int{
		selection.NotifyInvited: 2, selection.NotifyWaiting: 1, selection.NotifyUploadDocuments: 2,
		selection.NotifyTrainingReminder: 1,
	}
	checkAdded(t, "committed", got, want)

	// Planning again adds nothing and writes nothing.
	before, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkAdded(t, "rerun", mustPlan(t, db, "r1"), nil)
	if after, err := db.VerifyAudit(ctx); err != nil || after != before {
		t.Fatalf("rerun: audit has %d entries (%v), had %d", after, err, before)
	}
	checkAdded(t, "next round", mustPlan(t, db, "r2"),
		map[selection.NotificationKind]int{selection.NotifyTrainingReminder: 1})

	// The facts and the language rule.
	byKey := map[string]*selection.Notification{}
	for n, err := range db.Notifications(ctx, localdb.NotificationFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		byKey[n.ApplicantID+"/"+string(n.Kind)] = n
	}
	conv := byKey["A1/convocation"]
	if conv == nil || !conv.Facts.Slot.Equal(fixedNow.Add(time.Hour)) ||
		conv.Facts.Place != "Annexe <B>" ||
		conv.Facts.Role != selection.RoleEnumerator || conv.Status != selection.NotificationPending {
		t.Errorf("convocation: %+v", conv)
	}
	if rep := byKey["A3/replacement"]; rep == nil || rep.Facts.CommuneCode != testCommune1 ||
		rep.Facts.Role != selection.RoleEnumerator || rep.EventKey != "W1" {
		t.Errorf("replacement: %+v", rep)
	}
	if rej := byKey["A1/document_rejected"]; rej == nil ||
		rej.Facts.RejectReason != selection.ReasonUnreadable ||
		rej.Facts.DocumentKind != selection.DocDiploma {
		t.Errorf("document rejected: %+v", rej)
	}
	if byKey["A1/selected"] != nil || byKey["A2/selected"] == nil {
		t.Errorf("selected: A1 withdrew and must not be told, A2 must")
	}
	for key, n := range byKey {
		a, err := db.Applicant(ctx, n.ApplicantID)
		if err != nil {
			t.Fatal(err)
		}
		if want := selection.MailLanguageFor(a); n.Lang != want {
			t.Errorf("%s: language %s, the rule gives %s", key, n.Lang, want)
		}
	}
}

// checkAdded compares a planning's additions with want.
func checkAdded(t *testing.T, what string, got selection.PlanResult,
	want map[selection.NotificationKind]int) {
	t.Helper()
	total := 0
	for _, k := range selection.NotificationKinds {
		total += want[k]
		if got.Added[k] != want[k] {
			t.Errorf("%s: %d %s notifications added, want %d", what, got.Added[k], k, want[k])
		}
	}
	if got.Total != total {
		t.Errorf("%s: %d added in all, want %d", what, got.Total, total)
	}
}

func TestCommitRunRefusesASecondPreselection(t *testing.T) {
	ctx := context.Background()
	db := mustFacts(t)
	if _, err := db.CommitRun(ctx, "hq", "pre-1"); err != nil {
		t.Fatal(err)
	}
	again, err := db.CommitRun(ctx, "hq", "pre-1")
	if err != nil || !again.CommittedAt.Equal(fixedNow) {
		t.Fatalf("committing again: %+v, %v", again, err)
	}
	other := &selection.Run{ID: "pre-2", Kind: selection.RunPreselection, Seed: "2",
		Params: map[string]string{}, StartedAt: fixedNow}
	mustPut(t, db.SaveRun(ctx, "hq", other, nil))
	if _, err := db.CommitRun(ctx, "hq", "pre-2"); !errors.Is(err, localdb.ErrCommitted) {
		t.Fatalf("second pre-selection committed: %v", err)
	}
	if _, err := db.CommitRun(ctx, "hq", "nope"); !errors.Is(err, localdb.ErrNotFound) {
		t.Fatalf("unknown run: %v", err)
	}
}

func TestChangeNotification(t *testing.T) {
	ctx := context.Background()
	db := mustFacts(t)
	mustPlan(t, db, "")
	n, _, err := db.NextNotification(ctx, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	pending := []selection.NotificationStatus{selection.NotificationPending}

	t.Run("OK", func(t *testing.T) {
		got, err := db.ChangeNotification(ctx, "mail", selection.NotificationChange{ID: n.ID,
			From: pending, To: selection.NotificationSending, CountAttempt: true, MessageID: "<m1@x>"})
		if err != nil || got.Status != selection.NotificationSending || got.Attempts != 1 ||
			got.MessageID != "<m1@x>" {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("ErrStaleVersion", func(t *testing.T) {
		_, err := db.ChangeNotification(ctx, "mail", selection.NotificationChange{ID: n.ID,
			From: pending, To: selection.NotificationSending})
		if !errors.Is(err, localdb.ErrStaleVersion) {
			t.Fatalf("a second sender took a notification being sent: %v", err)
		}
	})
	t.Run("Interrupted", func(t *testing.T) {
		stuck, err := db.MarkInterrupted(ctx, "mail", "interrompu")
		if err != nil || len(stuck) != 1 || stuck[0].ID != n.ID ||
			stuck[0].Status != selection.NotificationUnknown || stuck[0].LastError != "interrompu" {
			t.Fatalf("got %+v, %v", stuck, err)
		}
		c, err := db.NotificationCounts(ctx)
		if err != nil || c.ByStatus[selection.NotificationUnknown] != 1 ||
			c.ByStatus[selection.NotificationPending] != c.Total-1 || c.Total != 5 {
			t.Fatalf("counts %+v, %v", c, err)
		}
	})
	t.Run("Retry", func(t *testing.T) {
		next, _, err := db.NextNotification(ctx, fixedNow)
		if err != nil {
			t.Fatal(err)
		}
		later := fixedNow.Add(time.Minute)
		_, err = db.ChangeNotification(ctx, "mail", selection.NotificationChange{ID: next.ID,
			From: pending, To: selection.NotificationPending, CountAttempt: true,
			Error: "451 try later", NextAttemptAt: later})
		if err != nil {
			t.Fatal(err)
		}
		// The others come first, then, when none is due, the wait.
		for {
			m, wait, err := db.NextNotification(ctx, fixedNow)
			if errors.Is(err, localdb.ErrNotFound) {
				if wait != time.Minute {
					t.Fatalf("wait %v, want 1m", wait)
				}
				break
			}
			if err != nil || m.ID == next.ID {
				t.Fatalf("got %+v, %v: the notification to retry came before its time", m, err)
			}
			_, err = db.ChangeNotification(ctx, "mail", selection.NotificationChange{ID: m.ID,
				From: pending, To: selection.NotificationSent})
			if err != nil {
				t.Fatal(err)
			}
		}
		if m, _, err := db.NextNotification(ctx, later); err != nil || m.ID != next.ID {
			t.Fatalf("at its time: %+v, %v", m, err)
		}
	})
	if _, err := db.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestPlanCancelsWhatNoLongerHolds changes the facts behind pending
// notifications: the next planning cancels them, and plans the new
// facts; a notification already sent is left alone.
func TestPlanCancelsWhatNoLongerHolds(t *testing.T) {
	ctx := context.Background()
	db := mustFacts(t)
	if _, err := db.CommitRun(ctx, "hq", "pre-1"); err != nil {
		t.Fatal(err)
	}
	mustPlan(t, db, "r1")
	byKey := func() map[string]*selection.Notification {
		out := map[string]*selection.Notification{}
		for n, err := range db.Notifications(ctx, localdb.NotificationFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			out[n.ApplicantID+"/"+string(n.Kind)+"/"+n.EventKey] = n
		}
		return out
	}
	sent := byKey()["A2/selected/fin-1"]
	_, err := db.ChangeNotification(ctx, "mail", selection.NotificationChange{ID: sent.ID,
		From: []selection.NotificationStatus{selection.NotificationPending},
		To:   selection.NotificationSent})
	if err != nil {
		t.Fatal(err)
	}

	// The convocation moves, the rejection is reviewed, A1 starts the
	// training, and a new final selection replaces the first.
	later := fixedNow.Add(24 * time.Hour)
	mustPut(t, db.PutConvocation(ctx, "sup", &selection.Convocation{SessionID: "S1",
		ApplicantID: "A1", Slot: later, Role: selection.RoleEnumerator}))
	mustPut(t, db.AddReview(ctx, "sup", &selection.Review{ID: "R2", DocumentID: "D1",
		Verdict: selection.VerdictAccepted, Reviewer: "sup", ReviewedAt: later, Version: 2}))
	mustPut(t, db.PutTraining(ctx, "hq", &selection.TrainingProgress{ApplicantID: "A1",
		Started: true, ModulesTotal: 5}))
	final := &selection.Run{ID: "fin-2", Kind: selection.RunFinal, Scope: testProvince,
		Params: map[string]string{}, StartedAt: later, CommittedAt: later}
	mustPut(t, db.SaveRun(ctx, "sup", final, []selection.Outcome{
		{ApplicantID: "A2", Status: selection.StatusWaiting, CommuneCode: testCommune1, Rank: 1},
	}))

	res, err := db.PlanNotifications(ctx, "hq", selection.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantCancelled := map[selection.NotificationKind]int{
		selection.NotifyConvocation: 1, selection.NotifyDocumentRejected: 1,
		selection.NotifyTrainingReminder: 1, selection.NotifyFinalWaiting: 1,
		selection.NotifyReplacement: 1,
	}
	for _, k := range selection.NotificationKinds {
		if res.Cancelled[k] != wantCancelled[k] {
			t.Errorf("%s: %d cancelled, want %d", k, res.Cancelled[k], wantCancelled[k])
		}
	}
	checkAdded(t, "new facts", res, map[selection.NotificationKind]int{
		selection.NotifyConvocation: 1, selection.NotifyFinalWaiting: 1})
	now := byKey()
	if n := now["A2/selected/fin-1"]; n.Status != selection.NotificationSent {
		t.Errorf("a sent notification became %s", n.Status)
	}
	if n := now["A1/convocation/S1@"+later.Format("2006-01-02T15:04:05.000000000Z")]; n == nil ||
		n.Status != selection.NotificationPending {
		t.Errorf("the moved convocation: %+v", n)
	}
	for key, n := range now {
		if n.Status == selection.NotificationCancelled && n.LastError == "" {
			t.Errorf("%s cancelled without a reason", key)
		}
	}
	if again, err := db.PlanNotifications(ctx, "hq", selection.PlanOptions{}); err != nil ||
		again.Total != 0 || len(again.Cancelled) != 0 {
		t.Errorf("planning again: %+v, %v", again, err)
	}
}

func TestRunApplicantsPages(t *testing.T) {
	ctx := context.Background()
	db := mustFacts(t)
	var all []string
	for ao, err := range db.RunApplicants(ctx, "pre-1", selection.StatusInvited) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ao.Applicant.ID+"@"+ao.Outcome.CommuneCode)
	}
	var paged []string
	after := ""
	for {
		page, err := db.RunApplicantsAfter(ctx, "pre-1", selection.StatusInvited, after, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) != 1 {
			t.Fatalf("a page of %d, limit 1", len(page))
		}
		paged = append(paged, page[0].Applicant.ID+"@"+page[0].Outcome.CommuneCode)
		after = page[0].Applicant.ID
	}
	want := []string{"A1@" + testCommune1, "A2@" + testCommune1}
	if w := strings.Join(want, ","); strings.Join(all, ",") != w || strings.Join(paged, ",") != w {
		t.Fatalf("streamed %v, paged %v; want %v", all, paged, want)
	}
}

// TestPlanForSomeApplicants limits a planning to the applicants a batch
// concerns: only theirs are planned, and the rest on a later planning.
func TestPlanForSomeApplicants(t *testing.T) {
	ctx := context.Background()
	db := mustFacts(t)
	res, err := db.PlanNotifications(ctx, "hq", selection.PlanOptions{
		Kinds: selection.DecisionNotificationKinds, Applicants: []string{"A3", "A9"}})
	if err != nil {
		t.Fatal(err)
	}
	checkAdded(t, "A3", res, map[selection.NotificationKind]int{
		selection.NotifyFinalWaiting: 1, selection.NotifyReplacement: 1})
	checkAdded(t, "the others", mustPlan(t, db, ""), map[selection.NotificationKind]int{
		selection.NotifyDocumentRejected: 1, selection.NotifyConvocation: 1,
		selection.NotifySelected: 1})

	// A moved convocation is cancelled by a planning for its applicant,
	// not by one for another.
	mustPut(t, db.PutConvocation(ctx, "sup", &selection.Convocation{SessionID: "S1",
		ApplicantID: "A1", Slot: fixedNow.Add(48 * time.Hour), Role: selection.RoleEnumerator}))
	for _, who := range []string{"A2", "A1"} {
		res, err := db.PlanNotifications(ctx, "hq", selection.PlanOptions{Applicants: []string{who}})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if who == "A1" {
			want = 1
		}
		conv := selection.NotifyConvocation
		if res.Cancelled[conv] != want || res.Added[conv] != want {
			t.Errorf("planning for %s: %+v", who, res)
		}
	}
}
