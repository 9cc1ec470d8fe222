package localdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// ErrBadBackup is returned when a file offered as a backup is not a
// sound Intiqa store: not SQLite, truncated, corrupted, or with a broken
// audit chain.
var ErrBadBackup = errors.New("not a sound Intiqa backup")

// ErrStoreInUse is returned by Restore when another program (or another
// connection of this one) holds the store open.
var ErrStoreInUse = errors.New("store in use")

// BackupInfo describes a backup file, as Backup wrote it or CheckBackup
// found it.
type BackupInfo struct {
	Path         string
	Size         int64
	Scope        string // the store's province, "" for national
	AuditEntries int64  // entries of the audit log, chain verified
	AuditHead    string // hash of the last audit entry
}

// Backup writes a consistent snapshot of the store to dest while the
// store stays open for reads and writes: VACUUM INTO copies one read
// transaction's view, which holds every transaction committed before it
// began and none that commit during it. The copy is written beside dest,
// checked as CheckBackup does, synced, then renamed to dest, so dest is
// either the whole backup or untouched.
func (db *DB) Backup(ctx context.Context, dest string) (BackupInfo, error) {
	part := dest + ".part"
	if err := os.Remove(part); err != nil && !errors.Is(err, os.ErrNotExist) {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(part)

	// The snapshot, then a journal mode that needs no side files.
	if _, err := db.reader.ExecContext(ctx, `VACUUM INTO ?`, part); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: copy store: %w", err)
	}
	if err := setRollbackJournal(ctx, part); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}

	info, err := CheckBackup(ctx, part)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: the copy fails its check: %w", err)
	}
	if err := syncFile(part); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(part, dest); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	info.Path = dest
	return info, syncDir(filepath.Dir(dest))
}

// setRollbackJournal switches a fresh copy to the rollback journal, so
// that the file alone is the whole store.
func setRollbackJournal(ctx context.Context, path string) error {
	pool, err := sql.Open("sqlite", fileDSN(path, "rw"))
	if err != nil {
		return fmt.Errorf("open copy: %w", err)
	}
	defer pool.Close()
	if _, err := pool.ExecContext(ctx, `PRAGMA journal_mode = DELETE`); err != nil {
		return fmt.Errorf("set journal mode of copy: %w", err)
	}
	return pool.Close()
}

