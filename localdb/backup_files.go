package localdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"intiqa/selection"
)

// BackupDocuments opens the store file at path read-only, as CheckBackup
// does, and lists its documents by ID: what a backup archive must carry
// the files of.
func BackupDocuments(ctx context.Context, path string) ([]selection.Document, error) {
	pool, err := sql.Open("sqlite", fileDSN(path, "ro"))
	if err != nil {
		return nil, fmt.Errorf("list documents of backup: %w", err)
	}
	defer pool.Close()
	ro := &DB{path: path, reader: pool}
	docs, err := ro.DocumentFiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("list documents of backup: %w", err)
	}
	return docs, nil
}

// CheckClosed fails with ErrStoreInUse when a connection, of this
// program or another, holds the store at path open; a missing store is
// closed. Restore checks it too; a caller that changes other files
// before restoring checks it first.
func CheckClosed(ctx context.Context, path string) error {
	if err := checkNotInUse(ctx, path); err != nil {
		return fmt.Errorf("check store closed: %w", err)
	}
	return nil
}

// RestoreRecord is what the audit log keeps of a restore: which backup
// the store came back from, and where the replaced store was kept.
type RestoreRecord struct {
	ArchiveCreatedAt time.Time `json:"archive_created_at"`
	ArchiveVersion   string    `json:"archive_version"`
	Kept             string    `json:"kept,omitempty"` // file name of the replaced store
}

// RecordRestore appends the restore just made to the restored store's
// audit chain, after the backup's last entry, so that the chain tells
// who brought the store back to which state, and when.
func (db *DB) RecordRestore(ctx context.Context, actor string, r RestoreRecord) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		return tx.audit("store.restore", "store", db.scope, nil, r)
	})
}
