package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"intiqa/selection"
)

// A province's final selection is one record for sync: every final_run
// decision of the province is taken on it, keyed by finalKey, and its
// version is the ID of the run in force. A laptop's final run is based on
// the run it last knew in force, its own or one it pulled; headquarters
// applies it only if that run is still in force there, so two laptops of
// a province committing a final selection each offline cannot both land:
// the second gets a conflict, which a supervisor resolves (resolveFinal).

// finalKey names the record of a province's final selection.
func finalKey(province string) string { return "final/" + province }

// headVersion returns the version a decision of ID id gives the record
// it decides: its ID, or for a final selection run the run's ID, so that
// each side knows which of the runs it holds is in force.
func headVersion(id string, data any) string {
	if fr, ok := data.(*selection.FinalRunData); ok {
		return fr.Run.ID
	}
	return id
}

// version returns the version an outbox item gives its record once
// applied (see headVersion).
func (it *outboxItem) version() string {
	if it.Kind != selection.KindFinalRun {
		return it.ID
	}
	var fr struct{ Run struct{ ID string } }
	if err := json.Unmarshal(it.Data, &fr); err != nil || fr.Run.ID == "" {
		return it.ID
	}
	return fr.Run.ID
}

// applyFinalRun records a pulled final selection run, already written:
// when it is the run in force at headquarters, it is the province's
// final selection on this laptop too, unless this laptop's own pending
// run goes on top of it (see applyDecided). A run replaced since is
// history only.
func (tx *Tx) applyFinalRun(r *selection.Run, c selection.Change, pendingAny bool) error {
	if r.ID != c.Version {
		return nil
	}
	return tx.applyDecided(selection.KindFinalRun, finalKey(r.Scope), c, pendingAny,
		func() error { return nil })
}

// resolveFinal records a supervisor's choice on a final selection run of
// this laptop that lost to the run another laptop of the province put in
// force first. Keeping this laptop's run queues it again, on top of
// headquarters' run, with its outcomes as this laptop holds them now, and
// with the withdrawals recorded on it; taking headquarters' run removes
// this laptop's run and its withdrawals, which never reached
// headquarters. Either way, the conflicts of those withdrawals (refused
// because headquarters does not hold their run) are resolved the same
// way. ErrSyncFirst: headquarters' run has not been pulled yet.
func (tx *Tx) resolveFinal(c *selection.Conflict, choice selection.Resolution) error {
	if err := tx.checkTheirsPulled(c); err != nil {
		return err
	}
	mine, held, err := tx.conflictRun(c)
	if err != nil {
		return err
	}
	switch {
	case choice == selection.KeepTheirs && held:
		err = tx.dropLosingRun(&mine.Run)
	case choice == selection.KeepMine && held:
		err = tx.queueDecision("run.save", &mine.Run)
	case choice == selection.KeepMine:
		err = tx.saveRun(&mine.Run, mine.Outcomes)
	}
	if err != nil {
		return err
	}
	return tx.resolveWithdrawalsOf(mine.Run.ID, choice)
}

// conflictRun returns this laptop's run in a conflict on the final
// selection, and whether the laptop still holds it.
func (tx *Tx) conflictRun(c *selection.Conflict) (*selection.FinalRunData, bool, error) {
	v, err := decodeLenient(c.Kind, c.Mine)
	if err != nil {
		return nil, false, fmt.Errorf("conflict %s: %w", c.ID, err)
	}
	mine := v.(*selection.FinalRunData)
	held, err := tx.holdsRun(mine.Run.ID)
	return mine, held, err
}

// holdsRun tells whether the store holds run id.
func (tx *Tx) holdsRun(id string) (bool, error) {
	var held bool
	err := tx.queryRow(`SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?)`, id).Scan(&held)
	if err != nil {
		return false, fmt.Errorf("read run %s: %w", id, err)
	}
	return held, nil
}

// revertFinal puts back in force on this laptop, when headquarters
// refused a final selection run of this laptop that was in force here,
// the run headquarters holds: the one the refused run was based on, when
// headquarters rejected it (see checkRunApplicants), or the one a
// conflict names, when this laptop holds it already (a pull brings the
// others). Until then, the conflicts on the province's final selection
// could not be resolved: resolving waits for headquarters' run
// (checkTheirsPulled), which a pull does not send twice. A refused run
// stays, out of force, until a supervisor resolves its conflict.
func (tx *Tx) revertFinal(it *outboxItem, r selection.DecisionResult) error {
	head, err := tx.headOf(it.Kind, it.key)
	if err != nil || head != it.version() {
		return err
	}
	target := it.base
	if r.Status == selection.DecisionConflict {
		if r.Current == nil {
			return nil
		}
		held, err := tx.holdsRun(r.Current.Version)
		if err != nil || !held {
			return err
		}
		target = r.Current.Version
	}
	if target == "" {
		_, err = tx.exec(`DELETE FROM sync_heads WHERE kind = ? AND key = ?`, string(it.Kind), it.key)
		if err != nil {
			return fmt.Errorf("reset version of %s %s: %w", it.Kind, it.key, err)
		}
		return nil
	}
	return tx.setHead(it.Kind, it.key, target)
}

// giveUpRefusedRun records that a supervisor gives up a final selection
// run of this laptop that headquarters refused: the run goes, with its
// outcomes and withdrawals, as a run that lost a conflict does, and the
// conflicts of its withdrawals are settled with it.
func (tx *Tx) giveUpRefusedRun(c *selection.Conflict) error {
	mine, held, err := tx.conflictRun(c)
	if err != nil {
		return err
	}
	if held {
		if err := tx.dropLosingRun(&mine.Run); err != nil {
			return err
		}
	}
	return tx.resolveWithdrawalsOf(mine.Run.ID, selection.KeepTheirs)
}

