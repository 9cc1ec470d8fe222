package localdb

import (
	"context"
	"fmt"
	"time"

	"intiqa/selection"
)

// DocumentFiles returns every document's metadata, by ID: a laptop
// downloads the files it lacks.
func (db *DB) DocumentFiles(ctx context.Context) ([]selection.Document, error) {
	var out []selection.Document
	err := db.each(ctx, `SELECT `+documentColumns+` FROM documents ORDER BY id`, nil,
		func(s scanner) error {
			d, err := scanDocument(s)
			if err == nil {
				out = append(out, *d)
			}
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read documents: %w", err)
	}
	return out, nil
}

// DocumentBySHA256 returns a document of province whose file has the
// given SHA-256; ErrNotFound when the province has none.
func (db *DB) DocumentBySHA256(ctx context.Context, province, sum string) (*selection.Document, error) {
	d, err := scanDocument(db.reader.QueryRowContext(ctx, `SELECT d.id, d.applicant_id, d.kind,
		d.sha256, d.media_type, d.size, d.uploaded_at FROM documents d
		JOIN applicants a ON a.id = d.applicant_id
		WHERE d.sha256 = ? AND a.province_code = ? LIMIT 1`, sum, province))
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", sum, err)
	}
	return d, nil
}

// SyncStatus is what a laptop keeps of its last synchronisations.
type SyncStatus struct {
	LastSuccess time.Time
	LastAttempt time.Time
	LastError   string
}

// The settings of the sync status.
const (
	settingLastSuccess = "last_success"
	settingLastAttempt = "last_attempt"
	settingLastError   = "last_error"
)

// RecordSync records the outcome of a synchronisation attempt: errText
// is "" when it succeeded. It is not audited: it changes no data.
func (db *DB) RecordSync(ctx context.Context, at time.Time, errText string) error {
	_, err := db.writer.ExecContext(ctx, `INSERT INTO sync_settings (key, value) VALUES
		(?, ?), (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		settingLastAttempt, formatInstant(at), settingLastError, errText)
	if err == nil && errText == "" {
		_, err = db.writer.ExecContext(ctx, `INSERT INTO sync_settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			settingLastSuccess, formatInstant(at))
	}
	if err != nil {
		return fmt.Errorf("record sync: %w", err)
	}
	return nil
}

// SyncStatus returns the outcome of the last synchronisations.
func (db *DB) SyncStatus(ctx context.Context) (SyncStatus, error) {
	var s SyncStatus
	var err error
	for key, dst := range map[string]*time.Time{
		settingLastSuccess: &s.LastSuccess, settingLastAttempt: &s.LastAttempt,
	} {
		v, rerr := db.Setting(ctx, key)
		if rerr != nil {
			return s, rerr
		}
		if *dst, err = parseInstant(v); err != nil {
			return s, fmt.Errorf("read %s: %w", key, err)
		}
	}
	s.LastError, err = db.Setting(ctx, settingLastError)
	return s, err
}

// ConflictCount returns how many conflicts wait for a supervisor.
func (db *DB) ConflictCount(ctx context.Context) (int, error) {
	var n int
	err := db.reader.QueryRowContext(ctx,
		`SELECT count(*) FROM sync_conflicts WHERE resolved_at = ''`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count conflicts: %w", err)
	}
	return n, nil
}

// PutDocuments records many documents' metadata in one transaction, all
// or nothing, each audited as PutDocument does.
func (db *DB) PutDocuments(ctx context.Context, actor string, docs []selection.Document) error {
	for i := range docs {
		d := &docs[i]
		if d.ID == "" || d.ApplicantID == "" || len(d.SHA256) != 64 {
			return fmt.Errorf("document %q: ID, applicant and SHA-256 are required", d.ID)
		}
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		for i := range docs {
			if err := tx.putDocument(&docs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
