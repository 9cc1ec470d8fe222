package ui

import (
	"context"
	"slices"
	"testing"
	"time"

	"intiqa/selection"
)

// reviewSyncer is a sync client whose one conflict is on a document's
// review.
type reviewSyncer struct {
	*fakeSyncer
}

func (f reviewSyncer) Conflicts(context.Context) ([]Conflict, error) {
	at := time.Date(2024, 6, 3, 9, 30, 0, 0, time.Local)
	return []Conflict{{ID: "c1", ApplicantID: "A0000001", What: "review",
		Local: `{"ID":"R2"}`, Remote: `{"ID":"R1"}`, RemoteBy: "samira",
		Review: &ReviewConflict{ApplicantID: "A0000001", Name: "El Amrani Fatima",
			NameAR: "العمراني فاطمة", Document: selection.DocDiploma,
			Local: selection.Review{Verdict: selection.VerdictRejected,
				Reason: selection.ReasonUnreadable, Reviewer: "karim", ReviewedAt: at},
			Remote: selection.Review{Verdict: selection.VerdictAccepted, Reviewer: "samira",
				ReviewedAt: at.Add(-time.Hour)},
		}}}, nil
}

// TestSyncReviewConflict shows a conflict on a review in words: the
// applicant in both scripts, the document, the two verdicts.
func TestSyncReviewConflict(t *testing.T) {
	h, sc := mustSyncScreen(t,
		reviewSyncer{&fakeSyncer{state: SyncState{Conflicts: 1}, resolved: map[string]bool{}}})
	texts := logicalTexts(sc.conflicts)
	for _, want := range []string{
		"El Amrani Fatima (A0000001) · Diplôme",
		"ce poste : Rejetée (Illisible), par karim le 03/06/2024 09:30 · autre poste : " +
			"Acceptée, par samira le 03/06/2024 08:30",
	} {
		if !slices.Contains(texts, want) {
			t.Errorf("the sync screen does not show %q; it shows %q", want, texts)
		}
	}
	if !h.shows(display("العمراني فاطمة")) {
		t.Errorf("the sync screen does not show the Arabic name:\n%s", h.markup())
	}
	if h.shows(`{"ID":"R2"}`) {
		t.Errorf("the sync screen shows the review's data:\n%s", h.markup())
	}
}
