package localdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"intiqa/selection"
)

// ApplyChanges applies one page of a pull to a laptop's store and records
// the page's cursor, in one transaction: after a cut, the laptop resumes
// from the last page applied. Changes at or before the stored cursor are
// skipped, so a page applied twice, or an older bundle, changes nothing.
// A record of another province refuses the whole page with ErrScope.
//
// A decided record that headquarters holds in another version than the
// one this laptop's pending decisions were based on moves those decisions
// to the conflicts: headquarters' version is applied, the laptop's is
// kept for a supervisor.
func (db *DB) ApplyChanges(ctx context.Context, actor string, page *selection.ChangePage) error {
	if db.scope == NationalScope || page.Province != db.scope {
		return fmt.Errorf("pull of province %q into a store of %q: %w", page.Province, db.scope, ErrScope)
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		tx.replica = true
		cur, err := tx.cursor()
		if err != nil {
			return err
		}
		var pending int
		if err := tx.queryRow(`SELECT count(*) FROM sync_outbox`).Scan(&pending); err != nil {
			return fmt.Errorf("count outbox: %w", err)
		}
		counts := map[selection.SyncKind]int{}
		h := sha256.New()
		for _, c := range page.Changes {
			if c.Seq <= cur {
				continue
			}
			if err := tx.applyChange(c, pending > 0); err != nil {
				return fmt.Errorf("apply %s %s (change %d): %w", c.Kind, c.Key, c.Seq, err)
			}
			counts[c.Kind]++
			h.Write(c.Data)
		}
		if page.Cursor <= cur {
			return nil
		}
		if err := tx.putSetting(settingCursor, strconv.FormatInt(page.Cursor, 10)); err != nil {
			return err
		}
		return tx.auditAlways("sync.pull", "sync", db.scope, nil, map[string]any{
			"from": cur, "to": page.Cursor, "changes": counts,
			"sha256": hex.EncodeToString(h.Sum(nil)),
		})
	})
}

// applyChange writes one pulled record.
func (tx *Tx) applyChange(c selection.Change, pendingAny bool) error {
	switch c.Kind {
	case selection.KindRegion, selection.KindProvince, selection.KindCommune:
		return tx.applyTerritory(c)
	case selection.KindRules:
		var r PublishedRules
		if err := json.Unmarshal(c.Data, &r); err != nil {
			return err
		}
		return tx.putRules(&r)
	case selection.KindRubric:
		var r selection.Rubric
		if err := json.Unmarshal(c.Data, &r); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT INTO rubrics (version, body) VALUES (?, ?)
			ON CONFLICT (version) DO UPDATE SET body = excluded.body`, r.Version, string(c.Data))
		return err
	case selection.KindNeed:
		return applyAs(c, func(n *selection.Need) error { _, err := tx.putNeed(n); return err })
	case selection.KindApplicant:
		return applyAs(c, tx.replicaApplicant)
	case selection.KindDocument:
		return applyAs(c, tx.putDocument)
	case selection.KindTraining:
		return applyAs(c, func(t *selection.TrainingProgress) error {
			_, err := tx.putTraining(t, true)
			return err
		})
	case selection.KindRun:
		return applyAs(c, func(r *selection.Run) error {
			if err := tx.replicaRun(r); err != nil || r.Kind != selection.RunFinal {
				return err
			}
			return tx.applyFinalRun(r, c, pendingAny)
		})
	case selection.KindOutcome:
		return applyAs(c, tx.replicaOutcome)
	case selection.KindRemoval:
		return applyAs(c, tx.applyRemoval)
	}
	return tx.applyDecision(c, pendingAny)
}

// applyDecision writes one pulled decision of a province laptop.
func (tx *Tx) applyDecision(c selection.Change, pendingAny bool) error {
	switch c.Kind {
	case selection.KindReview:
		return applyAs(c, func(r *selection.Review) error {
			return tx.applyDecided(c.Kind, r.DocumentID, c, pendingAny,
				func() error { return tx.replicaReview(r) })
		})
	case selection.KindSession:
		return applyAs(c, func(s *selection.InterviewSession) error {
			return tx.applyDecided(c.Kind, s.ID, c, pendingAny, func() error { return tx.putSession(s) })
		})
	case selection.KindConvocation:
		return applyAs(c, func(v *selection.Convocation) error {
			return tx.applyDecided(c.Kind, c.Key, c, pendingAny,
				func() error { return tx.putConvocation(v) })
		})
	case selection.KindAttendance:
		return applyAs(c, func(a *selection.Attendance) error {
			return tx.applyDecided(c.Kind, c.Key, c, pendingAny,
				func() error { return tx.putAttendance(a) })
		})
	case selection.KindScoreSheet:
		return applyAs(c, func(s *selection.ScoreSheet) error {
			return tx.applyDecided(c.Kind, s.ID, c, pendingAny,
				func() error { return tx.replicaScoreSheet(s) })
		})
	case selection.KindWithdrawal:
		return applyAs(c, func(w *selection.Withdrawal) error {
			return tx.applyDecided(c.Kind, w.ID, c, pendingAny,
				func() error { return tx.replicaWithdrawal(w) })
		})
	}
	return fmt.Errorf("unknown kind %q", c.Kind)
}

// applyAs decodes a change's data as a T and writes it.
func applyAs[T any](c selection.Change, write func(*T) error) error {
	v := new(T)
	if err := json.Unmarshal(c.Data, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return write(v)
}

// applyDecided writes a pulled decided record unless this laptop has
// newer decisions on it: decisions of this laptop that headquarters has
// applied leave the outbox; pending decisions based on another version
// than headquarters' move to the conflicts, and headquarters' version is
// written.
func (tx *Tx) applyDecided(kind selection.SyncKind, key string, c selection.Change,
	pendingAny bool, write func() error) error {
	if pendingAny {
		pend, err := tx.pendingFor(kind, key)
		if err != nil {
			return err
		}
		if len(pend) > 0 {
			i := slices.IndexFunc(pend, func(it outboxItem) bool { return it.version() == c.Version })
			switch {
			case i >= 0: // ours, applied at headquarters
				for _, it := range pend[:i+1] {
					if err := tx.dropOutbox(it.seq); err != nil {
						return err
					}
				}
				if i < len(pend)-1 {
					return nil // newer decisions of ours are still on their way
				}
			case c.Version == pend[0].base:
				return nil // unchanged since we decided: ours will apply on top
			default:
				for k := range pend {
					err := tx.moveToConflicts(&pend[k], selection.DecisionConflict, "", c.Data)
					if err != nil {
						return err
					}
				}
			}
		}
	}
	if err := write(); err != nil {
		return err
	}
	return tx.setHead(kind, key, c.Version)
}
