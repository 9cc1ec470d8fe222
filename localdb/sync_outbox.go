package localdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"intiqa/selection"
)

// decisionActions maps the audit action of each decision write to the
// kind of decision it is. Every write is audited, so the outbox, fed from
// Tx.audit, misses none of them.
var decisionActions = map[string]selection.SyncKind{
	"review.add":      selection.KindReview,
	"session.put":     selection.KindSession,
	"convocation.put": selection.KindConvocation,
	"attendance.put":  selection.KindAttendance,
	"score_sheet.put": selection.KindScoreSheet,
	"run.save":        selection.KindFinalRun,
	"withdrawal.add":  selection.KindWithdrawal,
}

// queueDecision puts a laptop's decision in the outbox, in the
// transaction that writes it. It is called for every audited write and
// ignores those that are not decisions, and every write at headquarters.
func (tx *Tx) queueDecision(action string, after any) error {
	kind, ok := decisionActions[action]
	if !ok || tx.db.scope == NationalScope {
		return nil
	}
	data, err := tx.decisionData(kind, after)
	if data == nil || err != nil {
		return err
	}
	key, err := decisionKey(kind, data)
	if err != nil {
		return err
	}
	body, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s decision: %w", kind, err)
	}
	base, err := tx.headOf(kind, key)
	if err != nil {
		return err
	}
	var seq int64
	err = tx.queryRow(`INSERT INTO sync_outbox (kind, key, base, actor, data,
		created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq`, string(kind), key, base, tx.actor,
		string(body), formatInstant(tx.now)).Scan(&seq)
	if err != nil {
		return fmt.Errorf("queue %s decision: %w", kind, err)
	}
	node, err := tx.node()
	if err != nil {
		return err
	}
	return tx.setHead(kind, key, headVersion(itemID(node, seq), data))
}

// decisionData returns the decision a write records, as it is pushed:
// the written value, or for a final selection run the run with its
// outcomes. A pre-selection run is not a decision: it returns nil.
func (tx *Tx) decisionData(kind selection.SyncKind, after any) (any, error) {
	r, ok := after.(*selection.Run)
	if kind != selection.KindFinalRun || !ok {
		return after, nil
	}
	if r.Kind != selection.RunFinal {
		return nil, nil
	}
	outcomes, err := tx.outcomesOf(r.ID)
	if err != nil {
		return nil, err
	}
	return &selection.FinalRunData{Run: *r, Outcomes: outcomes}, nil
}

// decisionKey names the record a decision is taken on: the unit whose
// versions are compared. For a review it is the document; for a final
// selection run, the province's final selection (see finalKey).
func decisionKey(kind selection.SyncKind, data any) (string, error) {
	switch v := data.(type) {
	case *selection.Review:
		return v.DocumentID, nil
	case *selection.InterviewSession:
		return v.ID, nil
	case *selection.Convocation:
		return v.SessionID + "/" + v.ApplicantID, nil
	case *selection.Attendance:
		return v.SessionID + "/" + v.ApplicantID, nil
	case *selection.ScoreSheet:
		return v.ID, nil
	case *selection.FinalRunData:
		return finalKey(v.Run.Scope), nil
	case *selection.Withdrawal:
		return v.ID, nil
	}
	return "", fmt.Errorf("decision %s: unexpected value %T", kind, data)
}

// itemID names an outbox item: the laptop's node ID and the item's
// sequence number, unique across laptops.
func itemID(node string, seq int64) string {
	return node + "." + strconv.FormatInt(seq, 10)
}

// seqOf returns the sequence number of one of this laptop's item IDs.
func seqOf(node, id string) (int64, bool) {
	rest, ok := strings.CutPrefix(id, node+".")
	if !ok {
		return 0, false
	}
	seq, err := strconv.ParseInt(rest, 10, 64)
	return seq, err == nil
}

