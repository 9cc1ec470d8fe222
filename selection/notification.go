package selection

import "time"

// NotificationKind is the event an e-mail to an applicant tells of.
type NotificationKind string

// The kinds of notification headquarters sends. The first four follow a
// committed pre-selection run and the training progress; the others
// follow the decisions the provinces push.
const (
	// NotifyInvited: invited to remote training, with the account of the
	// training platform (username and initial password).
	NotifyInvited NotificationKind = "invited"
	// NotifyWaiting: on a commune's waiting list after the pre-selection.
	NotifyWaiting NotificationKind = "waiting"
	// NotifyUploadDocuments: invited applicants are asked to upload the
	// documents that support what they declared.
	NotifyUploadDocuments NotificationKind = "upload_documents"
	// NotifyTrainingReminder: an invited applicant has not started the
	// remote training.
	NotifyTrainingReminder NotificationKind = "training_reminder"
	// NotifyConvocation: a slot in an interview session.
	NotifyConvocation NotificationKind = "convocation"
	// NotifySelected: selected by a committed final selection.
	NotifySelected NotificationKind = "selected"
	// NotifyFinalWaiting: on the ranked waiting list of the final
	// selection.
	NotifyFinalWaiting NotificationKind = "final_waiting"
	// NotifyReplacement: promoted from a waiting list to the post of a
	// candidate who withdrew.
	NotifyReplacement NotificationKind = "replacement"
	// NotifyDocumentRejected: a supervisor rejected a document, for a
	// reason of the closed list.
	NotifyDocumentRejected NotificationKind = "document_rejected"
)

// NotificationKinds lists the kinds in the order of the recruitment.
var NotificationKinds = []NotificationKind{
	NotifyInvited, NotifyWaiting, NotifyUploadDocuments, NotifyTrainingReminder,
	NotifyDocumentRejected, NotifyConvocation, NotifySelected, NotifyFinalWaiting,
	NotifyReplacement,
}

// NotificationStatus is where a notification stands in the outbox.
//
// A notification goes pending → sending → sent, or → failed with a
// reason. It is marked sending, durably, before its message goes to the
// SMTP server, and sent once the server accepted it; one found sending
// when a sender starts was interrupted mid-send and becomes unknown: it
// may or may not have left, so it is never resent without an operator.
// A pending notification whose fact no longer holds (a convocation
// moved, a rejection reviewed, a final selection replaced) is cancelled
// by the next planning, and never sent.
type NotificationStatus string

// The statuses of a notification.
const (
	NotificationPending   NotificationStatus = "pending"
	NotificationSending   NotificationStatus = "sending"
	NotificationSent      NotificationStatus = "sent"
	NotificationFailed    NotificationStatus = "failed"
	NotificationUnknown   NotificationStatus = "unknown"
	NotificationCancelled NotificationStatus = "cancelled"
)

// NotificationStatuses lists the statuses in the order of the outbox.
var NotificationStatuses = []NotificationStatus{
	NotificationPending, NotificationSending, NotificationSent, NotificationFailed,
	NotificationUnknown, NotificationCancelled,
}

// MailLanguage is the language of one notification's message.
type MailLanguage string

// The languages of a message. Bilingual messages hold the French text
// first, then the Arabic one, in the same message.
const (
	MailFrench    MailLanguage = "fr"
	MailArabic    MailLanguage = "ar"
	MailBilingual MailLanguage = "fr+ar"
)

// MailLanguages lists the valid languages.
var MailLanguages = []MailLanguage{MailFrench, MailArabic, MailBilingual}

// Parts returns the single languages of the message, in order.
func (l MailLanguage) Parts() []MailLanguage {
	if l == MailBilingual {
		return []MailLanguage{MailFrench, MailArabic}
	}
	return []MailLanguage{l}
}

