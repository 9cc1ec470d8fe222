package localdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"intiqa/selection"
)

// ErrSyncFirst is returned when a conflict is resolved before the other
// laptop's decision has been pulled.
var ErrSyncFirst = selection.ErrSyncFirst

const conflictColumns = `id, kind, key, status, reason, actor, mine, theirs, detected_at`

func scanConflict(s scanner) (*selection.Conflict, error) {
	var c selection.Conflict
	var mine, theirs, at string
	err := s.Scan(&c.ID, &c.Kind, &c.Key, &c.Status, &c.Reason, &c.By, &mine, &theirs, &at)
	if err != nil {
		return nil, notFound(err)
	}
	c.Mine = json.RawMessage(mine)
	if theirs != "" {
		c.Theirs = json.RawMessage(theirs)
	}
	c.DetectedAt, err = parseInstant(at)
	return &c, err
}

// Conflicts returns the decisions headquarters refused that no
// supervisor has resolved yet, oldest first.
func (db *DB) Conflicts(ctx context.Context) ([]selection.Conflict, error) {
	var out []selection.Conflict
	err := db.each(ctx, `SELECT `+conflictColumns+` FROM sync_conflicts WHERE resolved_at = ''
		ORDER BY detected_at, id`, nil, func(s scanner) error {
		c, err := scanConflict(s)
		if err == nil {
			out = append(out, *c)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read conflicts: %w", err)
	}
	return out, nil
}

// ResolveConflict records a supervisor's choice on a conflict. The
// chosen version is written again as a new decision of this laptop, based
// on headquarters' version, so the resolution syncs like any other
// decision; for the province's final selection, see resolveFinal. A
// decision headquarters rejected or a withdrawal (a record written once)
// can only be given up (KeepTheirs). ErrSyncFirst: headquarters' version
// has not been pulled yet.
func (db *DB) ResolveConflict(ctx context.Context, actor, id string, choice selection.Resolution) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		c, err := scanConflict(tx.queryRow(`SELECT `+conflictColumns+`
			FROM sync_conflicts WHERE id = ? AND resolved_at = ''`, id))
		if err != nil {
			return fmt.Errorf("conflict %s: %w", id, err)
		}
		if err := tx.rewriteChoice(c, choice); err != nil {
			return err
		}
		_, err = tx.exec(`UPDATE sync_conflicts SET resolved_at = ?, resolved_by = ?,
			resolution = ? WHERE id = ?`, formatInstant(tx.now), actor, string(choice), id)
		if err != nil {
			return fmt.Errorf("resolve conflict %s: %w", id, err)
		}
		return tx.audit("sync.resolve", string(c.Kind), c.Key, nil,
			map[string]string{"decision": id, "choice": string(choice)})
	})
}

// rewriteChoice writes the chosen version of a conflicting record as a
// new decision.
func (tx *Tx) rewriteChoice(c *selection.Conflict, choice selection.Resolution) error {
	once := c.Kind == selection.KindFinalRun || c.Kind == selection.KindWithdrawal
	switch {
	case choice != selection.KeepMine && choice != selection.KeepTheirs:
		return fmt.Errorf("conflict %s: unknown choice %q", c.ID, choice)
	case c.Kind == selection.KindFinalRun && c.Status == selection.DecisionConflict:
		return tx.resolveFinal(c, choice)
	case c.Kind == selection.KindFinalRun && choice == selection.KeepTheirs:
		return tx.giveUpRefusedRun(c)
	case choice == selection.KeepTheirs && (once || c.Status == selection.DecisionRejected):
		return nil // giving up this laptop's decision is all there is to do
	case once || c.Status == selection.DecisionRejected:
		return fmt.Errorf("conflict %s: headquarters cannot take this decision (%s): "+
			"only giving it up is possible", c.ID, c.Reason)
	}
	if err := tx.checkTheirsPulled(c); err != nil {
		return err
	}
	data := c.Mine
	if choice == selection.KeepTheirs {
		data = c.Theirs
	}
	d, err := decodeLenient(c.Kind, data)
	if err != nil {
		return fmt.Errorf("conflict %s: %w", c.ID, err)
	}
	switch v := d.(type) {
	case *selection.Review:
		return tx.reReview(c, v)
	case *selection.ScoreSheet:
		if err := tx.replicaScoreSheet(v); err != nil {
			return err
		}
		return tx.audit("score_sheet.put", "score_sheet", v.ID, nil, v)
	}
	return tx.writeDecision(d)
}

// checkTheirsPulled returns ErrSyncFirst while the record's version on
// this laptop is still one of its own refused or pending decisions.
func (tx *Tx) checkTheirsPulled(c *selection.Conflict) error {
	head, err := tx.headOf(c.Kind, c.Key)
	if err != nil {
		return err
	}
	var n int
	err = tx.queryRow(`SELECT count(*) FROM sync_conflicts WHERE kind = ? AND key = ?
		AND (CASE kind WHEN 'final_run' THEN json_extract(mine, '$.Run.ID') ELSE id END) = ?`,
		string(c.Kind), c.Key, head).Scan(&n)
	if err != nil {
		return fmt.Errorf("read conflicts: %w", err)
	}
	pend, err := tx.pendingFor(c.Kind, c.Key)
	if err != nil {
		return err
	}
	if n > 0 || len(pend) > 0 || head == "" {
		return fmt.Errorf("conflict %s: %w", c.ID, ErrSyncFirst)
	}
	return nil
}

// reReview records the chosen verdict as the document's next review.
func (tx *Tx) reReview(c *selection.Conflict, chosen *selection.Review) error {
	var latest int
	err := tx.queryRow(`SELECT coalesce(max(version), 0) FROM reviews
		WHERE document_id = ?`, chosen.DocumentID).Scan(&latest)
	if err != nil {
		return fmt.Errorf("read reviews: %w", err)
	}
	r := *chosen
	r.ID, r.Version, r.Reviewer, r.ReviewedAt = "resolution-"+c.ID, latest+1, tx.actor, tx.now
	return tx.addReview(&r)
}

// decodeLenient decodes a stored decision, whatever fields it has.
func decodeLenient(kind selection.SyncKind, data []byte) (any, error) {
	d, err := DecodeDecision(kind, data)
	if err == nil || errors.Is(err, ErrNotFound) {
		return d, err
	}
	v, derr := DecodeDecision(kind, []byte("{}"))
	if derr != nil {
		return nil, err
	}
	return v, json.Unmarshal(data, v)
}
