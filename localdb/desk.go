package localdb

import (
	"context"
	"database/sql"
	"fmt"

	"intiqa/selection"
	"intiqa/selection/office"
)

// DB is the store of the laptop's service layer.
var _ office.Store = (*DB)(nil)

// Users lists the local accounts, by name.
func (db *DB) Users(ctx context.Context) ([]selection.User, error) {
	var out []selection.User
	err := db.each(ctx, `SELECT name, display_name, role, password_hash, created_at, disabled
		FROM users ORDER BY name`, nil, func(s scanner) error {
		var u selection.User
		var at string
		err := s.Scan(&u.Name, &u.DisplayName, &u.Role, &u.PasswordHash, &at, &u.Disabled)
		if err != nil {
			return err
		}
		u.CreatedAt, err = parseInstant(at)
		out = append(out, u)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	return out, nil
}

// RecordSignIn appends a user's sign-in to the audit log.
func (db *DB) RecordSignIn(ctx context.Context, user string) error {
	return db.update(ctx, user, func(tx *Tx) error {
		return tx.audit("user.sign_in", "user", user, nil, nil)
	})
}

// DocumentStates lists every document of the store with its latest
// review, by applicant then document ID.
func (db *DB) DocumentStates(ctx context.Context) ([]office.DocState, error) {
	var out []office.DocState
	err := db.each(ctx, `SELECT d.id, d.applicant_id, d.kind, d.sha256, d.media_type, d.size,
		d.uploaded_at, r.verdict, r.reason, r.version, r.reviewer
		FROM documents d LEFT JOIN reviews r ON r.document_id = d.id
			AND r.version = (SELECT max(version) FROM reviews WHERE document_id = d.id)
		ORDER BY d.applicant_id, d.id`, nil, func(s scanner) error {
		var st office.DocState
		d := &st.Document
		var at string
		var verdict, reason, reviewer sql.NullString
		var version sql.NullInt64
		err := s.Scan(&d.ID, &d.ApplicantID, &d.Kind, &d.SHA256, &d.MediaType, &d.Size, &at,
			&verdict, &reason, &version, &reviewer)
		if err != nil {
			return err
		}
		if d.UploadedAt, err = parseInstant(at); err != nil {
			return err
		}
		st.Verdict = selection.VerdictPending
		if verdict.Valid {
			st.Verdict = selection.Verdict(verdict.String)
			st.Reason = selection.RejectReason(reason.String)
			st.Version, st.Reviewer = int(version.Int64), reviewer.String
		}
		out = append(out, st)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read document states: %w", err)
	}
	return out, nil
}

// SessionSheets lists the score sheets of a session, by applicant and
// member.
func (db *DB) SessionSheets(ctx context.Context, sessionID string) ([]selection.ScoreSheet, error) {
	return db.sheets(ctx, ` WHERE session_id = ?`, sessionID)
}

// AllSheets lists every score sheet.
func (db *DB) AllSheets(ctx context.Context) ([]selection.ScoreSheet, error) {
	return db.sheets(ctx, ``)
}

// AllConvocations lists every convocation, by session and slot.
func (db *DB) AllConvocations(ctx context.Context) ([]selection.Convocation, error) {
	return db.convocations(ctx, ``)
}

// AllAttendance lists every attendance record.
func (db *DB) AllAttendance(ctx context.Context) ([]selection.Attendance, error) {
	return db.attendance(ctx, ``)
}

// LatestRun returns the latest run of a kind recorded in the store, by
// commit time (start time for a run recorded uncommitted, as
// headquarters records its pre-selections), or ErrNotFound. A final
// selection run in force for sync (see finalKey) comes first: a run
// another laptop committed later replaces it only once it lands at
// headquarters.
func (db *DB) LatestRun(ctx context.Context, kind selection.RunKind) (*selection.Run, error) {
	var id string
	err := db.reader.QueryRowContext(ctx, `SELECT id FROM runs WHERE kind = ?
		ORDER BY id IN (SELECT version FROM sync_heads WHERE kind = 'final_run') DESC,
		coalesce(nullif(committed_at, ''), started_at) DESC, id DESC LIMIT 1`,
		string(kind)).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("latest %s run: %w", kind, notFound(err))
	}
	return db.Run(ctx, id)
}

// ApplyWithdrawal records a withdrawal and the outcomes of its run that
// it changed (the withdrawn, the promoted, the waiting list's new
// ranks), all in one transaction, as one decision that syncs with them.
func (db *DB) ApplyWithdrawal(ctx context.Context, actor string, w *selection.Withdrawal,
	changed []selection.Outcome) error {
	w.Changed = changed
	return db.update(ctx, actor, func(tx *Tx) error { return tx.addWithdrawal(w) })
}

// AddReviews records many verdicts in one transaction, each checked as
// AddReview checks it and audited on its own.
func (db *DB) AddReviews(ctx context.Context, actor string, reviews []selection.Review) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		for i := range reviews {
			r := &reviews[i]
			if r.Verdict == selection.VerdictRejected && r.Reason == "" {
				return fmt.Errorf("review %s: a rejection needs a reason", r.ID)
			}
			var latest int
			err := tx.tx.QueryRowContext(tx.ctx, `SELECT coalesce(max(version), 0) FROM reviews
				WHERE document_id = ?`, r.DocumentID).Scan(&latest)
			if err != nil {
				return fmt.Errorf("read reviews: %w", err)
			}
			if r.Version != latest+1 {
				return fmt.Errorf("review of document %s at version %d, latest %d: %w",
					r.DocumentID, r.Version, latest, ErrStaleVersion)
			}
			_, err = tx.exec(`INSERT INTO reviews (id, document_id, verdict, reason, comment,
				reviewer, reviewed_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ID,
				r.DocumentID, string(r.Verdict), string(r.Reason), r.Comment, r.Reviewer,
				formatInstant(r.ReviewedAt), r.Version)
			if err != nil {
				return fmt.Errorf("write review %s: %w", r.ID, err)
			}
			if err := tx.audit("review.add", "review", r.ID, nil, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// CurrentRules returns the rules in force: the latest that headquarters
// published (by publication, then version), else the shipped defaults.
func (db *DB) CurrentRules(ctx context.Context) (*selection.Rules, error) {
	list, err := db.PublishedRulesList(ctx)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return selection.DefaultRules(), nil
	}
	latest := list[0]
	for _, r := range list[1:] {
		if !r.PublishedAt.Before(latest.PublishedAt) {
			latest = r
		}
	}
	rules, err := selection.ParseRules(latest.Body)
	if err != nil {
		return nil, fmt.Errorf("published rules %s: %w", latest.Version, err)
	}
	return rules, nil
}
