package main

import (
	"context"
	"encoding/json"
	"strings"

	"intiqa/selection"
	"intiqa/ui"
)

// reviewConflict describes a conflict on a document's review: whose
// document, which one, and the two verdicts. Nil when the conflict does
// not hold two reviews, or the document is no longer on this laptop: it
// shows as any other.
func (s *syncer) reviewConflict(ctx context.Context, c selection.Conflict) *ui.ReviewConflict {
	var mine, theirs selection.Review
	if json.Unmarshal(c.Mine, &mine) != nil || json.Unmarshal(c.Theirs, &theirs) != nil ||
		theirs.DocumentID == "" {
		return nil
	}
	d, err := s.db.Document(ctx, mine.DocumentID)
	if err != nil {
		return nil
	}
	r := &ui.ReviewConflict{ApplicantID: d.ApplicantID, Document: d.Kind, Local: mine,
		Remote: theirs}
	if a, err := s.db.Applicant(ctx, d.ApplicantID); err == nil {
		r.Name = strings.TrimSpace(a.LastName + " " + a.FirstName)
		r.NameAR = strings.TrimSpace(a.LastNameAR + " " + a.FirstNameAR)
	}
	return r
}
