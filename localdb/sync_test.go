package localdb_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

var decided = time.Date(2024, 5, 20, 10, 0, 0, 0, time.UTC)

// decisionWrite is one way a laptop writes a decision.
type decisionWrite struct {
	kind  selection.SyncKind
	write func(ctx context.Context, db *localdb.DB) error
}

// decisionWrites lists every decision writer of the store, in an order
// that each can follow the previous ones.
func decisionWrites() []decisionWrite {
	run := selection.Run{ID: "F1", Kind: selection.RunFinal, Scope: testProvince,
		RulesVersion: "2024.1", StartedAt: decided, CommittedAt: decided, CreatedBy: "sup"}
	return []decisionWrite{
		{selection.KindReview, func(ctx context.Context, db *localdb.DB) error {
			return db.AddReview(ctx, "sup", &selection.Review{ID: "R1", DocumentID: "D1",
				Verdict: selection.VerdictAccepted, Reviewer: "sup", ReviewedAt: decided, Version: 1})
		}},
		{selection.KindSession, func(ctx context.Context, db *localdb.DB) error {
			return db.PutSession(ctx, "sup", &selection.InterviewSession{ID: "S1",
				ProvinceCode: testProvince, StartsAt: decided, Place: "Agadir", Version: 1})
		}},
		{selection.KindConvocation, func(ctx context.Context, db *localdb.DB) error {
			return db.PutConvocation(ctx, "sup", &selection.Convocation{SessionID: "S1",
				ApplicantID: "A1", Slot: decided, Role: selection.RoleEnumerator})
		}},
		{selection.KindAttendance, func(ctx context.Context, db *localdb.DB) error {
			return db.PutAttendance(ctx, "p1", &selection.Attendance{SessionID: "S1",
				ApplicantID: "A1", Present: true, RecordedBy: "p1", RecordedAt: decided})
		}},
		{selection.KindScoreSheet, func(ctx context.Context, db *localdb.DB) error {
			return db.PutScoreSheet(ctx, "p1", &selection.ScoreSheet{ID: "SS1", SessionID: "S1",
				ApplicantID: "A1", Member: "p1", Points: map[string]int{"communication": 3}})
		}},
		{selection.KindFinalRun, func(ctx context.Context, db *localdb.DB) error {
			return db.SaveRun(ctx, "sup", &run, []selection.Outcome{{RunID: "F1",
				ApplicantID: "A1", Status: selection.StatusSelected, CommuneCode: testCommune1,
				Role: selection.RoleEnumerator, Rank: 1}})
		}},
		{selection.KindWithdrawal, func(ctx context.Context, db *localdb.DB) error {
			return db.AddWithdrawal(ctx, "sup", &selection.Withdrawal{ID: "W1", RunID: "F1",
				ApplicantID: "A1", Reason: "désistement", RecordedBy: "sup", RecordedAt: decided})
		}},
	}
}

// mustDocument stores applicant A1 and its document D1.
func mustDocument(tb testing.TB, db *localdb.DB) {
	tb.Helper()
	ctx := context.Background()
	if err := db.PutApplicant(ctx, "hq", newApplicant("A1", "JB1", "a@b.ma")); err != nil {
		tb.Fatal(err)
	}
	err := db.PutDocument(ctx, "hq", &selection.Document{ID: "D1", ApplicantID: "A1",
		Kind: selection.DocCIN, SHA256: strings.Repeat("ab", 32), MediaType: "image/png",
		Size: 10, UploadedAt: decided})
	if err != nil {
		tb.Fatal(err)
	}
}

func TestEveryDecisionWriteFillsTheOutbox(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	mustDocument(t, db)
	if n, _ := db.PendingCount(ctx); n != 0 {
		t.Fatalf("%d items before any decision", n)
	}
	for i, w := range decisionWrites() {
		if err := w.write(ctx, db); err != nil {
			t.Fatalf("%s: %v", w.kind, err)
		}
		items, err := db.Outbox(ctx, 100)
		if err != nil || len(items) != i+1 {
			t.Fatalf("after %s: %d items, %v; want %d", w.kind, len(items), err, i+1)
		}
		if got := items[i]; got.Kind != w.kind || got.By == "" || !json.Valid(got.Data) {
			t.Errorf("item of %s: %+v", w.kind, got)
		}
	}

	// A final run carries its outcomes.
	items, _ := db.Outbox(ctx, 100)
	var fr selection.FinalRunData
	if err := json.Unmarshal(items[5].Data, &fr); err != nil || len(fr.Outcomes) != 1 {
		t.Errorf("final run item: %+v, %v", fr, err)
	}

	// A write that fails leaves no item: one transaction.
	stale := &selection.Review{ID: "R9", DocumentID: "D1", Verdict: selection.VerdictAccepted,
		Reviewer: "sup", ReviewedAt: decided, Version: 1}
	if err := db.AddReview(ctx, "sup", stale); !errors.Is(err, localdb.ErrStaleVersion) {
		t.Fatalf("stale review: %v", err)
	}
	if n, _ := db.PendingCount(ctx); n != len(decisionWrites()) {
		t.Errorf("%d items after a refused write, want %d", n, len(decisionWrites()))
	}

	// A second decision on a record is based on the first.
	if err := db.PutAttendance(ctx, "p1", &selection.Attendance{SessionID: "S1",
		ApplicantID: "A1", Present: false, RecordedBy: "p1", RecordedAt: decided}); err != nil {
		t.Fatal(err)
	}
	items, _ = db.Outbox(ctx, 100)
	if last := items[len(items)-1]; last.Base != items[3].ID {
		t.Errorf("second attendance based on %q, want the first's ID %q", last.Base, items[3].ID)
	}
}

