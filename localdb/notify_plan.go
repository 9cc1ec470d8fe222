package localdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"intiqa/selection"
)

// The SQL pieces the planning queries share.
const (
	// mailLangSQL is selection.MailLanguageFor in SQL, for the applicant
	// row a: French for those who declare it, else French and Arabic.
	mailLangSQL = `CASE WHEN instr(';' || a.languages || ';', ';french;') > 0
		THEN 'fr' ELSE 'fr+ar' END`

	// committedPreselections are the pre-selection runs headquarters
	// published.
	committedPreselections = `pre AS MATERIALIZED (SELECT id FROM runs
		WHERE kind = 'preselection' AND committed_at != '')`

	// latestReviews are the latest review of each document.
	latestReviews = `latest AS (SELECT r.id, r.document_id, r.verdict, r.reason FROM reviews r
		WHERE r.version = (SELECT max(version) FROM reviews WHERE document_id = r.document_id))`

	// planInsert starts every planning query: ?1 is the time of the
	// planning, and the SELECT that follows gives applicant, kind, key,
	// language and facts.
	planInsert = `INSERT OR IGNORE INTO notifications
		(applicant_id, kind, event_key, lang, facts, created_at, updated_at) `
	planReturning = ` RETURNING id, applicant_id, event_key`
)

// latestFinals are, for each province, its final selection in force (see
// finalInForceSQL).
var latestFinals = `finals AS MATERIALIZED (SELECT r.id FROM runs r
	WHERE r.kind = 'final' AND r.committed_at != ''
	AND r.id = ` + finalInForceSQL("r.scope") + `)`

// planQueries derive each kind of notification from the store's facts.
// Each selects (applicant, key, language, facts) for every event that
// holds now; the unique key of the outbox drops those already planned.
// ?1 is the planning time, ?2 the round of training reminders. Each has
// a /*scope:COLUMN*/ mark where scoped limits it to some applicants.
var planQueries = []struct {
	kind  selection.NotificationKind
	query string
}{
	{selection.NotifyInvited, outcomeNotice(selection.NotifyInvited, selection.StatusInvited)},
	{selection.NotifyWaiting, outcomeNotice(selection.NotifyWaiting, selection.StatusWaiting)},
	{selection.NotifyUploadDocuments,
		outcomeNotice(selection.NotifyUploadDocuments, selection.StatusInvited)},
	{selection.NotifyTrainingReminder, `WITH ` + committedPreselections + planInsert + `
		SELECT o.applicant_id, 'training_reminder', o.run_id || '/' || ?2, ` + mailLangSQL + `,
			json_object('run_id', o.run_id, 'commune_code', o.commune_code), ?1, ?1
		FROM pre CROSS JOIN outcomes o ON o.run_id = pre.id
		JOIN applicants a ON a.id = o.applicant_id
		JOIN training t ON t.applicant_id = o.applicant_id
		WHERE o.status = 'invited' AND t.started = 0 AND ?2 != '' /*scope:o.applicant_id*/
		ORDER BY o.applicant_id` + planReturning},
	{selection.NotifyDocumentRejected, `WITH ` + latestReviews + planInsert + `
		SELECT d.applicant_id, 'document_rejected', l.id, ` + mailLangSQL + `,
			json_object('document_id', d.id, 'document_kind', d.kind, 'reject_reason', l.reason),
			?1, ?1
		FROM latest l JOIN documents d ON d.id = l.document_id
		JOIN applicants a ON a.id = d.applicant_id
		WHERE l.verdict = 'rejected' /*scope:d.applicant_id*/
		ORDER BY d.applicant_id, l.id` + planReturning},
	{selection.NotifyConvocation, planInsert + `
		SELECT c.applicant_id, 'convocation', c.session_id || '@' || c.slot, ` + mailLangSQL + `,
			json_object('session_id', c.session_id, 'place', s.place, 'slot', c.slot,
				'role', c.role), ?1, ?1
		FROM convocations c JOIN interview_sessions s ON s.id = c.session_id
		JOIN applicants a ON a.id = c.applicant_id
		WHERE 1 /*scope:c.applicant_id*/
		ORDER BY c.applicant_id, c.session_id` + planReturning},
	{selection.NotifySelected, finalNotice(selection.NotifySelected, selection.StatusSelected)},
	{selection.NotifyFinalWaiting,
		finalNotice(selection.NotifyFinalWaiting, selection.StatusWaiting)},
	{selection.NotifyReplacement, `WITH ` + latestFinals + planInsert + `
		SELECT w.replaced_by, 'replacement', w.id, ` + mailLangSQL + `,
			json_object('run_id', w.run_id, 'withdrawal_id', w.id,
				'commune_code', o.commune_code, 'role', o.role), ?1, ?1
		FROM withdrawals w JOIN finals f ON f.id = w.run_id
		JOIN outcomes o ON o.run_id = w.run_id AND o.applicant_id = w.applicant_id
		JOIN applicants a ON a.id = w.replaced_by
		WHERE w.replaced_by != '' /*scope:w.replaced_by*/
		ORDER BY w.replaced_by, w.id` + planReturning},
}

