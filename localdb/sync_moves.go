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

// checkRunApplicants checks the applicants of a pushed final selection
// run, once its outcomes are written, against the run's province. A run
// with outcomes on applicants who left the province since, or whom
// headquarters does not hold, cannot apply: it is refused alone, with a
// reason naming them, since taking it would select someone another
// province now holds. A run with an outcome on an applicant who was never
// of the province refuses the batch (ErrScope), like any decision about
// such an applicant.
func (tx *Tx) checkRunApplicants(r *selection.Run) error {
	var moved, unknown []string
	var foreign string
	err := tx.eachRow(`SELECT o.applicant_id, coalesce(a.province_code, ''),
			EXISTS (SELECT 1 FROM sync_moves m
				WHERE m.applicant_id = o.applicant_id AND m.from_province = ?2)
		FROM outcomes o LEFT JOIN applicants a ON a.id = o.applicant_id
		WHERE o.run_id = ?1 AND (a.province_code IS NULL OR a.province_code != ?2)
		ORDER BY o.applicant_id`, []any{r.ID, r.Scope}, func(s scanner) error {
		var id, now string
		var left bool
		if err := s.Scan(&id, &now, &left); err != nil {
			return err
		}
		switch {
		case now == "":
			unknown = append(unknown, id)
		case left:
			moved = append(moved, id+" → "+now)
		case foreign == "":
			foreign = id
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read applicants of run %s: %w", r.ID, err)
	}
	switch {
	case foreign != "":
		return fmt.Errorf("run %s: outcome of applicant %s, not of province %s: %w",
			r.ID, foreign, r.Scope, ErrScope)
	case len(moved)+len(unknown) > 0:
		return runRefusal(r, moved, unknown)
	}
	return nil
}

// runRefusal says, in French as the desktop shows it, why headquarters
// refused a final selection run: the applicants who left its province
// (each "ID → province") and those it does not hold.
func runRefusal(r *selection.Run, moved, unknown []string) error {
	list := func(ids []string) string {
		const shown = 5
		if len(ids) <= shown {
			return strings.Join(ids, ", ")
		}
		return fmt.Sprintf("%s et %d autres", strings.Join(ids[:shown], ", "), len(ids)-shown)
	}
	var parts []string
	if len(moved) > 0 {
		parts = append(parts, fmt.Sprintf("%d candidat(s) ont quitté la province %s (%s)",
			len(moved), r.Scope, list(moved)))
	}
	if len(unknown) > 0 {
		parts = append(parts, fmt.Sprintf("%d candidat(s) sont inconnus du siège (%s)",
			len(unknown), list(unknown)))
	}
	return fmt.Errorf("la sélection finale %s ne peut plus s'appliquer : %s ; "+
		"synchronisez, puis relancez la sélection finale", r.ID, strings.Join(parts, " et "))
}