func TestHeadquartersAndPreselectionQueueNothing(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustDocument(t, hq)
	for _, w := range decisionWrites() {
		if err := w.write(ctx, hq); err != nil {
			t.Fatalf("%s: %v", w.kind, err)
		}
	}
	if n, err := hq.PendingCount(ctx); err != nil || n != 0 {
		t.Errorf("headquarters outbox: %d, %v", n, err)
	}
	lap := MustOpen(t, testProvince)
	mustDocument(t, lap)
	pre := selection.Run{ID: "P1", Kind: selection.RunPreselection, StartedAt: decided}
	if err := lap.SaveRun(ctx, "hq", &pre, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := lap.PendingCount(ctx); n != 0 {
		t.Errorf("a pre-selection run went to the outbox")
	}
}

func TestChangesKeepProvincesApartAndReferencesInOrder(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustDocument(t, hq)
	other := newApplicant("B1", "JB2", "b@b.ma")
	other.Choices = []string{"01.511.01.01"}
	if err := hq.PutApplicant(ctx, "hq", other); err != nil {
		t.Fatal(err)
	}
	// A1 changes after its document: it stays logged before it.
	a := newApplicant("A1", "JB1", "a@b.ma")
	a.Phone = "0611111111"
	if err := hq.PutApplicant(ctx, "hq", a); err != nil {
		t.Fatal(err)
	}
	page, err := hq.Changes(ctx, testProvince, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range page.Changes {
		if c.Key == "B1" {
			t.Errorf("province %s receives %s %s", testProvince, c.Kind, c.Key)
		}
		kinds = append(kinds, string(c.Kind)+" "+c.Key)
	}
	if got := strings.Join(kinds, ", "); got != "applicant A1, document D1" {
		t.Errorf("changes: %s", got)
	}

	// A new laptop applies them; a page applied twice changes nothing.
	lap := MustOpen(t, testProvince)
	for range 2 {
		if err := lap.ApplyChanges(ctx, "sync", page); err != nil {
			t.Fatal(err)
		}
	}
	got, err := lap.Applicant(ctx, "A1")
	if err != nil || got.Phone != "0611111111" {
		t.Errorf("laptop's A1: %+v, %v", got, err)
	}
	if cur, _ := lap.Cursor(ctx); cur != page.Cursor {
		t.Errorf("cursor %d, want %d", cur, page.Cursor)
	}

	// A page of another province is refused whole.
	wrong := *page
	wrong.Province = "01.511"
	if err := lap.ApplyChanges(ctx, "sync", &wrong); !errors.Is(err, localdb.ErrScope) {
		t.Errorf("page of another province: %v", err)
	}
}

func TestProgressFromSyncedData(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustDocument(t, hq)
	if err := hq.PutApplicant(ctx, "hq", newApplicant("A2", "JB3", "c@b.ma")); err != nil {
		t.Fatal(err)
	}
	pre := selection.Run{ID: "P1", Kind: selection.RunPreselection, StartedAt: decided,
		CommittedAt: decided}
	err := hq.SaveRun(ctx, "hq", &pre, []selection.Outcome{
		{ApplicantID: "A1", Status: selection.StatusInvited, CommuneCode: testCommune1},
		{ApplicantID: "A2", Status: selection.StatusWaiting, CommuneCode: testCommune1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range decisionWrites() {
		if err := w.write(ctx, hq); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := hq.Progress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A1 was invited, its one document accepted, interviewed, selected
	// and then withdrew with nobody to replace it.
	want := selection.ProgressFigures{Applicants: 2, Invited: 1, WithFiles: 1, Examined: 1,
		Accepted: 1, Interviewed: 1}
	if rep.National != want {
		t.Errorf("national %+v, want %+v", rep.National, want)
	}
	if rep.ByRegion["09"] != want || rep.ByCategory["graduate"] != want {
		t.Errorf("by region %+v, by category %+v", rep.ByRegion, rep.ByCategory)
	}
}

// reviewChange is a pulled review.
func reviewChange(seq int64, id, version string) selection.Change {
	data, _ := json.Marshal(selection.Review{ID: id, DocumentID: "D1",
		Verdict: selection.VerdictAccepted, Reviewer: "sup", ReviewedAt: decided, Version: 1})
	return selection.Change{Seq: seq, Kind: selection.KindReview, Key: id, Version: version,
		Data: data}
}

func TestPullNeverBlocksOnAReviewHeadquartersLost(t *testing.T) {
	ctx := context.Background()
	lap := MustOpen(t, testProvince)
	mustDocument(t, lap)
	page := &selection.ChangePage{Province: testProvince, Cursor: 10,
		Changes: []selection.Change{reviewChange(10, "R-x", "n.1")}}
	if err := lap.ApplyChanges(ctx, "sync", page); err != nil {
		t.Fatal(err)
	}
	// Headquarters, restored from a backup, now holds another review at
	// the same version.
	page = &selection.ChangePage{Province: testProvince, Cursor: 20,
		Changes: []selection.Change{reviewChange(20, "R-y", "m.1")}}
	if err := lap.ApplyChanges(ctx, "sync", page); err != nil {
		t.Fatalf("pull blocked: %v", err)
	}
	rs, err := lap.Reviews(ctx, "D1")
	if err != nil || len(rs) != 1 || rs[0].ID != "R-y" {
		t.Errorf("reviews: %+v, %v", rs, err)
	}
	cs, err := lap.Conflicts(ctx)
	if err != nil || len(cs) != 1 || !strings.Contains(string(cs[0].Mine), "R-x") {
		t.Errorf("conflicts: %+v, %v", cs, err)
	}
}