// dropLosingRun removes a final selection run of this laptop that
// headquarters never took, with its outcomes and withdrawals; the run
// stays among the conflicts.
func (tx *Tx) dropLosingRun(r *selection.Run) error {
	if _, err := tx.exec(`DELETE FROM sync_outbox WHERE kind = 'withdrawal'
		AND json_extract(data, '$.RunID') = ?`, r.ID); err != nil {
		return fmt.Errorf("drop withdrawals of run %s: %w", r.ID, err)
	}
	if _, err := tx.exec(`DELETE FROM withdrawals WHERE run_id = ?`, r.ID); err != nil {
		return fmt.Errorf("remove withdrawals of run %s: %w", r.ID, err)
	}
	if _, err := tx.exec(`DELETE FROM runs WHERE id = ?`, r.ID); err != nil {
		return fmt.Errorf("remove run %s: %w", r.ID, err)
	}
	return tx.audit("run.superseded", "run", r.ID, r, nil)
}

// resolveWithdrawalsOf settles the open conflicts of the withdrawals
// recorded on a run whose own conflict was just resolved, and, when the
// run is kept, queues them again after it, with the withdrawals still
// waiting to be pushed, so that headquarters applies them on the run.
func (tx *Tx) resolveWithdrawalsOf(runID string, choice selection.Resolution) error {
	var ws []*selection.Withdrawal
	var ids []string
	err := tx.eachRow(`SELECT id, mine FROM sync_conflicts WHERE kind = 'withdrawal'
		AND resolved_at = '' AND json_extract(mine, '$.RunID') = ? ORDER BY detected_at, id`,
		[]any{runID}, func(s scanner) error {
			var id, data string
			if err := s.Scan(&id, &data); err != nil {
				return err
			}
			v, err := decodeLenient(selection.KindWithdrawal, []byte(data))
			if err != nil {
				return fmt.Errorf("conflict %s: %w", id, err)
			}
			ws, ids = append(ws, v.(*selection.Withdrawal)), append(ids, id)
			return nil
		})
	if err != nil {
		return fmt.Errorf("read conflicts: %w", err)
	}
	for i, id := range ids {
		_, err := tx.exec(`UPDATE sync_conflicts SET resolved_at = ?, resolved_by = ?,
			resolution = ? WHERE id = ?`, formatInstant(tx.now), tx.actor, string(choice), id)
		if err != nil {
			return fmt.Errorf("resolve conflict %s: %w", id, err)
		}
		err = tx.audit("sync.resolve", string(selection.KindWithdrawal), ws[i].ID, nil,
			map[string]string{"decision": id, "choice": string(choice), "with_run": runID})
		if err != nil {
			return err
		}
	}
	if choice != selection.KeepMine {
		return nil
	}
	pending, err := tx.pendingWithdrawalsOf(runID)
	if err != nil {
		return err
	}
	for _, w := range append(ws, pending...) {
		// Headquarters holds no version of the withdrawal.
		_, err := tx.exec(`DELETE FROM sync_heads WHERE kind = 'withdrawal' AND key = ?`, w.ID)
		if err != nil {
			return fmt.Errorf("reset version of withdrawal %s: %w", w.ID, err)
		}
		if err := tx.queueDecision("withdrawal.add", w); err != nil {
			return err
		}
	}
	return nil
}

// pendingWithdrawalsOf takes out of the outbox the withdrawals on a run
// still waiting to be pushed, to queue them again after the run.
func (tx *Tx) pendingWithdrawalsOf(runID string) ([]*selection.Withdrawal, error) {
	var out []*selection.Withdrawal
	var seqs []any
	err := tx.eachRow(`SELECT seq, data FROM sync_outbox WHERE kind = 'withdrawal'
		AND json_extract(data, '$.RunID') = ? ORDER BY seq`, []any{runID},
		func(s scanner) error {
			var seq int64
			var data string
			if err := s.Scan(&seq, &data); err != nil {
				return err
			}
			v, err := decodeLenient(selection.KindWithdrawal, []byte(data))
			if err != nil {
				return fmt.Errorf("outbox item %d: %w", seq, err)
			}
			out, seqs = append(out, v.(*selection.Withdrawal)), append(seqs, seq)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, tx.dropOutboxes(seqs)
}

// finalInForceSQL selects the final selection in force in the province
// named by the SQL expression province: the run the province's laptops
// last put in force through sync, which a supervisor may have kept over
// a later one; failing that (a run recorded at headquarters, or before
// sync kept versions), the latest committed.
func finalInForceSQL(province string) string {
	return `coalesce(
		(SELECT h.version FROM sync_heads h JOIN runs x ON x.id = h.version
			WHERE h.kind = 'final_run' AND h.key = 'final/' || ` + province + `
			AND x.committed_at != ''),
		(SELECT q.id FROM runs q WHERE q.kind = 'final' AND q.scope = ` + province + `
			AND q.committed_at != '' ORDER BY q.committed_at DESC, q.id DESC LIMIT 1))`
}

// FinalRunInForce returns the ID of the final selection in force in a
// province (see finalInForceSQL), or ErrNotFound when it has none.
func (db *DB) FinalRunInForce(ctx context.Context, province string) (string, error) {
	var id sql.NullString
	err := db.reader.QueryRowContext(ctx, `SELECT `+finalInForceSQL("?1"), province).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("final selection of %s: %w", province, err)
	}
	if !id.Valid {
		return "", fmt.Errorf("final selection of %s: %w", province, ErrNotFound)
	}
	return id.String, nil
}
