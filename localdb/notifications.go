package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"intiqa/selection"
)

// notificationColumns lists the columns scanNotification reads.
const notificationColumns = `id, applicant_id, kind, event_key, lang, facts, status, attempts,
	next_attempt_at, message_id, last_error, created_at, updated_at`

// scanNotification reads one row of notificationColumns.
func scanNotification(s scanner) (*selection.Notification, error) {
	var n selection.Notification
	var facts, next, created, updated string
	err := s.Scan(&n.ID, &n.ApplicantID, &n.Kind, &n.EventKey, &n.Lang, &facts, &n.Status,
		&n.Attempts, &next, &n.MessageID, &n.LastError, &created, &updated)
	if err != nil {
		return nil, notFound(err)
	}
	if err := json.Unmarshal([]byte(facts), &n.Facts); err != nil {
		return nil, fmt.Errorf("notification %d facts: %w", n.ID, err)
	}
	if n.NextAttemptAt, err = parseInstant(next); err != nil {
		return nil, fmt.Errorf("notification %d: %w", n.ID, err)
	}
	if n.CreatedAt, err = parseInstant(created); err != nil {
		return nil, fmt.Errorf("notification %d: %w", n.ID, err)
	}
	if n.UpdatedAt, err = parseInstant(updated); err != nil {
		return nil, fmt.Errorf("notification %d: %w", n.ID, err)
	}
	return &n, nil
}

