package localdb_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"intiqa/localdb"
	"intiqa/selection"
)

// A commune of province 09.163, where the tests' applicant moves.
const movedCommune = "09.163.01.01"

// kindsOf lists a page's changes as kind:key.
func kindsOf(p *selection.ChangePage) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, string(c.Kind)+":"+c.Key)
	}
	return out
}

// mustReviewed stores at headquarters applicant A1 with document D1 and
// its review R1.
func mustReviewed(tb testing.TB, hq *localdb.DB) {
	tb.Helper()
	mustDocument(tb, hq)
	if err := hq.AddReview(context.Background(), "hq", &selection.Review{ID: "R1",
		DocumentID: "D1", Verdict: selection.VerdictAccepted, Reviewer: "sup",
		ReviewedAt: decided, Version: 1}); err != nil {
		tb.Fatal(err)
	}
}

func TestMoveRewritesTheChangeLog(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustReviewed(t, hq)
	a := newApplicant("A1", "JB1", "a@b.ma")
	a.Choices = []string{movedCommune}
	if err := hq.PutApplicant(ctx, "hq", a); err != nil {
		t.Fatal(err)
	}
	checkMovedLog(t, hq)
}

// TestMigrationRepairsEarlierMoves: a headquarters store where an
// applicant moved before migration 0008 gets the same change log as if
// they had moved after it.
func TestMigrationRepairsEarlierMoves(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustReviewed(t, hq)
	path := hq.Path()
	if err := hq.Close(); err != nil {
		t.Fatal(err)
	}
	// Take the store back to before migration 0008, and move A1 there.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TRIGGER sync_applicant_move`, `DROP INDEX sync_changes_key`,
		`DROP TABLE sync_moves`, `DELETE FROM schema_migrations WHERE version = 8`,
		`UPDATE applicants SET choice_1 = '` + movedCommune + `', choice_2 = NULL,
			province_code = '09.163' WHERE id = 'A1'`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	hq, err = localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer hq.Close()
	checkMovedLog(t, hq)
}

// checkMovedLog checks the change log after A1 moved from the test
// province to 09.163.
func checkMovedLog(t *testing.T, hq *localdb.DB) {
	t.Helper()
	ctx := context.Background()

	// The old province's log holds only the removal of the applicant.
	old, err := hq.Changes(ctx, testProvince, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var records []string
	for _, k := range kindsOf(old) {
		if strings.HasSuffix(k, "A1") || strings.HasSuffix(k, "D1") || strings.HasSuffix(k, "R1") {
			records = append(records, k)
		}
	}
	if len(records) != 1 || records[0] != "removal:applicant/A1" {
		t.Fatalf("old province's log: %v, want the removal only", records)
	}
	var r selection.Removal
	if err := json.Unmarshal(old.Changes[len(old.Changes)-1].Data, &r); err != nil ||
		r != (selection.Removal{Kind: selection.KindApplicant, Key: "A1", Province: "09.163"}) {
		t.Errorf("removal: %+v, %v", r, err)
	}

	// The new province's log holds the applicant, then their document
	// and its review.
	moved, err := hq.Changes(ctx, "09.163", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range kindsOf(moved) {
		if k == "applicant:A1" || k == "document:D1" || k == "review:R1" {
			got = append(got, k)
		}
	}
	if strings.Join(got, " ") != "applicant:A1 document:D1 review:R1" {
		t.Errorf("new province's log: %v", got)
	}
}

func TestDocumentNeverChangesApplicant(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustDocument(t, hq)
	if err := hq.PutApplicant(ctx, "hq", newApplicant("A2", "JB2", "c@d.ma")); err != nil {
		t.Fatal(err)
	}
	d, err := hq.Document(ctx, "D1")
	if err != nil {
		t.Fatal(err)
	}
	d.ApplicantID = "A2"
	if err := hq.PutDocument(ctx, "hq", d); err == nil {
		t.Fatal("a document moved to another applicant")
	}
	if got, err := hq.Document(ctx, "D1"); err != nil || got.ApplicantID != "A1" {
		t.Errorf("document after the refusal: %+v, %v", got, err)
	}
}

// TestMoveBackFindsInterviews: an applicant back in a province they left
// is sent there again with the province's interview decisions on them.
func TestMoveBackFindsInterviews(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustReviewed(t, hq)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(hq.PutSession(ctx, "hq", &selection.InterviewSession{ID: "S1",
		ProvinceCode: testProvince, StartsAt: decided, Place: "Agadir", Version: 1}))
	must(hq.PutConvocation(ctx, "hq", &selection.Convocation{SessionID: "S1",
		ApplicantID: "A1", Slot: decided, Role: selection.RoleEnumerator}))
	must(hq.PutAttendance(ctx, "hq", &selection.Attendance{SessionID: "S1",
		ApplicantID: "A1", Present: true, RecordedBy: "p1", RecordedAt: decided}))
	a := newApplicant("A1", "JB1", "a@b.ma")
	a.Choices = []string{movedCommune}
	must(hq.PutApplicant(ctx, "hq", a))
	cursor, err := hq.Changes(ctx, testProvince, 0, 0)
	must(err)
	for _, k := range kindsOf(cursor) {
		if k == "convocation:S1/A1" || k == "attendance:S1/A1" {
			t.Errorf("the old province's log keeps %s", k)
		}
	}
	must(hq.PutApplicant(ctx, "hq", newApplicant("A1", "JB1", "a@b.ma")))
	back, err := hq.Changes(ctx, testProvince, cursor.Cursor, 0)
	must(err)
	want := "applicant:A1 document:D1 review:R1 convocation:S1/A1 attendance:S1/A1"
	if got := strings.Join(kindsOf(back), " "); got != want {
		t.Errorf("back in the province: %s, want %s", got, want)
	}
}
