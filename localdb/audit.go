package localdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"intiqa/selection"
)

// genesisHash is the PrevHash of the first audit entry.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Tx is a write transaction. Every change made through it is recorded in
// the audit log by the same transaction, under one actor and one time.
type Tx struct {
	tx    *sql.Tx
	ctx   context.Context
	db    *DB
	actor string
	now   time.Time

	head    string // hash of the last audit entry; "" until read
	headSeq int64

	// replica marks a transaction that copies records decided elsewhere
	// (a pull, or decisions pushed to headquarters): its writes are
	// recorded by one audit entry for the whole batch, and none of them
	// goes to the outbox.
	replica bool
	nodeID  string               // the laptop's node ID, once read (see Tx.node)
	stmts   map[string]*sql.Stmt // prepared statements, by query (see Tx.stmt)
}

// update runs fn in a write transaction (BEGIN IMMEDIATE) and commits it
// when fn returns nil; any error rolls everything back, audit entries
// included.
func (db *DB) update(ctx context.Context, actor string, fn func(*Tx) error) error {
	if actor == "" {
		return errors.New("write: no actor given")
	}
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	defer sqlTx.Rollback()
	// Statements run under a context that cannot be cancelled: the
	// transaction itself watches ctx and rolls back when it is done, and
	// database/sql would otherwise start a goroutine per query to watch
	// it, which a push of thousands of decisions pays for dearly.
	tx := &Tx{tx: sqlTx, ctx: context.WithoutCancel(ctx), db: db, actor: actor,
		now: db.now().UTC()}
	defer tx.closeStmts()
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit write: %w", err)
	}
	if db.ckpt != nil { // nil while Open sets the store up
		db.ckpt.committed()
	}
	return nil
}

// exec runs a statement inside the transaction.
func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	st, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(tx.ctx, args...)
}

// audit appends one entry to the chain. before and after are the entity's
// states, marshalled to JSON; nil stands for "did not exist".
func (tx *Tx) audit(action, entity, id string, before, after any) error {
	if tx.replica {
		return nil
	}
	if tx.head == "" {
		if err := tx.readHead(); err != nil {
			return err
		}
	}
	e := selection.AuditEntry{
		Seq: tx.headSeq + 1, At: tx.now, Actor: tx.actor, Action: action,
		Entity: entity, EntityID: id, PrevHash: tx.head,
	}
	var err error
	if e.Before, err = canonicalJSON(before); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	if e.After, err = canonicalJSON(after); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	e.Hash = EntryHash(&e)
	_, err = tx.exec(`INSERT INTO audit_log
		(seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, formatInstant(e.At), e.Actor, e.Action, e.Entity, e.EntityID,
		e.Before, e.After, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	tx.head, tx.headSeq = e.Hash, e.Seq
	return tx.queueDecision(action, after)
}

func (tx *Tx) readHead() error {
	err := tx.queryRow(
		`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&tx.headSeq, &tx.head)
	if errors.Is(err, sql.ErrNoRows) {
		tx.head, tx.headSeq = genesisHash, 0
		return nil
	}
	if err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	return nil
}

// canonicalJSON marshals v; encoding/json writes struct fields in their
// declared order and map keys sorted, so equal values give equal text.
func canonicalJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// EntryHash returns the hex SHA-256 of an entry's canonical form: every
// field but Hash, each prefixed by its length so that no two entries
// share a form.
func EntryHash(e *selection.AuditEntry) string {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	put := func(s string) {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	put(fmt.Sprint(e.Seq))
	put(formatInstant(e.At))
	for _, s := range []string{e.Actor, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.PrevHash} {
		put(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ChainError reports the first audit entry that breaks the chain.
type ChainError struct {
	Seq    int64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", e.Seq, e.Reason)
}

// VerifyAudit walks the whole audit log and checks that each entry's hash
// is that of its content and that it names the previous entry's hash. It
// returns the number of entries checked, or a *ChainError at the first
// break.
func (db *DB) VerifyAudit(ctx context.Context) (int64, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT seq, at, actor, action, entity, entity_id,
		before, after, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	prev, want := genesisHash, int64(1)
	var n int64
	for rows.Next() {
		var e selection.AuditEntry
		var at string
		err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Entity, &e.EntityID,
			&e.Before, &e.After, &e.PrevHash, &e.Hash)
		if err != nil {
			return n, fmt.Errorf("read audit entry: %w", err)
		}
		if e.At, err = parseInstant(at); err != nil {
			return n, &ChainError{Seq: e.Seq, Reason: "unreadable time"}
		}
		switch {
		case e.Seq != want:
			return n, &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("expected entry %d", want)}
		case e.PrevHash != prev:
			return n, &ChainError{Seq: e.Seq, Reason: "previous hash does not match"}
		case EntryHash(&e) != e.Hash:
			return n, &ChainError{Seq: e.Seq, Reason: "content does not match its hash"}
		}
		prev, want, n = e.Hash, want+1, n+1
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read audit log: %w", err)
	}
	return n, nil
}

// AuditLog returns the audit entries from seq on, at most limit of them.
func (db *DB) AuditLog(ctx context.Context, from int64, limit int) ([]selection.AuditEntry, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT seq, at, actor, action, entity, entity_id,
		before, after, prev_hash, hash FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?`,
		from, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []selection.AuditEntry
	for rows.Next() {
		var e selection.AuditEntry
		var at string
		err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Entity, &e.EntityID,
			&e.Before, &e.After, &e.PrevHash, &e.Hash)
		if err != nil {
			return nil, fmt.Errorf("read audit entry: %w", err)
		}
		if e.At, err = parseInstant(at); err != nil {
			return nil, fmt.Errorf("read audit entry %d: %w", e.Seq, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Time formats of the store.
const (
	instantLayout = "2006-01-02T15:04:05.000000000Z"
	dateLayout    = time.DateOnly
)

func formatInstant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(instantLayout)
}

func parseInstant(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(instantLayout, s)
}

func formatDate(t time.Time) string { return t.Format(dateLayout) }

func parseDate(s string) (time.Time, error) { return time.Parse(dateLayout, s) }