// node returns the laptop's node ID, read once per transaction.
func (tx *Tx) node() (string, error) {
	if tx.nodeID != "" {
		return tx.nodeID, nil
	}
	v, err := tx.setting(settingNode)
	if err != nil {
		return "", err
	}
	tx.nodeID = v
	return v, nil
}

// headOf returns the version a side holds of a decided record, "" if
// none.
func (tx *Tx) headOf(kind selection.SyncKind, key string) (string, error) {
	var v string
	err := tx.queryRow(`SELECT version FROM sync_heads WHERE kind = ? AND key = ?`,
		string(kind), key).Scan(&v)
	if err := notFound(err); err != nil && !errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("read version of %s %s: %w", kind, key, err)
	}
	return v, nil
}

// setHead records the version a side now holds of a decided record.
func (tx *Tx) setHead(kind selection.SyncKind, key, version string) error {
	_, err := tx.exec(`INSERT INTO sync_heads (kind, key, version) VALUES (?, ?, ?)
		ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version`, string(kind), key, version)
	if err != nil {
		return fmt.Errorf("write version of %s %s: %w", kind, key, err)
	}
	return nil
}

// outboxItem is one row of the outbox.
type outboxItem struct {
	seq  int64
	key  string
	base string
	selection.Decision
}

// Outbox returns up to limit decisions waiting to be pushed, oldest
// first.
func (db *DB) Outbox(ctx context.Context, limit int) ([]selection.Decision, error) {
	return db.OutboxAfter(ctx, "", limit)
}

// OutboxAfter returns up to limit decisions waiting to be pushed that
// were taken after the decision of ID after ("" for the oldest), oldest
// first: a push reads its next batch while the previous one is still
// being answered.
func (db *DB) OutboxAfter(ctx context.Context, after string, limit int) ([]selection.Decision, error) {
	node, err := db.Setting(ctx, settingNode)
	if err != nil {
		return nil, err
	}
	var from int64
	if after != "" {
		var ok bool
		if from, ok = seqOf(node, after); !ok {
			return nil, fmt.Errorf("outbox after %q: not a decision of this laptop", after)
		}
	}
	var out []selection.Decision
	err = db.each(ctx, `SELECT seq, kind, base, actor, data FROM sync_outbox WHERE seq > ?
		ORDER BY seq LIMIT ?`, []any{from, limit}, func(s scanner) error {
		var seq int64
		var d selection.Decision
		var data string
		if err := s.Scan(&seq, &d.Kind, &d.Base, &d.By, &data); err != nil {
			return err
		}
		d.ID, d.Data = itemID(node, seq), json.RawMessage(data)
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// PendingCount returns how many decisions wait to be pushed.
func (db *DB) PendingCount(ctx context.Context) (int, error) {
	var n int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM sync_outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}

// Acknowledge records headquarters' answers to pushed decisions, in one
// transaction: applied and duplicate decisions leave the outbox,
// conflicting and rejected ones move to the conflicts for a supervisor.
// Answers about decisions no longer in the outbox are ignored, so that an
// answer received twice changes nothing.
func (db *DB) Acknowledge(ctx context.Context, actor string, results []selection.DecisionResult) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		node, err := tx.node()
		if err != nil {
			return err
		}
		var done []any // sequence numbers of the decisions headquarters holds
		for _, r := range results {
			seq, ok := seqOf(node, r.ID)
			switch {
			case !ok:
				return fmt.Errorf("answer about %q: not a decision of this laptop", r.ID)
			case r.Status == selection.DecisionApplied || r.Status == selection.DecisionDuplicate:
				done = append(done, seq)
			default:
				if err := tx.refused(seq, r); err != nil {
					return err
				}
			}
		}
		return tx.dropOutboxes(done)
	})
}

