package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"intiqa/selection"
)

// MaxPageSize is the most changes one page of a pull holds.
const MaxPageSize = 10_000

// changeEntry is one row of the change log.
type changeEntry struct {
	seq  int64
	kind selection.SyncKind
	key  string
}

// Changes returns the changes a laptop of province has not seen yet:
// those after cursor, oldest first, at most limit, with the records'
// current state. The page is read from one snapshot of the store, so a
// decided record's version matches its state. An applicant who moved to
// another province is a removal for the old one (see sync_moves.go). Only headquarters keeps a
// change log.
func (db *DB) Changes(ctx context.Context, province string, cursor int64,
	limit int) (*selection.ChangePage, error) {
	if db.scope != NationalScope {
		return nil, fmt.Errorf("changes: a laptop store keeps no change log: %w", ErrScope)
	}
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	conn, err := db.reader.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("read changes: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return nil, fmt.Errorf("read changes: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	q := &preparedConn{conn: conn, stmts: map[string]*sql.Stmt{}}
	defer q.close()
	// Queries run under a context that cannot be cancelled, so that
	// database/sql starts no goroutine per query; ctx is checked per
	// record.
	qctx := context.WithoutCancel(ctx)

	// List the province's changes and the national ones, merged by seq.
	entries, more, err := changeLog(qctx, q, province, cursor, limit)
	if err != nil {
		return nil, err
	}
	page := &selection.ChangePage{Province: province, Cursor: cursor, More: more,
		Changes: make([]selection.Change, 0, len(entries))}

	// Read each record's current state, once per page.
	seen := make(map[changeEntry]bool, len(entries))
	for _, e := range entries {
		page.Cursor = e.seq
		k := changeEntry{kind: e.kind, key: e.key}
		if seen[k] {
			continue
		}
		seen[k] = true
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := readChange(qctx, q, e)
		if errors.Is(err, ErrNotFound) {
			continue // deleted since: nothing to send
		}
		if err != nil {
			return nil, err
		}
		page.Changes = append(page.Changes, *c)
	}
	return page, nil
}

// changeLog lists up to limit entries of the change log after cursor,
// for province and for every province, in seq order, and tells whether
// more remain.
func changeLog(ctx context.Context, q querier, province string, cursor int64,
	limit int) ([]changeEntry, bool, error) {
	var lists [2][]changeEntry
	for i, p := range []string{NationalScope, province} {
		rows, err := q.QueryContext(ctx, `SELECT seq, kind, key FROM sync_changes
			WHERE province = ? AND seq > ? ORDER BY seq LIMIT ?`, p, cursor, limit+1)
		if err != nil {
			return nil, false, fmt.Errorf("read change log: %w", err)
		}
		for rows.Next() {
			var e changeEntry
			if err := rows.Scan(&e.seq, &e.kind, &e.key); err != nil {
				rows.Close()
				return nil, false, fmt.Errorf("read change log: %w", err)
			}
			lists[i] = append(lists[i], e)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, false, fmt.Errorf("read change log: %w", err)
		}
	}
	merged := make([]changeEntry, 0, len(lists[0])+len(lists[1]))
	a, b := lists[0], lists[1]
	for len(a) > 0 || len(b) > 0 {
		if len(b) == 0 || (len(a) > 0 && a[0].seq < b[0].seq) {
			merged, a = append(merged, a[0]), a[1:]
		} else {
			merged, b = append(merged, b[0]), b[1:]
		}
	}
	if len(merged) > limit {
		return merged[:limit], true, nil
	}
	return merged, false, nil
}

// readChange reads one changed record and, for a decided record, its
// version.
func readChange(ctx context.Context, q querier, e changeEntry) (*selection.Change, error) {
	read, ok := recordReaders[e.kind]
	if !ok {
		return nil, fmt.Errorf("change %d: unknown kind %q", e.seq, e.kind)
	}
	rec, err := read(ctx, q, e.key)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("read %s %s: %w", e.kind, e.key, err)
	}
	c := &selection.Change{Seq: e.seq, Kind: e.kind, Key: e.key}
	if rec.headKind != "" {
		err := q.QueryRowContext(ctx, `SELECT version FROM sync_heads WHERE kind = ? AND key = ?`,
			string(rec.headKind), rec.headKey).Scan(&c.Version)
		if err := notFound(err); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("read version of %s %s: %w", e.kind, e.key, err)
		}
	}
	if c.Data, err = json.Marshal(rec.data); err != nil {
		return nil, fmt.Errorf("encode %s %s: %w", e.kind, e.key, err)
	}
	return c, nil
}

// currentChange reads what headquarters holds of a decided record, to
// answer a conflicting decision: for a review, the document's latest
// review.
func (tx *Tx) currentChange(kind selection.SyncKind, key string) (*selection.Change, error) {
	e := changeEntry{kind: kind, key: key}
	switch kind {
	case selection.KindReview:
		err := tx.queryRow(`SELECT id FROM reviews WHERE document_id = ?
			ORDER BY version DESC LIMIT 1`, key).Scan(&e.key)
		if err != nil {
			return nil, notFound(err)
		}
	case selection.KindFinalRun:
		// The province's final selection: the run in force.
		e.kind = selection.KindRun
		err := tx.queryRow(`SELECT version FROM sync_heads WHERE kind = ? AND key = ?`,
			string(kind), key).Scan(&e.key)
		if err != nil {
			return nil, notFound(err)
		}
	}
	return readChange(tx.ctx, tx.tx, e)
}

// suspendChangeLog stops logging applicants one by one for the rest of
// a bulk import into an empty table, which then calls logAllApplicants.
func (tx *Tx) suspendChangeLog() error {
	return tx.putSetting(settingBulkApplicants, "1")
}

// logAllApplicants logs every applicant at once, at the end of a bulk
// import, and logs applicants one by one again.
func (tx *Tx) logAllApplicants() error {
	if _, err := tx.exec(`DELETE FROM sync_settings WHERE key = ?`, settingBulkApplicants); err != nil {
		return fmt.Errorf("resume change log: %w", err)
	}
	if tx.db.scope != NationalScope {
		return nil
	}
	_, err := tx.exec(`INSERT INTO sync_changes (kind, key, province)
		SELECT 'applicant', id, province_code FROM applicants ORDER BY id`)
	if err != nil {
		return fmt.Errorf("log applicants: %w", err)
	}
	return nil
}
