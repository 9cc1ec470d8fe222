// Package mail is headquarters' e-mail to applicants: the templates of
// every kind of notification in French and Arabic (plain text and HTML),
// the sender that delivers the store's outbox over SMTP (rate limit,
// retries with backoff, a recorded reason for every failure, never two
// sends after a crash), the initial passwords of the training platform,
// derived from a key and never stored, and the accounts handed to that
// platform.
//
// The outbox itself, and the planner that fills it from the store's
// facts, are in localdb (DB.PlanNotifications, DB.NotificationCounts), so
// that the synchronisation server can call them after each batch.
package mail
