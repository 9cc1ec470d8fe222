package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"

	"intiqa/selection"
)

const trainingColumns = `applicant_id, started, modules_completed, modules_total, test_score`

func scanTraining(s scanner) (*selection.TrainingProgress, error) {
	var t selection.TrainingProgress
	var score sql.NullFloat64
	err := s.Scan(&t.ApplicantID, &t.Started, &t.ModulesCompleted, &t.ModulesTotal, &score)
	if err != nil {
		return nil, err
	}
	if score.Valid {
		t.TestScore = &score.Float64
	}
	return &t, nil
}

func trainingArgs(t *selection.TrainingProgress) []any {
	var score any
	if t.TestScore != nil {
		score = *t.TestScore
	}
	return []any{t.ApplicantID, t.Started, t.ModulesCompleted, t.ModulesTotal, score}
}

func sameTraining(a, b *selection.TrainingProgress) bool {
	sameScore := (a.TestScore == nil) == (b.TestScore == nil) &&
		(a.TestScore == nil || *a.TestScore == *b.TestScore)
	return a.Started == b.Started && a.ModulesCompleted == b.ModulesCompleted &&
		a.ModulesTotal == b.ModulesTotal && sameScore
}

// TrainingOf returns one applicant's training progress.
func (db *DB) TrainingOf(ctx context.Context, applicantID string) (*selection.TrainingProgress, error) {
	row := db.reader.QueryRowContext(ctx,
		`SELECT `+trainingColumns+` FROM training WHERE applicant_id = ?`, applicantID)
	t, err := scanTraining(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("training of %s: %w", applicantID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read training: %w", err)
	}
	return t, nil
}

// Training streams every training record, ordered by applicant ID.
func (db *DB) Training(ctx context.Context) iter.Seq2[*selection.TrainingProgress, error] {
	return func(yield func(*selection.TrainingProgress, error) bool) {
		rows, err := db.reader.QueryContext(ctx,
			`SELECT `+trainingColumns+` FROM training ORDER BY applicant_id`)
		if err != nil {
			yield(nil, fmt.Errorf("list training: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTraining(rows)
			if !yield(t, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, fmt.Errorf("list training: %w", err))
		}
	}
}

// ImportTraining loads training rows in one transaction, all or nothing.
// Every row must name a stored applicant. Creations are audited as one
// batch entry, changes one by one.
func (db *DB) ImportTraining(ctx context.Context, actor string, src selection.Source,
	rows iter.Seq2[selection.Row[*selection.TrainingProgress], error],
	progress selection.Progress) (selection.ImportResult, error) {
	var res selection.ImportResult
	known, err := db.applicantIDs(ctx)
	if err != nil {
		return res, err
	}
	seen := map[string]int{}
	invalid := &selection.InvalidFileError{}
	err = db.update(ctx, actor, func(tx *Tx) error {
		for row, err := range rows {
			if err != nil {
				return err
			}
			res.Rows++
			if progress != nil && res.Rows%progressEvery == 0 {
				progress(res.Rows)
			}
			if !checkTrainingRow(src, row, known, seen, invalid) || invalid.Total > 0 {
				continue
			}
			outcome, err := tx.putTraining(row.Value, false)
			if err != nil {
				return fmt.Errorf("%s:%s:%d: %w", src.File, src.Sheet, row.Line, err)
			}
			tally(&res, outcome)
		}
		if invalid.Total > 0 {
			return invalid
		}
		return tx.auditImport("training", src, res, nil)
	})
	if err != nil {
		return selection.ImportResult{Rows: res.Rows}, err
	}
	return res, nil
}

// applicantIDs returns the set of stored applicant IDs.
func (db *DB) applicantIDs(ctx context.Context) (map[string]bool, error) {
	ids := map[string]bool{}
	err := db.each(ctx, `SELECT id FROM applicants`, nil, func(s scanner) error {
		var id string
		err := s.Scan(&id)
		ids[id] = true
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read applicant IDs: %w", err)
	}
	return ids, nil
}

func checkTrainingRow(src selection.Source, row selection.Row[*selection.TrainingProgress],
	known map[string]bool, seen map[string]int, invalid *selection.InvalidFileError) bool {
	before := invalid.Total
	fault := func(fe *selection.FieldError) { invalid.Add(selection.FieldRowError(src, row.Line, fe)) }
	for _, fe := range row.Problems {
		fault(fe)
	}
	t := row.Value
	if t == nil {
		return false
	}
	for _, fe := range selection.ValidateTraining(t) {
		fault(fe)
	}
	id := t.ApplicantID
	switch {
	case id == "":
	case !known[id]:
		fault(&selection.FieldError{Field: "applicant_id", Value: id,
			Problem: selection.ProblemUnknown, Detail: "aucun candidat de ce numéro"})
	case seen[id] > 0:
		fault(&selection.FieldError{Field: "applicant_id", Value: id,
			Problem: selection.ProblemDuplicate, Detail: fmt.Sprintf("déjà à la ligne %d", seen[id])})
	default:
		seen[id] = row.Line
	}
	return invalid.Total == before
}

// PutTraining creates or updates one applicant's training progress.
func (db *DB) PutTraining(ctx context.Context, actor string, t *selection.TrainingProgress) error {
	if errs := selection.ValidateTraining(t); len(errs) > 0 {
		return fmt.Errorf("training of %s: %w", t.ApplicantID, errs[0])
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		_, err := tx.putTraining(t, true)
		return err
	})
}

func (tx *Tx) putTraining(t *selection.TrainingProgress, auditCreate bool) (putOutcome, error) {
	row := tx.queryRow(
		`SELECT `+trainingColumns+` FROM training WHERE applicant_id = ?`, t.ApplicantID)
	before, err := scanTraining(row)
	outcome := putUpdated
	switch {
	case errors.Is(err, sql.ErrNoRows):
		outcome = putCreated
	case err != nil:
		return 0, fmt.Errorf("read training %s: %w", t.ApplicantID, err)
	case sameTraining(before, t):
		return putUnchanged, nil
	}
	_, err = tx.exec(`INSERT INTO training (`+trainingColumns+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (applicant_id) DO UPDATE SET started = excluded.started,
		modules_completed = excluded.modules_completed, modules_total = excluded.modules_total,
		test_score = excluded.test_score`, trainingArgs(t)...)
	if err != nil {
		return 0, fmt.Errorf("write training %s: %w", t.ApplicantID, err)
	}
	if outcome == putCreated {
		if !auditCreate {
			return outcome, nil
		}
		return outcome, tx.audit("training.create", "training", t.ApplicantID, nil, t)
	}
	return outcome, tx.audit("training.update", "training", t.ApplicantID, before, t)
}
