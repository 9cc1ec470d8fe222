package localdb_test

import (
	"context"
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

func TestMoveRewritesTheChangeLog(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	mustDocument(t, hq)
	if err := hq.AddReview(ctx, "hq", &selection.Review{ID: "R1", DocumentID: "D1",
		Verdict: selection.VerdictAccepted, Reviewer: "sup", ReviewedAt: decided,
		Version: 1}); err != nil {
		t.Fatal(err)
	}
	a := newApplicant("A1", "JB1", "a@b.ma")
	a.Choices = []string{movedCommune}
	if err := hq.PutApplicant(ctx, "hq", a); err != nil {
		t.Fatal(err)
	}

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