// dropOutboxes takes decisions out of the outbox, by sequence number.
func (tx *Tx) dropOutboxes(seqs []any) error {
	for start := 0; start < len(seqs); start += lookupChunk {
		part := seqs[start:min(start+lookupChunk, len(seqs))]
		_, err := tx.exec(`DELETE FROM sync_outbox WHERE seq IN (`+marks("?", len(part))+`)`,
			part...)
		if err != nil {
			return fmt.Errorf("drop outbox items: %w", err)
		}
	}
	return nil
}

// refused handles the answer about a decision headquarters did not
// apply.
func (tx *Tx) refused(seq int64, r selection.DecisionResult) error {
	item, err := tx.outboxItem(seq)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	switch r.Status {
	case selection.DecisionConflict, selection.DecisionRejected:
		var theirs json.RawMessage
		if r.Current != nil {
			theirs = r.Current.Data
		}
		if err := tx.moveToConflicts(item, r.Status, r.Reason, theirs); err != nil {
			return err
		}
		if item.Kind == selection.KindFinalRun {
			return tx.revertFinal(item, r)
		}
		return nil
	}
	return fmt.Errorf("answer about %s: unknown status %q", r.ID, r.Status)
}

// outboxItem reads one outbox row.
func (tx *Tx) outboxItem(seq int64) (*outboxItem, error) {
	node, err := tx.node()
	if err != nil {
		return nil, err
	}
	it := outboxItem{seq: seq}
	var data string
	err = tx.queryRow(`SELECT kind, key, base, actor, data FROM sync_outbox
		WHERE seq = ?`, seq).Scan(&it.Kind, &it.key, &it.base, &it.By, &data)
	if err != nil {
		return nil, fmt.Errorf("read outbox item %d: %w", seq, notFound(err))
	}
	it.ID, it.Base, it.Data = itemID(node, seq), it.base, json.RawMessage(data)
	return &it, nil
}

// pendingFor returns the outbox items on one record, oldest first.
func (tx *Tx) pendingFor(kind selection.SyncKind, key string) ([]outboxItem, error) {
	node, err := tx.node()
	if err != nil {
		return nil, err
	}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT seq, base, actor, data FROM sync_outbox
		WHERE kind = ? AND key = ? ORDER BY seq`, string(kind), key)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []outboxItem
	for rows.Next() {
		it := outboxItem{key: key}
		var data string
		if err := rows.Scan(&it.seq, &it.base, &it.By, &data); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		it.ID, it.Kind, it.Base, it.Data = itemID(node, it.seq), kind, it.base, json.RawMessage(data)
		out = append(out, it)
	}
	return out, rows.Err()
}

func (tx *Tx) dropOutbox(seq int64) error {
	if _, err := tx.exec(`DELETE FROM sync_outbox WHERE seq = ?`, seq); err != nil {
		return fmt.Errorf("drop outbox item %d: %w", seq, err)
	}
	return nil
}

// moveToConflicts takes a decision out of the outbox and queues it for a
// supervisor, with what headquarters holds instead.
func (tx *Tx) moveToConflicts(it *outboxItem, status selection.DecisionStatus, reason string,
	theirs json.RawMessage) error {
	_, err := tx.exec(`INSERT INTO sync_conflicts (id, kind, key, status, reason, actor, mine,
		theirs, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		it.ID, string(it.Kind), it.key, string(status), reason, it.By, string(it.Data),
		string(theirs), formatInstant(tx.now))
	if err != nil {
		return fmt.Errorf("queue conflict %s: %w", it.ID, err)
	}
	if err := tx.dropOutbox(it.seq); err != nil {
		return err
	}
	return tx.auditAlways("sync.conflict", string(it.Kind), it.key, nil,
		map[string]string{"decision": it.ID, "status": string(status), "reason": reason})
}

// auditAlways appends an audit entry even in a replica transaction.
func (tx *Tx) auditAlways(action, entity, id string, before, after any) error {
	replica := tx.replica
	tx.replica = false
	defer func() { tx.replica = replica }()
	return tx.audit(action, entity, id, before, after)
}
