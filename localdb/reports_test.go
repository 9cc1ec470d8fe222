package localdb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"intiqa/selection"
)

// TestTalliesAndDocumentReviews stores four applicants' files and checks
// what the statistics and the review status read: only a document's
// latest review counts, a file is rejected when one document is and
// accepted when all are.
func TestTalliesAndDocumentReviews(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	at := time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)
	// verdicts per applicant, per document, in the order reviewed
	files := map[string][][]selection.Verdict{
		"A1": {{selection.VerdictAccepted}, {selection.VerdictRejected, selection.VerdictAccepted}},
		"A2": {{selection.VerdictAccepted}, {selection.VerdictAccepted, selection.VerdictRejected}},
		"A3": {{selection.VerdictAccepted}, {}},
		"A4": nil, // no document
	}
	reviewed := map[string]int{} // reviews per document
	want := map[string]selection.Verdict{"A1": selection.VerdictAccepted,
		"A2": selection.VerdictRejected, "A3": selection.VerdictPending}
	for i, id := range []string{"A1", "A2", "A3", "A4"} {
		a := newApplicant(id, fmt.Sprintf("JB%d", i), id+"@example.ma")
		a.Category = selection.Categories[i%2]
		if err := db.PutApplicant(ctx, "hq", a); err != nil {
			t.Fatal(err)
		}
		for k, reviews := range files[id] {
			d := selection.Document{ID: fmt.Sprintf("%s-%d", id, k), ApplicantID: id,
				Kind: selection.DocCIN, SHA256: strings.Repeat("cd", 32), MediaType: "image/png",
				UploadedAt: at}
			if err := db.PutDocument(ctx, "hq", &d); err != nil {
				t.Fatal(err)
			}
			reviewed[d.ID] = len(reviews)
			for v, verdict := range reviews {
				r := selection.Review{ID: fmt.Sprintf("%s-r%d", d.ID, v), DocumentID: d.ID,
					Verdict: verdict, Reviewer: "sup", ReviewedAt: at, Version: v + 1}
				if verdict == selection.VerdictRejected {
					r.Reason = selection.ReasonUnreadable
				}
				if err := db.AddReview(ctx, "sup", &r); err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	// The review status: every document with its latest review.
	got := map[string][]selection.Verdict{}
	for dr, err := range db.DocumentReviews(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got[dr.Document.ApplicantID] = append(got[dr.Document.ApplicantID], dr.Verdict())
		n := reviewed[dr.Document.ID]
		if (n == 0) != (dr.Latest == nil) || (n > 0 && dr.Latest.Version != n) {
			t.Errorf("%s: latest review %+v; want version %d", dr.Document.ID, dr.Latest, n)
		}
	}
	for id, v := range want {
		if fv := selection.FileVerdict(got[id]); fv != v {
			t.Errorf("%s: file %s from %v; want %s", id, fv, got[id], v)
		}
	}

	// The tallies: all four applicants in the first commune.
	tallies, err := db.Tallies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tallies) != 1 {
		t.Fatalf("tallies %+v; want one commune", tallies)
	}
	tl := tallies[0]
	if tl.CommuneCode != testCommune1 || tl.TotalApplicants() != 4 ||
		tl.Applicants[selection.Categories[0]] != 2 || tl.Files != 3 || tl.Accepted != 1 ||
		tl.Rejected != 1 || tl.Pending() != 1 {
		t.Errorf("tally %+v", tl)
	}
}

// TestReportListings checks the listings the report command reads:
// sessions by start, runs newest first, the latest rubric.
func TestReportListings(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	at := time.Date(2024, 5, 15, 9, 0, 0, 0, time.UTC)
	for i, id := range []string{"S2", "S1"} {
		s := selection.InterviewSession{ID: id, ProvinceCode: testProvince,
			StartsAt: at.Add(time.Duration(1-i) * time.Hour), Place: "salle", Version: 1}
		if err := db.PutSession(ctx, "sup", &s); err != nil {
			t.Fatal(err)
		}
	}
	ss, err := db.Sessions(ctx)
	if err != nil || len(ss) != 2 || ss[0].ID != "S1" {
		t.Errorf("sessions %+v, %v; want S1 then S2", ss, err)
	}
	for i, id := range []string{"F1", "F2"} {
		r := selection.Run{ID: id, Kind: selection.RunFinal, Scope: testProvince,
			StartedAt: at.Add(time.Duration(i) * time.Hour), Params: map[string]string{}}
		if err := db.SaveRun(ctx, "sup", &r, nil); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := db.Runs(ctx, selection.RunFinal)
	if err != nil || len(runs) != 2 || runs[0].ID != "F2" {
		t.Errorf("runs %+v, %v; want F2 first", runs, err)
	}
	if runs, _ := db.Runs(ctx, selection.RunPreselection); len(runs) != 0 {
		t.Errorf("pre-selection runs %+v; want none", runs)
	}
	if _, err := db.LatestRubric(ctx); err == nil {
		t.Error("latest rubric of a store with none: no error")
	}
	for _, v := range []string{"2024.1", "2024.2"} {
		if err := db.PutRubric(ctx, "hq", &selection.Rubric{Version: v}); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := db.LatestRubric(ctx); err != nil || r.Version != "2024.2" {
		t.Errorf("latest rubric %+v, %v; want 2024.2", r, err)
	}
}
