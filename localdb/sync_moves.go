package localdb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"intiqa/selection"
)

// Applicants who move between provinces, at headquarters. The trigger of
// migration 0008 records each move and rewrites the change log; this file
// reads what it wrote: the removals a pull sends, and the moves that tell
// a decision on an applicant who left the pusher's province from one on
// an applicant who never was of it.

// readRemoval reads a removal of the change log, whose key is the kind
// and key of the record removed, "applicant/ID". Its data names where
// the record is now; a removal is sent even when the record is gone.
func readRemoval(ctx context.Context, q querier, key string) (*record, error) {
	kind, id, ok := strings.Cut(key, "/")
	if !ok || selection.SyncKind(kind) != selection.KindApplicant {
		return nil, fmt.Errorf("removal %q: want applicant/ID", key)
	}
	r := &selection.Removal{Kind: selection.KindApplicant, Key: id}
	err := q.QueryRowContext(ctx, `SELECT province_code FROM applicants WHERE id = ?`,
		id).Scan(&r.Province)
	if err := notFound(err); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return &record{data: r}, nil
}

// MovedReason is the reason headquarters gives when it rejects a decision
// of a province's laptop on an applicant who moved to another province,
// and the reason a laptop gives its own pending decisions on an applicant
// a pull removes. It is in French, as the desktop shows it.
func MovedReason(applicantID, from, to string) string {
	if to == "" {
		return fmt.Sprintf("le candidat %s a quitté la province %s : "+
			"cette décision ne peut plus s'appliquer", applicantID, from)
	}
	return fmt.Sprintf("le candidat %s a été transféré de la province %s à la province %s : "+
		"cette décision ne peut plus s'appliquer", applicantID, from, to)
}

// checkApplicantScope checks the applicant a pushed decision is about
// against the pusher's province. It returns a reason to reject the
// decision alone when the applicant moved out of the pusher's province
// after having been of it, and ErrScope when the applicant was never of
// it (the batch is refused). A decision about no applicant, or about one
// headquarters does not hold, passes: the other checks answer it.
func (tx *Tx) checkApplicantScope(from Pusher, d any, province string) (string, error) {
	if _, ok := d.(*selection.Review); ok && province == from.Province {
		return "", nil // a review's province is its applicant's
	}
	id, current, err := tx.applicantOf(d, province)
	if err != nil || id == "" || current == from.Province {
		return "", err
	}
	var moved bool
	err = tx.queryRow(`SELECT EXISTS (SELECT 1 FROM sync_moves
		WHERE applicant_id = ? AND from_province = ?)`, id, from.Province).Scan(&moved)
	if err != nil {
		return "", fmt.Errorf("read moves of applicant %s: %w", id, err)
	}
	if moved {
		return MovedReason(id, from.Province, current), nil
	}
	return "", fmt.Errorf("decision on applicant %s of province %s: %w", id, current, ErrScope)
}

// applicantOf returns the applicant a decision is about and their
// province, "" when it is about none. province is what provinceOf found:
// for a review, the province of its document's applicant, so that the
// applicant is read only when it is not the pusher's.
func (tx *Tx) applicantOf(d any, province string) (string, string, error) {
	var id string
	switch v := d.(type) {
	case *selection.Review:
		err := tx.queryRow(`SELECT applicant_id FROM documents WHERE id = ?`,
			v.DocumentID).Scan(&id)
		if err := notFound(err); err != nil {
			if errors.Is(err, ErrNotFound) {
				return "", "", nil
			}
			return "", "", fmt.Errorf("read document %s: %w", v.DocumentID, err)
		}
		return id, province, nil
	case *selection.Convocation:
		id = v.ApplicantID
	case *selection.Attendance:
		id = v.ApplicantID
	case *selection.ScoreSheet:
		id = v.ApplicantID
	default:
		return "", "", nil
	}
	var current string
	err := tx.queryRow(`SELECT province_code FROM applicants WHERE id = ?`, id).Scan(&current)
	if err := notFound(err); err != nil {
		if errors.Is(err, ErrNotFound) {
			return "", "", nil
		}
		return "", "", fmt.Errorf("read applicant %s: %w", id, err)
	}
	return id, current, nil
}