// MailLanguageFor returns the language of the messages to an applicant.
// The registration platform records no language preference, so the rule
// rests on what applicants declare: French, the administration's
// language, is the default, and an applicant who does not declare
// French gets the Arabic text too, in the same message.
func MailLanguageFor(a *Applicant) MailLanguage {
	if a.Speaks(LangFrench) {
		return MailFrench
	}
	return MailBilingual
}

// NotificationFacts are the facts of the event a notification tells of,
// taken from the store when the notification is planned. The applicant's
// own data (names, e-mail) is read when the message is rendered.
type NotificationFacts struct {
	RunID        string       `json:"run_id,omitempty"`
	CommuneCode  string       `json:"commune_code,omitempty"`
	Rank         int          `json:"rank,omitempty"`
	Role         Role         `json:"role,omitempty"`
	SessionID    string       `json:"session_id,omitempty"`
	Place        string       `json:"place,omitempty"`
	Slot         time.Time    `json:"slot,omitzero"`
	DocumentID   string       `json:"document_id,omitempty"`
	DocumentKind DocumentKind `json:"document_kind,omitempty"`
	RejectReason RejectReason `json:"reject_reason,omitempty"`
	WithdrawalID string       `json:"withdrawal_id,omitempty"`
}

// Notification is one e-mail to one applicant about one event, stored
// once: an applicant, a kind and an event key (the run, session, review
// or withdrawal it comes from) identify it.
type Notification struct {
	ID            int64
	ApplicantID   string
	Kind          NotificationKind
	EventKey      string
	Lang          MailLanguage
	Facts         NotificationFacts
	Status        NotificationStatus
	Attempts      int       // sending attempts made
	NextAttemptAt time.Time // zero: as soon as possible
	MessageID     string    // the Message-ID of the last attempt
	LastError     string    // why it failed, or why the last attempt did not succeed
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// NotificationChange moves one notification from one of the statuses
// From to the status To. A store refuses the change, with
// ErrStaleVersion, when the notification is no longer in one of From:
// two senders never both send it.
type NotificationChange struct {
	ID            int64
	From          []NotificationStatus
	To            NotificationStatus
	CountAttempt  bool      // one more sending attempt
	MessageID     string    // kept when empty
	Error         string    // the reason recorded; cleared when empty
	NextAttemptAt time.Time // zero: as soon as possible
}

// DecisionNotificationKinds are the kinds that follow the decisions the
// provinces push: what to plan after each synchronised batch.
var DecisionNotificationKinds = []NotificationKind{
	NotifyDocumentRejected, NotifyConvocation, NotifySelected, NotifyFinalWaiting,
	NotifyReplacement,
}

// PlanOptions tune a planning of notifications.
type PlanOptions struct {
	// Kinds limits the planning to these kinds; empty: every kind.
	Kinds []NotificationKind
	// Applicants limits the planning to these applicants (those a batch
	// of decisions concerns); empty: every applicant.
	Applicants []string
	// TrainingReminder names a round of reminders to the invited who have
	// not started the remote training (e.g. "2025-04-01"); each round
	// reminds each of them once. Empty: no reminder is planned.
	TrainingReminder string
}

// PlanResult counts the notifications a planning added, and the pending
// ones it cancelled, by kind.
type PlanResult struct {
	Added     map[NotificationKind]int
	Total     int
	Cancelled map[NotificationKind]int
}

// MailCounts counts the notifications of the outbox by status, and by
// kind and status.
type MailCounts struct {
	ByStatus map[NotificationStatus]int                      `json:"by_status"`
	ByKind   map[NotificationKind]map[NotificationStatus]int `json:"by_kind"`
	Total    int                                             `json:"total"`
}

// TrainingAccount is one row of the hand-off to the training platform:
// an invited applicant's account, the username being the e-mail, and the
// hash of the initial password the applicant receives by e-mail.
type TrainingAccount struct {
	ApplicantID  string
	Username     string
	LastName     string
	FirstName    string
	LastNameAR   string
	FirstNameAR  string
	CommuneCode  string
	ProvinceCode string
	PasswordHash string // argon2id, PHC string format
}
