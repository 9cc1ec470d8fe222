package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	"intiqa/ui"
)

// TestReviewConflictSummary describes a conflict on a review from the
// document it is about and the two verdicts.
func TestReviewConflictSummary(t *testing.T) {
	ctx := context.Background()
	db := mustLaptopStore(t)
	at := time.Date(2024, 6, 3, 9, 30, 0, 0, time.UTC)
	a := &selection.Applicant{ID: "A1", CIN: "JB1", LastName: "El Amrani",
		FirstName: "Fatima", LastNameAR: "العمراني", FirstNameAR: "فاطمة",
		Sex: selection.SexFemale, BirthDate: time.Date(1998, 3, 14, 0, 0, 0, 0, time.UTC),
		Phone: "0612345678", Email: "f@example.ma", Category: selection.CategoryGraduate,
		Education: selection.EducationBac3, SurveyExperience: selection.ExperienceSurvey,
		TechSkill: selection.TechGood, Languages: []selection.Language{selection.LangDarija},
		Choices: []string{"12.066.01.03"}, RegisteredAt: at}
	err := db.PutApplicant(ctx, "sync", a)
	if err != nil {
		t.Fatal(err)
	}
	err = db.PutDocument(ctx, "sync", &selection.Document{ID: "D1", ApplicantID: "A1",
		Kind: selection.DocDiploma, SHA256: strings.Repeat("ab", 32), MediaType: "image/png",
		Size: 10, UploadedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	mine := selection.Review{ID: "R2", DocumentID: "D1", Verdict: selection.VerdictRejected,
		Reason: selection.ReasonUnreadable, Reviewer: "karim", ReviewedAt: at, Version: 1}
	theirs := selection.Review{ID: "R1", DocumentID: "D1", Verdict: selection.VerdictAccepted,
		Reviewer: "samira", ReviewedAt: at.Add(-time.Hour), Version: 1}
	c := selection.Conflict{ID: "n.1", Kind: selection.KindReview, Key: "D1",
		Status: selection.DecisionConflict, Mine: mustJSON(t, mine), Theirs: mustJSON(t, theirs)}

	s := &syncer{db: db}
	got := s.reviewConflict(ctx, c)
	want := ui.ReviewConflict{ApplicantID: "A1", Name: "El Amrani Fatima", NameAR: "العمراني فاطمة",
		Document: selection.DocDiploma, Local: mine, Remote: theirs}
	if got == nil || got.ApplicantID != want.ApplicantID || got.Name != want.Name ||
		got.NameAR != want.NameAR || got.Document != want.Document ||
		got.Local.Verdict != mine.Verdict || got.Remote.Reviewer != "samira" {
		t.Errorf("review conflict: %+v, want %+v", got, want)
	}

	c.Status, c.Theirs = selection.DecisionRejected, nil
	if got := s.reviewConflict(ctx, c); got != nil {
		t.Errorf("a rejected review: %+v, want nil", got)
	}
}

// mustLaptopStore opens a new laptop store of hqProvince, closed with
// the test.
func mustLaptopStore(tb testing.TB) *localdb.DB {
	tb.Helper()
	db, err := localdb.Open(context.Background(), filepath.Join(tb.TempDir(), "intiqa.db"),
		localdb.Options{Scope: hqProvince})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustJSON(tb testing.TB, v any) json.RawMessage {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