// outcomeNotice is the query of a kind planned for the applicants of a
// given status in a committed pre-selection.
func outcomeNotice(kind selection.NotificationKind, status selection.Status) string {
	return `WITH ` + committedPreselections + planInsert + `
		SELECT o.applicant_id, '` + string(kind) + `', o.run_id, ` + mailLangSQL + `,
			json_object('run_id', o.run_id, 'commune_code', o.commune_code, 'rank', o.rank),
			?1, ?1
		FROM pre CROSS JOIN outcomes o ON o.run_id = pre.id
		JOIN applicants a ON a.id = o.applicant_id
		WHERE o.status = '` + string(status) + `' AND ?2 = ?2 /*scope:o.applicant_id*/
		ORDER BY o.applicant_id` + planReturning
}

// finalNotice is the query of a kind planned for the candidates of a
// given status in the latest committed final selection of their
// province, but for those who withdrew since.
func finalNotice(kind selection.NotificationKind, status selection.Status) string {
	return `WITH ` + latestFinals + planInsert + `
		SELECT o.applicant_id, '` + string(kind) + `', o.run_id, ` + mailLangSQL + `,
			json_object('run_id', o.run_id, 'commune_code', o.commune_code, 'role', o.role,
				'rank', o.rank), ?1, ?1
		FROM finals f CROSS JOIN outcomes o ON o.run_id = f.id
		JOIN applicants a ON a.id = o.applicant_id
		WHERE o.status = '` + string(status) + `' AND ?2 = ?2 /*scope:o.applicant_id*/
		AND o.applicant_id NOT IN (SELECT applicant_id FROM withdrawals WHERE run_id = o.run_id)
		ORDER BY o.applicant_id` + planReturning
}

// planAudit is the audit entry of one kind's planned (or cancelled)
// notifications: how many, their ID range, and a fingerprint of (ID,
// applicant, key).
type planAudit struct {
	Kind        selection.NotificationKind
	Added       int
	FirstID     int64
	LastID      int64
	Fingerprint string
}

// note counts one notification.
func (a *planAudit) note(id int64) {
	if a.Added == 0 || id < a.FirstID {
		a.FirstID = id
	}
	a.LastID = max(a.LastID, id)
	a.Added++
}

// wanted reports whether a planning covers a kind.
func wanted(opts selection.PlanOptions, kind selection.NotificationKind) bool {
	return len(opts.Kinds) == 0 || slices.Contains(opts.Kinds, kind)
}

// PlanNotifications derives, from what the store holds, every
// notification not planned yet, and adds them to the outbox, in one
// transaction: a committed pre-selection (invited, waiting list,
// documents to upload), the invited who have not started training (when
// opts names a round of reminders), and the provinces' decisions
// (rejected documents, convocations, final results, replacements).
// First, the pending notifications whose fact no longer holds are
// cancelled. Planning again adds nothing. Each kind's additions, and its
// cancellations, are audited as one entry each. After a batch of the
// provinces' decisions, planning selection.DecisionNotificationKinds for
// the applicants the batch concerns is enough, and takes milliseconds.
func (db *DB) PlanNotifications(ctx context.Context, actor string,
	opts selection.PlanOptions) (selection.PlanResult, error) {
	res := selection.PlanResult{Added: map[selection.NotificationKind]int{},
		Cancelled: map[selection.NotificationKind]int{}}
	scope := len(opts.Applicants) > 0
	err := db.update(ctx, actor, func(tx *Tx) error {
		if scope {
			if err := tx.setScope(opts.Applicants); err != nil {
				return err
			}
		}
		for _, q := range cancelQueries {
			if !wanted(opts, q.kind) {
				continue
			}
			a, err := tx.planKind("cancel", q.kind, scoped(q.query, scope), q.reason)
			if err != nil {
				return err
			}
			if a.Added > 0 {
				res.Cancelled[q.kind] = a.Added
				err := tx.audit("notification.cancel", "notification", string(q.kind), nil, a)
				if err != nil {
					return err
				}
			}
		}
		for _, q := range planQueries {
			if !wanted(opts, q.kind) {
				continue
			}
			a, err := tx.planKind("plan", q.kind, scoped(q.query, scope), opts.TrainingReminder)
			if err != nil {
				return err
			}
			if a.Added == 0 {
				continue
			}
			res.Added[q.kind], res.Total = a.Added, res.Total+a.Added
			err = tx.audit("notification.plan", "notification", string(q.kind), nil, a)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return selection.PlanResult{Added: map[selection.NotificationKind]int{},
			Cancelled: map[selection.NotificationKind]int{}}, err
	}
	return res, nil
}

// planKind runs one statement of a planning, which adds or cancels
// notifications of one kind (verb says which, for errors) and returns
// the rows it changed, and sums them up for one audit entry. arg is the
// statement's second parameter after the time: the round of a training
// reminder, or a cancellation's reason.
func (tx *Tx) planKind(verb string, kind selection.NotificationKind, query,
	arg string) (planAudit, error) {
	a := planAudit{Kind: kind}
	rows, err := tx.tx.QueryContext(tx.ctx, query, formatInstant(tx.now), arg)
	if err != nil {
		return a, fmt.Errorf("%s %s notifications: %w", verb, kind, err)
	}
	defer rows.Close()
	h := sha256.New()
	for rows.Next() {
		var id int64
		var applicant, key string
		if err := rows.Scan(&id, &applicant, &key); err != nil {
			return a, fmt.Errorf("%s %s notifications: %w", verb, kind, err)
		}
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00", id, applicant, key)
		a.note(id)
	}
	if err := rows.Err(); err != nil {
		return a, fmt.Errorf("%s %s notifications: %w", verb, kind, err)
	}
	a.Fingerprint = hex.EncodeToString(h.Sum(nil))
	return a, nil
}
