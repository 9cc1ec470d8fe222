package localdb

import (
	"context"
	"database/sql"
	"fmt"

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