// CheckBackup opens the file at path read-only and checks that it is a
// sound Intiqa store: SQLite's integrity check passes, the schema is one
// this program knows, and the audit chain verifies from its first entry
// to its last. Any fault is an ErrBadBackup that says what was found.
func CheckBackup(ctx context.Context, path string) (BackupInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("check backup: %w", err)
	}
	if !st.Mode().IsRegular() {
		return BackupInfo{}, fmt.Errorf("check backup %s: not a regular file: %w", path, ErrBadBackup)
	}
	pool, err := sql.Open("sqlite", fileDSN(path, "ro"))
	if err != nil {
		return BackupInfo{}, fmt.Errorf("check backup: %w", err)
	}
	defer pool.Close()
	pool.SetMaxOpenConns(1)
	bad := func(what string, err error) (BackupInfo, error) {
		if err != nil {
			what += ": " + err.Error()
		}
		return BackupInfo{}, fmt.Errorf("check backup %s: %s: %w", filepath.Base(path), what, ErrBadBackup)
	}

	// SQLite's own check of every page and index.
	if msg, err := integrityCheck(ctx, pool); err != nil {
		return bad("unreadable as SQLite", err)
	} else if msg != "ok" {
		return bad("integrity check failed ("+msg+")", nil)
	}

	// A schema this program knows, and a scope.
	info := BackupInfo{Path: path, Size: st.Size()}
	if err := checkSchemaVersion(ctx, pool); err != nil {
		return bad("schema", err)
	}
	err = pool.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'scope'`).Scan(&info.Scope)
	if err != nil {
		return bad("no scope recorded", err)
	}

	// The audit chain, whole.
	ro := &DB{path: path, reader: pool}
	if info.AuditEntries, err = ro.VerifyAudit(ctx); err != nil {
		return bad("audit log", err)
	}
	err = pool.QueryRowContext(ctx, `SELECT coalesce(max(hash), '') FROM audit_log
		WHERE seq = (SELECT max(seq) FROM audit_log)`).Scan(&info.AuditHead)
	if err != nil {
		return bad("audit log", err)
	}
	return info, nil
}

// integrityCheck runs PRAGMA integrity_check and returns its first line:
// "ok" for a sound file.
func integrityCheck(ctx context.Context, pool *sql.DB) (string, error) {
	rows, err := pool.QueryContext(ctx, `PRAGMA integrity_check(20)`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
		lines = append(lines, s)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(lines) == 0 {
		return "", errors.New("no answer")
	}
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " "), nil
}

// checkSchemaVersion refuses a store migrated past the migrations this
// program embeds, or one with none.
func checkSchemaVersion(ctx context.Context, pool *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	var v sql.NullInt64
	if err := pool.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return err
	}
	switch latest := ms[len(ms)-1].version; {
	case !v.Valid:
		return errors.New("no migration recorded")
	case int(v.Int64) > latest:
		return fmt.Errorf("version %d, newer than this program's %d: use a newer Intiqa", v.Int64, latest)
	}
	return nil
}

// Restore replaces the store at path with the backup at from. The backup
// is checked first (CheckBackup); the store must be closed everywhere
// (ErrStoreInUse otherwise). The replaced store is kept, with its side
// files, under the name Restore returns, so nothing is lost; on any
// error before the swap the store at path is left as it was.
func Restore(ctx context.Context, path, from string) (kept string, err error) {
	if _, err := CheckBackup(ctx, from); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if err := checkNotInUse(ctx, path); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}

	// The backup's copy beside the store, its outbox moved on, synced,
	// before anything moves.
	part := path + ".restoring"
	if err := copyFile(from, part); err != nil {
		os.Remove(part)
		return "", fmt.Errorf("restore: %w", err)
	}
	if err := skipOutboxAhead(ctx, part); err != nil {
		os.Remove(part)
		return "", fmt.Errorf("restore: %w", err)
	}

	// The current store and its side files aside, then the copy in place.
	kept = fmt.Sprintf("%s.before-restore-%s", path, time.Now().UTC().Format("20060102T150405Z"))
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Rename(path+suffix, kept+suffix)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(part)
			return "", fmt.Errorf("restore: move the current store aside: %w", err)
		}
	}
	if err := os.Rename(part, path); err != nil {
		return kept, fmt.Errorf("restore: the current store is in %s: %w", kept, err)
	}
	return kept, syncDir(filepath.Dir(path))
}

// skipOutboxAhead moves the numbering of a restored store's outbox far
// ahead. A decision's ID is the laptop's node ID and its number in the
// outbox. The store the backup was taken from may have numbered, and
// pushed, more decisions after it; the restored store, counting on from
// the backup, would give its next decisions those numbers again, and
// headquarters would answer them as duplicates of the others: lost
// without a word. Past the jump, a random number between 2^40 and 2^41,
// neither the original nor another restore of the same backup meets
// them. The decisions the backup holds keep their numbers: pushed
// already, they are duplicates indeed.
func skipOutboxAhead(ctx context.Context, path string) error {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Errorf("outbox numbering: %w", err)
	}
	jump := int64(1)<<40 + int64(binary.BigEndian.Uint64(b[:])>>24)
	pool, err := sql.Open("sqlite", fileDSN(path, "rw"))
	if err != nil {
		return fmt.Errorf("open restored copy: %w", err)
	}
	defer pool.Close()
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("outbox numbering: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq)
		SELECT 'sync_outbox', 0 WHERE NOT EXISTS
			(SELECT 1 FROM sqlite_sequence WHERE name = 'sync_outbox')`)
	if err == nil {
		_, err = tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = seq + ?
			WHERE name = 'sync_outbox'`, jump)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("outbox numbering: %w", err)
	}
	return pool.Close()
}

// checkNotInUse takes, and lets go of, an exclusive lock on the store at
// path; it fails when any other connection holds the store open. A
// missing store is not in use.
func checkNotInUse(ctx context.Context, path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(0)")
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	pool, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer pool.Close()
	pool.SetMaxOpenConns(1)
	if _, err := pool.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		return fmt.Errorf("%s is open in another program (stop the server or close the app): %w",
			filepath.Base(path), ErrStoreInUse)
	}
	_, err = pool.ExecContext(ctx, `ROLLBACK`)
	return err
}

// fileDSN is the data source name of a file opened in mode "ro" or "rw".
func fileDSN(path, mode string) string {
	q := url.Values{}
	q.Add("mode", mode)
	q.Add("_pragma", "busy_timeout(5000)")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// copyFile copies src to dst and syncs dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := out.ReadFrom(in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// syncFile flushes a file's content to disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a directory's entries, so that a rename survives a
// crash. Systems that cannot sync a directory are let be.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be opened for syncing there
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
