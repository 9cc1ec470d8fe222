package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"intiqa/selection"
)

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// SaveRun stores a selection run and its outcomes in one transaction.
// The audit entry holds the run record, whose hashes pin the outcomes.
func (db *DB) SaveRun(ctx context.Context, actor string, r *selection.Run, outcomes []selection.Outcome) error {
	return db.update(ctx, actor, func(tx *Tx) error { return tx.saveRun(r, outcomes) })
}

// saveRun writes a new run and its outcomes.
func (tx *Tx) saveRun(r *selection.Run, outcomes []selection.Outcome) error {
	params, err := json.Marshal(r.Params)
	if err != nil {
		return fmt.Errorf("encode run parameters: %w", err)
	}
	_, err = tx.exec(`INSERT INTO runs (id, kind, scope, rules_version, rules_hash, seed,
		params, input_hash, output_hash, started_at, committed_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, string(r.Kind), r.Scope,
		r.RulesVersion, r.RulesHash, r.Seed, string(params), r.InputHash, r.OutputHash,
		formatInstant(r.StartedAt), formatInstant(r.CommittedAt), r.CreatedBy)
	if err != nil {
		return fmt.Errorf("write run %s: %w", r.ID, err)
	}
	ins, err := tx.tx.PrepareContext(tx.ctx, `INSERT INTO outcomes (run_id, applicant_id, status,
		commune_code, role, rank, score, lottery, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare outcomes: %w", err)
	}
	defer ins.Close()
	for _, o := range outcomes {
		_, err := ins.ExecContext(tx.ctx, r.ID, o.ApplicantID, string(o.Status), o.CommuneCode,
			string(o.Role), o.Rank, o.Score, strconv.FormatUint(o.Lottery, 10), o.Reason)
		if err != nil {
			return fmt.Errorf("write outcome of %s: %w", o.ApplicantID, err)
		}
	}
	return tx.audit("run.save", "run", r.ID, nil, r)
}

// Run returns one run record.
func (db *DB) Run(ctx context.Context, id string) (*selection.Run, error) {
	var r selection.Run
	var params, started, committed string
	err := db.reader.QueryRowContext(ctx, `SELECT id, kind, scope, rules_version, rules_hash,
		seed, params, input_hash, output_hash, started_at, committed_at, created_by
		FROM runs WHERE id = ?`, id).Scan(&r.ID, &r.Kind, &r.Scope, &r.RulesVersion,
		&r.RulesHash, &r.Seed, &params, &r.InputHash, &r.OutputHash, &started, &committed,
		&r.CreatedBy)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", id, notFound(err))
	}
	if r.StartedAt, err = parseInstant(started); err != nil {
		return nil, fmt.Errorf("run %s: %w", id, err)
	}
	if r.CommittedAt, err = parseInstant(committed); err != nil {
		return nil, fmt.Errorf("run %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(params), &r.Params); err != nil {
		return nil, fmt.Errorf("run %s parameters: %w", id, err)
	}
	return &r, nil
}

// Outcomes returns a run's outcomes, by applicant ID.
func (db *DB) Outcomes(ctx context.Context, runID string) ([]selection.Outcome, error) {
	var out []selection.Outcome
	err := db.each(ctx, `SELECT run_id, applicant_id, status, commune_code, role, rank, score,
		lottery, reason FROM outcomes WHERE run_id = ? ORDER BY applicant_id`, []any{runID},
		func(s scanner) error {
			var o selection.Outcome
			var lottery string
			err := s.Scan(&o.RunID, &o.ApplicantID, &o.Status, &o.CommuneCode, &o.Role, &o.Rank,
				&o.Score, &lottery, &o.Reason)
			if err != nil {
				return err
			}
			o.Lottery, err = strconv.ParseUint(lottery, 10, 64)
			out = append(out, o)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read outcomes: %w", err)
	}
	return out, nil
}

// AddWithdrawal records a selected candidate's withdrawal and who
// replaced them.
func (db *DB) AddWithdrawal(ctx context.Context, actor string, w *selection.Withdrawal) error {
	return db.update(ctx, actor, func(tx *Tx) error { return tx.addWithdrawal(w) })
}

// addWithdrawal writes a new withdrawal.
func (tx *Tx) addWithdrawal(w *selection.Withdrawal) error {
	_, err := tx.exec(`INSERT INTO withdrawals (id, run_id, applicant_id, reason, replaced_by,
		recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, w.ID, w.RunID, w.ApplicantID,
		w.Reason, w.ReplacedBy, w.RecordedBy, formatInstant(w.RecordedAt))
	if err != nil {
		return fmt.Errorf("write withdrawal %s: %w", w.ID, err)
	}
	if err := tx.applyChanged(w); err != nil {
		return err
	}
	return tx.audit("withdrawal.add", "withdrawal", w.ID, nil, w)
}

// applyChanged writes the outcomes a withdrawal changed. Each must be an
// outcome of the withdrawal's run already there.
func (tx *Tx) applyChanged(w *selection.Withdrawal) error {
	for _, o := range w.Changed {
		if o.RunID != "" && o.RunID != w.RunID {
			return fmt.Errorf("withdrawal %s changes an outcome of run %s, not of its run %s",
				w.ID, o.RunID, w.RunID)
		}
		res, err := tx.exec(`UPDATE outcomes SET status = ?, commune_code = ?, role = ?,
			rank = ?, reason = ? WHERE run_id = ? AND applicant_id = ?`, string(o.Status),
			o.CommuneCode, string(o.Role), o.Rank, o.Reason, w.RunID, o.ApplicantID)
		if err != nil {
			return fmt.Errorf("update outcome of %s: %w", o.ApplicantID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("withdrawal %s: outcome of %s in run %s: %w", w.ID, o.ApplicantID,
				w.RunID, ErrNotFound)
		}
	}
	return nil
}

// Withdrawals returns a run's withdrawals, oldest first.
func (db *DB) Withdrawals(ctx context.Context, runID string) ([]selection.Withdrawal, error) {
	var out []selection.Withdrawal
	err := db.each(ctx, `SELECT id, run_id, applicant_id, reason, replaced_by, recorded_by,
		recorded_at FROM withdrawals WHERE run_id = ? ORDER BY recorded_at, id`, []any{runID},
		func(s scanner) error {
			var w selection.Withdrawal
			var at string
			err := s.Scan(&w.ID, &w.RunID, &w.ApplicantID, &w.Reason, &w.ReplacedBy,
				&w.RecordedBy, &at)
			if err != nil {
				return err
			}
			w.RecordedAt, err = parseInstant(at)
			out = append(out, w)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read withdrawals: %w", err)
	}
	return out, nil
}