// Notification returns one notification.
func (db *DB) Notification(ctx context.Context, id int64) (*selection.Notification, error) {
	n, err := scanNotification(db.reader.QueryRowContext(ctx,
		`SELECT `+notificationColumns+` FROM notifications WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("notification %d: %w", id, err)
	}
	return n, nil
}

// NotificationFilter narrows a listing of notifications; zero fields do
// not filter.
type NotificationFilter struct {
	Status selection.NotificationStatus
	Kind   selection.NotificationKind
	Limit  int // 0 for no limit
}

// Notifications streams the notifications that match f, by ID.
func (db *DB) Notifications(ctx context.Context,
	f NotificationFilter) iter.Seq2[*selection.Notification, error] {
	return func(yield func(*selection.Notification, error) bool) {
		q := `SELECT ` + notificationColumns + ` FROM notifications
			WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR kind = ?2) ORDER BY id`
		if f.Limit > 0 {
			q += fmt.Sprintf(" LIMIT %d", f.Limit)
		}
		rows, err := db.reader.QueryContext(ctx, q, string(f.Status), string(f.Kind))
		if err != nil {
			yield(nil, fmt.Errorf("list notifications: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			n, err := scanNotification(rows)
			if err != nil {
				yield(nil, fmt.Errorf("list notifications: %w", err))
				return
			}
			if !yield(n, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, fmt.Errorf("list notifications: %w", err))
		}
	}
}

// NextNotification returns the oldest pending notification due at now,
// or ErrNotFound. wait is then the time until the next pending one is
// due, or zero when none is pending.
func (db *DB) NextNotification(ctx context.Context, now time.Time) (n *selection.Notification,
	wait time.Duration, err error) {
	at := formatInstant(now)
	n, err = scanNotification(db.reader.QueryRowContext(ctx, `SELECT `+notificationColumns+`
		FROM notifications WHERE status = 'pending' AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT 1`, at))
	if err == nil || !errors.Is(err, ErrNotFound) {
		if err != nil {
			err = fmt.Errorf("next notification: %w", err)
		}
		return n, 0, err
	}
	var next sql.NullString
	err = db.reader.QueryRowContext(ctx, `SELECT min(next_attempt_at) FROM notifications
		WHERE status = 'pending'`).Scan(&next)
	if err != nil {
		return nil, 0, fmt.Errorf("next notification: %w", err)
	}
	if next.Valid {
		t, err := parseInstant(next.String)
		if err != nil {
			return nil, 0, fmt.Errorf("next notification: %w", err)
		}
		wait = max(t.Sub(now), time.Millisecond)
	}
	return nil, wait, ErrNotFound
}

// notificationAudit is what the audit log keeps of a notification's
// change: never a message or a password.
type notificationAudit struct {
	ID            int64
	ApplicantID   string
	Kind          selection.NotificationKind
	EventKey      string
	Status        selection.NotificationStatus
	Attempts      int
	NextAttemptAt string `json:",omitempty"`
	MessageID     string `json:",omitempty"`
	Error         string `json:",omitempty"`
}

func auditOf(n *selection.Notification) notificationAudit {
	return notificationAudit{ID: n.ID, ApplicantID: n.ApplicantID, Kind: n.Kind,
		EventKey: n.EventKey, Status: n.Status, Attempts: n.Attempts,
		NextAttemptAt: formatInstant(n.NextAttemptAt), MessageID: n.MessageID, Error: n.LastError}
}

// ChangeNotification moves one notification to another status, audited,
// if it is still in one of c.From; otherwise nothing changes and the
// error wraps ErrStaleVersion. It returns the notification as changed.
func (db *DB) ChangeNotification(ctx context.Context, actor string,
	c selection.NotificationChange) (*selection.Notification, error) {
	var after *selection.Notification
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := scanNotification(tx.tx.QueryRowContext(tx.ctx,
			`SELECT `+notificationColumns+` FROM notifications WHERE id = ?`, c.ID))
		if err != nil {
			return fmt.Errorf("notification %d: %w", c.ID, err)
		}
		if !slices.Contains(c.From, before.Status) {
			return fmt.Errorf("notification %d is %s, not %v: %w", c.ID, before.Status, c.From,
				ErrStaleVersion)
		}
		after = changed(before, c, tx.now)
		_, err = tx.exec(`UPDATE notifications SET status = ?, attempts = ?, next_attempt_at = ?,
			message_id = ?, last_error = ?, updated_at = ? WHERE id = ?`, string(after.Status),
			after.Attempts, formatInstant(after.NextAttemptAt), after.MessageID, after.LastError,
			formatInstant(after.UpdatedAt), c.ID)
		if err != nil {
			return fmt.Errorf("write notification %d: %w", c.ID, err)
		}
		return tx.audit("notification."+string(c.To), "notification", fmt.Sprint(c.ID),
			auditOf(before), auditOf(after))
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// changed returns n as c changes it at now.
func changed(n *selection.Notification, c selection.NotificationChange,
	now time.Time) *selection.Notification {
	out := *n
	out.Status, out.LastError = c.To, c.Error
	out.NextAttemptAt, out.UpdatedAt = c.NextAttemptAt, now
	if c.CountAttempt {
		out.Attempts++
	}
	if c.MessageID != "" {
		out.MessageID = c.MessageID
	}
	return &out
}

// MarkInterrupted turns every notification left sending, by a sender
// that stopped mid-send, into unknown, one audited change each, and
// returns them: whether their message left is for an operator to check.
func (db *DB) MarkInterrupted(ctx context.Context, actor,
	reason string) ([]*selection.Notification, error) {
	var stuck []int64
	sending := NotificationFilter{Status: selection.NotificationSending}
	for n, err := range db.Notifications(ctx, sending) {
		if err != nil {
			return nil, err
		}
		stuck = append(stuck, n.ID)
	}
	var out []*selection.Notification
	for _, id := range stuck {
		n, err := db.ChangeNotification(ctx, actor, selection.NotificationChange{ID: id,
			From: []selection.NotificationStatus{selection.NotificationSending},
			To:   selection.NotificationUnknown, Error: reason})
		if err != nil {
			return out, err
		}
		out = append(out, n)
	}
	return out, nil
}

// NotificationCounts counts the outbox's notifications by status, and by
// kind and status.
func (db *DB) NotificationCounts(ctx context.Context) (selection.MailCounts, error) {
	c := selection.MailCounts{ByStatus: map[selection.NotificationStatus]int{},
		ByKind: map[selection.NotificationKind]map[selection.NotificationStatus]int{}}
	err := db.each(ctx, `SELECT kind, status, count(*) FROM notifications GROUP BY kind, status`,
		nil, func(s scanner) error {
			var kind selection.NotificationKind
			var status selection.NotificationStatus
			var n int
			if err := s.Scan(&kind, &status, &n); err != nil {
				return err
			}
			if c.ByKind[kind] == nil {
				c.ByKind[kind] = map[selection.NotificationStatus]int{}
			}
			c.ByKind[kind][status] += n
			c.ByStatus[status] += n
			c.Total += n
			return nil
		})
	if err != nil {
		return c, fmt.Errorf("count notifications: %w", err)
	}
	return c, nil
}
