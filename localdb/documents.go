package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"intiqa/selection"
)

// PutDocument records a document's metadata (its file is stored apart,
// addressed by SHA-256). The applicant must be stored.
func (db *DB) PutDocument(ctx context.Context, actor string, d *selection.Document) error {
	if d.ID == "" || d.ApplicantID == "" || len(d.SHA256) != 64 {
		return fmt.Errorf("document %q: ID, applicant and SHA-256 are required", d.ID)
	}
	return db.update(ctx, actor, func(tx *Tx) error { return tx.putDocument(d) })
}

// putDocument writes a document's metadata, unless unchanged.
func (tx *Tx) putDocument(d *selection.Document) error {
	before, err := tx.document(d.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if before != nil && *before == *d {
		return nil
	}
	if before != nil && before.ApplicantID != d.ApplicantID {
		// Its province would change without its applicant's: it moves
		// only with them (see sync_moves.go).
		return fmt.Errorf("document %s of applicant %s: a document never changes applicant",
			d.ID, before.ApplicantID)
	}
	_, err = tx.exec(`INSERT INTO documents (id, applicant_id, kind, sha256, media_type, size,
		uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET
		applicant_id = excluded.applicant_id, kind = excluded.kind, sha256 = excluded.sha256,
		media_type = excluded.media_type, size = excluded.size,
		uploaded_at = excluded.uploaded_at`, d.ID, d.ApplicantID, string(d.Kind), d.SHA256,
		d.MediaType, d.Size, formatInstant(d.UploadedAt))
	if err != nil {
		return fmt.Errorf("write document %s: %w", d.ID, err)
	}
	return tx.audit("document.put", "document", d.ID, nilIfNone(before), d)
}

// nilIfNone turns a missing previous state into the audit log's nil.
func nilIfNone[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

const documentColumns = `id, applicant_id, kind, sha256, media_type, size, uploaded_at`

func scanDocument(s scanner) (*selection.Document, error) {
	var d selection.Document
	var at string
	err := s.Scan(&d.ID, &d.ApplicantID, &d.Kind, &d.SHA256, &d.MediaType, &d.Size, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	d.UploadedAt, err = parseInstant(at)
	return &d, err
}

func (tx *Tx) document(id string) (*selection.Document, error) {
	return scanDocument(tx.queryRow(
		`SELECT `+documentColumns+` FROM documents WHERE id = ?`, id))
}

// Document returns one document's metadata.
func (db *DB) Document(ctx context.Context, id string) (*selection.Document, error) {
	d, err := scanDocument(db.reader.QueryRowContext(ctx,
		`SELECT `+documentColumns+` FROM documents WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	return d, nil
}

// DocumentsOf returns an applicant's documents, by ID.
func (db *DB) DocumentsOf(ctx context.Context, applicantID string) ([]selection.Document, error) {
	var out []selection.Document
	err := db.each(ctx, `SELECT `+documentColumns+` FROM documents WHERE applicant_id = ?
		ORDER BY id`, []any{applicantID}, func(s scanner) error {
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

// AddReview records a verdict on a document. r.Version must be one more
// than the document's latest review (1 for the first), so that two
// laptops deciding the same document are caught rather than overwritten.
func (db *DB) AddReview(ctx context.Context, actor string, r *selection.Review) error {
	return db.update(ctx, actor, func(tx *Tx) error { return tx.addReview(r) })
}

// addReview writes a review after checking it and its version.
func (tx *Tx) addReview(r *selection.Review) error {
	if r.Verdict == selection.VerdictRejected && r.Reason == "" {
		return fmt.Errorf("review %s: a rejection needs a reason", r.ID)
	}
	var latest int
	err := tx.queryRow(`SELECT coalesce(max(version), 0) FROM reviews
		WHERE document_id = ?`, r.DocumentID).Scan(&latest)
	if err != nil {
		return fmt.Errorf("read reviews: %w", err)
	}
	if r.Version != latest+1 {
		return fmt.Errorf("review of document %s at version %d, latest %d: %w",
			r.DocumentID, r.Version, latest, ErrStaleVersion)
	}
	_, err = tx.exec(`INSERT INTO reviews (id, document_id, verdict, reason, comment,
		reviewer, reviewed_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.DocumentID,
		string(r.Verdict), string(r.Reason), r.Comment, r.Reviewer,
		formatInstant(r.ReviewedAt), r.Version)
	if err != nil {
		return fmt.Errorf("write review %s: %w", r.ID, err)
	}
	return tx.audit("review.add", "review", r.ID, nil, r)
}

// Reviews returns a document's reviews, oldest first.
func (db *DB) Reviews(ctx context.Context, documentID string) ([]selection.Review, error) {
	var out []selection.Review
	err := db.each(ctx, `SELECT id, document_id, verdict, reason, comment, reviewer, reviewed_at,
		version FROM reviews WHERE document_id = ? ORDER BY version`, []any{documentID},
		func(s scanner) error {
			var r selection.Review
			var at string
			err := s.Scan(&r.ID, &r.DocumentID, &r.Verdict, &r.Reason, &r.Comment, &r.Reviewer,
				&at, &r.Version)
			if err != nil {
				return err
			}
			r.ReviewedAt, err = parseInstant(at)
			out = append(out, r)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read reviews: %w", err)
	}
	return out, nil
}
