package localdb

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"

	"intiqa/selection"
)

// ErrCommitted is returned when a pre-selection run is committed while
// another one of the same scope already is: applicants must never be told
// two different results.
var ErrCommitted = errors.New("another pre-selection of this scope is already committed")

// CommitRun marks a stored run as committed (published): its outcomes
// become facts that applicants are told of. Committing a committed run
// changes nothing. It returns the run as committed.
func (db *DB) CommitRun(ctx context.Context, actor, id string) (*selection.Run, error) {
	var out *selection.Run
	err := db.update(ctx, actor, func(tx *Tx) error {
		r, err := db.runIn(tx, id)
		if err != nil {
			return err
		}
		if !r.CommittedAt.IsZero() {
			out = r
			return nil
		}
		if r.Kind == selection.RunPreselection {
			var other string
			err := tx.tx.QueryRowContext(tx.ctx, `SELECT coalesce(max(id), '') FROM runs
				WHERE kind = 'preselection' AND scope = ? AND committed_at != ''`,
				r.Scope).Scan(&other)
			if err != nil {
				return fmt.Errorf("read committed runs: %w", err)
			}
			if other != "" {
				return fmt.Errorf("run %s (committed: %s): %w", id, other, ErrCommitted)
			}
		}
		before := *r
		r.CommittedAt = tx.now
		if _, err := tx.exec(`UPDATE runs SET committed_at = ? WHERE id = ?`,
			formatInstant(r.CommittedAt), id); err != nil {
			return fmt.Errorf("commit run %s: %w", id, err)
		}
		out = r
		return tx.audit("run.commit", "run", id, before, r)
	})
	return out, err
}

// runIn reads a run inside a write transaction.
func (db *DB) runIn(tx *Tx, id string) (*selection.Run, error) {
	var committed string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT committed_at FROM runs WHERE id = ?`,
		id).Scan(&committed)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", id, notFound(err))
	}
	// The rest of the record never changes once stored: the pool's copy
	// is the same.
	r, err := db.Run(tx.ctx, id)
	if err != nil {
		return nil, err
	}
	if r.CommittedAt, err = parseInstant(committed); err != nil {
		return nil, fmt.Errorf("run %s: %w", id, err)
	}
	return r, nil
}

// CommittedPreselection returns the committed pre-selection run of the
// national scope, or ErrNotFound.
func (db *DB) CommittedPreselection(ctx context.Context) (*selection.Run, error) {
	var id string
	err := db.reader.QueryRowContext(ctx, `SELECT id FROM runs WHERE kind = 'preselection'
		AND scope = '' AND committed_at != ''
		ORDER BY committed_at DESC, id DESC LIMIT 1`).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("committed pre-selection: %w", notFound(err))
	}
	return db.Run(ctx, id)
}

// ApplicantOutcome is an applicant with their outcome in one run.
type ApplicantOutcome struct {
	Applicant *selection.Applicant
	Outcome   selection.Outcome
}

// RunApplicants streams the applicants of a run who have the given
// status, with their outcome, by applicant ID.
func (db *DB) RunApplicants(ctx context.Context, runID string,
	status selection.Status) iter.Seq2[ApplicantOutcome, error] {
	return func(yield func(ApplicantOutcome, error) bool) {
		rows, err := db.reader.QueryContext(ctx, runApplicantsQuery, runID, string(status), "", -1)
		if err != nil {
			yield(ApplicantOutcome{}, fmt.Errorf("list run applicants: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			ao, err := scanApplicantOutcome(rows, runID, status)
			if err != nil {
				yield(ApplicantOutcome{}, fmt.Errorf("list run applicants: %w", err))
				return
			}
			if !yield(ao, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(ApplicantOutcome{}, fmt.Errorf("list run applicants: %w", err))
		}
	}
}

// RunApplicantsAfter returns a page of RunApplicants: at most limit
// applicants whose ID comes after the given one. Paging holds no read
// open between pages, for a reader that takes long over each.
func (db *DB) RunApplicantsAfter(ctx context.Context, runID string, status selection.Status,
	after string, limit int) ([]ApplicantOutcome, error) {
	var out []ApplicantOutcome
	err := db.each(ctx, runApplicantsQuery, []any{runID, string(status), after, limit},
		func(s scanner) error {
			ao, err := scanApplicantOutcome(s, runID, status)
			out = append(out, ao)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("list run applicants: %w", err)
	}
	return out, nil
}

// runApplicantsQuery lists a run's applicants of a status (?1, ?2) after
// an applicant ID (?3), at most ?4 of them (-1: all).
var runApplicantsQuery = `SELECT o.commune_code, o.role, o.rank, o.score, o.reason, ` +
	prefixed("a.", applicantColumns) + ` FROM outcomes o
	JOIN applicants a ON a.id = o.applicant_id
	WHERE o.run_id = ?1 AND o.status = ?2 AND o.applicant_id > ?3
	ORDER BY o.applicant_id LIMIT ?4`

// scanApplicantOutcome reads one row of RunApplicants' query.
func scanApplicantOutcome(rows scanner, runID string,
	status selection.Status) (ApplicantOutcome, error) {
	o := selection.Outcome{RunID: runID, Status: status}
	var a *selection.Applicant
	err := scanWith(rows, []any{&o.CommuneCode, &o.Role, &o.Rank, &o.Score, &o.Reason},
		func(s scanner) error {
			var err error
			a, _, err = scanApplicant(s)
			return err
		})
	if err != nil {
		return ApplicantOutcome{}, err
	}
	o.ApplicantID = a.ID
	return ApplicantOutcome{Applicant: a, Outcome: o}, nil
}

// leadScanner scans a row whose first columns go to lead and the rest to
// the destinations Scan is given, so that a row scanner of one table can
// read a join.
type leadScanner struct {
	s    scanner
	lead []any
}

func (l leadScanner) Scan(dest ...any) error {
	return l.s.Scan(append(append([]any{}, l.lead...), dest...)...)
}

// scanWith scans the row's first columns into lead and lets fn scan the
// rest.
func scanWith(s scanner, lead []any, fn func(scanner) error) error {
	return fn(leadScanner{s: s, lead: lead})
}

// prefixed qualifies every column of a comma-separated list.
func prefixed(prefix, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
