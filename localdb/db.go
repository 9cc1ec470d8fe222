// Package localdb is Intiqa's store on SQLite (modernc.org/sqlite, no
// cgo). One schema serves both a province laptop, scoped to one province,
// and headquarters, with national scope.
//
// Every write runs in a transaction that appends a hash-chained entry to
// the audit log; VerifyAudit checks the chain.
package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"intiqa/selection"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Errors the store returns: the domain's, so that callers holding a
// selection.Store can test for them.
var (
	// ErrNotFound is returned when no row has the requested key.
	ErrNotFound = selection.ErrNotFound
	// ErrScope is returned when a store is opened with another scope than
	// the one it was created with, or given a row outside its province.
	ErrScope = selection.ErrScope
	// ErrStaleVersion is returned when a decision was taken on a version
	// that is no longer the latest.
	ErrStaleVersion = selection.ErrStaleVersion
	// ErrLocked is returned when a submitted score sheet is changed.
	ErrLocked = selection.ErrLocked
)

// DB implements the domain's store.
var _ selection.Store = (*DB)(nil)

// NationalScope is the scope of a headquarters store.
const NationalScope = ""

// Options tune Open.
type Options struct {
	// Scope is the province code a laptop store holds, or NationalScope.
	// When the store already exists its scope is kept, and a non-empty
	// Scope that differs is refused.
	Scope string
	// Now tells the time of writes and audit entries; nil means time.Now.
	Now func() time.Time
}

// DB is an open store. Writes go through one connection, so that the
// audit chain grows in order; reads use a pool of their own.
type DB struct {
	path   string
	scope  string
	now    func() time.Time
	writer *sql.DB
	reader *sql.DB
	ckpt   *checkpointer
	pushes pushQueue // headquarters: pushed batches waiting to apply
}

// Open opens the store at path, creating it if needed: the schema is
// migrated and, on creation, the reference territory is loaded.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	db := &DB{path: path, now: opts.Now}
	if db.now == nil {
		db.now = time.Now
	}
	var err error
	if db.writer, err = openPool(path, 1, writerPragmas...); err != nil {
		return nil, err
	}
	if err := db.setUp(ctx, opts.Scope); err != nil {
		db.writer.Close()
		return nil, err
	}
	if db.reader, err = openPool(path, 4); err != nil {
		db.writer.Close()
		return nil, err
	}
	if db.ckpt, err = startCheckpointer(path); err != nil {
		db.reader.Close()
		db.writer.Close()
		return nil, err
	}
	return db, nil
}

// writerPragmas are set on the writer's connection only. A statement
// that fires a trigger (every write the change log follows) keeps, while
// it runs, a copy of the pages it changes that the transaction had
// changed before; a push of thousands of decisions makes that copy for
// most of them, and in a temporary file it costs a system call each. In
// memory, it costs what sorting an index of a national import costs the
// writer's memory too: about 40 MB at the peak.
var writerPragmas = []string{"temp_store(MEMORY)"}

// openPool opens a connection pool on path with WAL, foreign keys and a
// busy timeout set on every connection, and the extra pragmas given.
func openPool(path string, conns int, pragmas ...string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// 16 MiB of page cache per connection. SQLite allocates it outside
	// the Go heap; a national import, whose transaction spills to the WAL
	// anyway, runs as fast with it as with four times more. Sorts that
	// outgrow it (building an index) spill to temporary files, kept in
	// memory by the writer (see writerPragmas).
	q.Add("_pragma", "cache_size(-16384)")
	// Commits never copy the log into the database file themselves: the
	// store's checkpointer does, in the background (see checkpointer).
	// Closing the last connection still copies what is left.
	q.Add("_pragma", "wal_autocheckpoint(0)")
	q.Add("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	pool, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	pool.SetConnMaxIdleTime(0)
	return pool, nil
}

// setUp migrates the schema, then settles the scope: a new store takes
// the scope asked for and loads the territory.
func (db *DB) setUp(ctx context.Context, scope string) error {
	if err := migrate(ctx, db.writer); err != nil {
		return err
	}
	stored, err := db.meta(ctx, "scope")
	switch {
	case errors.Is(err, ErrNotFound):
		return db.create(ctx, scope)
	case err != nil:
		return err
	case scope != NationalScope && scope != stored:
		return fmt.Errorf("open store %s (scope %q, asked %q): %w", db.path, stored, scope, ErrScope)
	}
	db.scope = stored
	return nil
}

// create records the scope and loads the reference territory, in one
// audited transaction.
func (db *DB) create(ctx context.Context, scope string) error {
	terr, err := referenceTerritory()
	if err != nil {
		return err
	}
	if scope != NationalScope {
		if p, ok := terr.Province(scope); !ok || p.Type == selection.ProvinceTypeArrondissements {
			return fmt.Errorf("create store: %q is not a province with communes: %w", scope, ErrScope)
		}
	}
	db.scope = scope
	return db.update(ctx, "system", func(tx *Tx) error {
		if err := tx.setMeta("scope", scope); err != nil {
			return err
		}
		return tx.loadTerritory(terr)
	})
}

// Close closes the store.
func (db *DB) Close() error {
	return errors.Join(db.ckpt.close(), db.reader.Close(), db.writer.Close())
}

// Path returns the file the store lives in.
func (db *DB) Path() string { return db.path }

// Scope returns the province code the store holds, or NationalScope.
func (db *DB) Scope() string { return db.scope }

// inScope reports whether a row of the given province belongs here.
func (db *DB) inScope(provinceCode string) bool {
	return db.scope == NationalScope || db.scope == provinceCode
}

// meta reads one value of the meta table.
func (db *DB) meta(ctx context.Context, key string) (string, error) {
	var v string
	err := db.writer.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("read meta %s: %w", key, err)
	}
	return v, nil
}
