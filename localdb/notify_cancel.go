package localdb

import (
	"fmt"
	"regexp"
	"strings"

	"intiqa/selection"
)

// cancelQueries cancel, for each kind whose fact can change, the pending
// notifications whose fact no longer holds: the same conditions as
// planQueries, negated, each looked up by primary key from the
// notification's key. ?1 is the time, ?2 the reason recorded. The
// notices of a committed pre-selection never change.
var cancelQueries = []struct {
	kind   selection.NotificationKind
	reason string
	query  string
}{
	{selection.NotifyTrainingReminder, "la formation a commencé depuis", cancelUpdate(
		selection.NotifyTrainingReminder, ``, `SELECT 1 FROM training t
			WHERE t.applicant_id = n.applicant_id AND t.started = 0`)},
	{selection.NotifyDocumentRejected, "le refus a été revu depuis", cancelUpdate(
		selection.NotifyDocumentRejected, ``, `SELECT 1 FROM reviews r
			WHERE r.id = n.event_key AND r.verdict = 'rejected'
			AND r.version = (SELECT max(version) FROM reviews WHERE document_id = r.document_id)`)},
	{selection.NotifyConvocation, "la convocation a été déplacée ou annulée", cancelUpdate(
		selection.NotifyConvocation, ``, `SELECT 1 FROM convocations c
			WHERE c.session_id = substr(n.event_key, 1, instr(n.event_key, '@') - 1)
			AND c.applicant_id = n.applicant_id
			AND c.slot = substr(n.event_key, instr(n.event_key, '@') + 1)`)},
	{selection.NotifySelected, "la sélection finale a changé ou le candidat s'est désisté",
		cancelFinal(selection.NotifySelected, selection.StatusSelected)},
	{selection.NotifyFinalWaiting, "la sélection finale a changé ou le candidat s'est désisté",
		cancelFinal(selection.NotifyFinalWaiting, selection.StatusWaiting)},
	{selection.NotifyReplacement, "la sélection finale a changé", cancelUpdate(
		selection.NotifyReplacement, latestFinals, `SELECT 1 FROM withdrawals w
			JOIN finals f ON f.id = w.run_id
			WHERE w.id = n.event_key AND w.replaced_by = n.applicant_id`)},
}

// cancelUpdate is the statement that cancels the pending notifications of
// a kind for which holds finds no row; with is an optional common table.
func cancelUpdate(kind selection.NotificationKind, with, holds string) string {
	q := `UPDATE notifications AS n SET status = 'cancelled', last_error = ?2, updated_at = ?1
		WHERE n.status = 'pending' AND n.kind = '` + string(kind) + `' /*scope:n.applicant_id*/
		AND NOT EXISTS (` + holds + `) RETURNING id, applicant_id, event_key`
	if with != "" {
		q = `WITH ` + with + ` ` + q
	}
	return q
}

// cancelFinal cancels the final results no longer in the latest
// committed final selection, or of candidates who withdrew since.
func cancelFinal(kind selection.NotificationKind, status selection.Status) string {
	return cancelUpdate(kind, latestFinals, `SELECT 1 FROM outcomes o
		JOIN finals f ON f.id = o.run_id
		WHERE o.run_id = n.event_key AND o.applicant_id = n.applicant_id
		AND o.status = '`+string(status)+`'
		AND o.applicant_id NOT IN (SELECT applicant_id FROM withdrawals WHERE run_id = o.run_id)`)
}

// scopeMark is the mark of planning and cancelling queries where a
// planning limited to some applicants adds its condition.
var scopeMark = regexp.MustCompile(`/\*scope:([a-z_.]+)\*/`)

// scoped returns a query limited to the applicants of the temporary
// table plan_scope, or, when scope is false, the query for everyone.
func scoped(query string, scope bool) string {
	if !scope {
		return scopeMark.ReplaceAllString(query, "")
	}
	// Cancelling for a few applicants goes through the outbox's unique
	// index, which starts with the applicant: the unary + keeps SQLite
	// from scanning every pending notification of the kind instead.
	query = strings.Replace(query, "n.status = 'pending' AND n.kind =",
		"+n.status = 'pending' AND +n.kind =", 1)
	return scopeMark.ReplaceAllString(query, "AND $1 IN (SELECT id FROM temp.plan_scope)")
}

// setScope fills the temporary table plan_scope with the applicants a
// planning is limited to.
func (tx *Tx) setScope(ids []string) error {
	if _, err := tx.exec(`CREATE TEMP TABLE IF NOT EXISTS plan_scope (id TEXT PRIMARY KEY)
		WITHOUT ROWID`); err != nil {
		return fmt.Errorf("planning scope: %w", err)
	}
	if _, err := tx.exec(`DELETE FROM temp.plan_scope`); err != nil {
		return fmt.Errorf("planning scope: %w", err)
	}
	for _, id := range ids {
		_, err := tx.exec(`INSERT OR IGNORE INTO temp.plan_scope (id) VALUES (?)`, id)
		if err != nil {
			return fmt.Errorf("planning scope: %w", err)
		}
	}
	return nil
}
