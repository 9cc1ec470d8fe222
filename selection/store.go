package selection

import (
	"context"
	"errors"
	"iter"
)

// Errors that every store returns, so that callers can test for them
// whatever the adapter.
var (
	// ErrNotFound is returned when no record has the requested key.
	ErrNotFound = errors.New("not found")
	// ErrScope is returned when a record lies outside the store's province.
	ErrScope = errors.New("outside the store's scope")
	// ErrStaleVersion is returned when a decision was taken on a version
	// that is no longer the latest.
	ErrStaleVersion = errors.New("decision based on a stale version")
	// ErrLocked is returned when a record that is final is changed.
	ErrLocked = errors.New("locked once submitted")
)

// ApplicantFilter narrows a listing of applicants. Zero fields do not
// filter. Search matches a part of a name in either script, the ID, the
// CIN or the e-mail.
type ApplicantFilter struct {
	ProvinceCode string
	CommuneCode  string // any of the applicant's choices
	Category     Category
	Search       string
	Limit        int // 0 for no limit
	Offset       int
}

// TerritoryStore reads the reference territory and the needs.
type TerritoryStore interface {
	Territory(ctx context.Context) (*Territory, error)
	Needs(ctx context.Context) ([]Need, error)
	PutNeed(ctx context.Context, actor string, n *Need) error
}

// ApplicantStore reads and writes applicants and their training.
type ApplicantStore interface {
	Applicant(ctx context.Context, id string) (*Applicant, error)
	Applicants(ctx context.Context, f ApplicantFilter) iter.Seq2[*Applicant, error]
	CountApplicants(ctx context.Context, f ApplicantFilter) (int, error)
	PutApplicant(ctx context.Context, actor string, a *Applicant) error
	TrainingOf(ctx context.Context, applicantID string) (*TrainingProgress, error)
	PutTraining(ctx context.Context, actor string, t *TrainingProgress) error
}

// DocumentStore holds document metadata and the supervisors' reviews.
type DocumentStore interface {
	PutDocument(ctx context.Context, actor string, d *Document) error
	Document(ctx context.Context, id string) (*Document, error)
	DocumentsOf(ctx context.Context, applicantID string) ([]Document, error)
	AddReview(ctx context.Context, actor string, r *Review) error
	Reviews(ctx context.Context, documentID string) ([]Review, error)
}

// InterviewStore holds the rubric, sessions, convocations, attendance
// and score sheets.
type InterviewStore interface {
	PutRubric(ctx context.Context, actor string, r *Rubric) error
	Rubric(ctx context.Context, version string) (*Rubric, error)
	PutSession(ctx context.Context, actor string, s *InterviewSession) error
	Session(ctx context.Context, id string) (*InterviewSession, error)
	PutConvocation(ctx context.Context, actor string, c *Convocation) error
	Convocations(ctx context.Context, sessionID string) ([]Convocation, error)
	PutAttendance(ctx context.Context, actor string, a *Attendance) error
	Attendance(ctx context.Context, sessionID string) ([]Attendance, error)
	PutScoreSheet(ctx context.Context, actor string, s *ScoreSheet) error
	ScoreSheets(ctx context.Context, sessionID, applicantID string) ([]ScoreSheet, error)
}

// RunStore records selection runs, their outcomes and withdrawals.
type RunStore interface {
	SaveRun(ctx context.Context, actor string, r *Run, outcomes []Outcome) error
	Run(ctx context.Context, id string) (*Run, error)
	Outcomes(ctx context.Context, runID string) ([]Outcome, error)
	AddWithdrawal(ctx context.Context, actor string, w *Withdrawal) error
	Withdrawals(ctx context.Context, runID string) ([]Withdrawal, error)
}

// UserStore holds local accounts.
type UserStore interface {
	PutUser(ctx context.Context, actor string, u *User) error
	User(ctx context.Context, name string) (*User, error)
}

// AuditLog reads and verifies the hash-chained audit log.
type AuditLog interface {
	AuditLog(ctx context.Context, from int64, limit int) ([]AuditEntry, error)
	VerifyAudit(ctx context.Context) (int64, error)
}

// Store is everything a laptop or headquarters keeps. Every write takes
// the acting user's name and is recorded in the audit log.
type Store interface {
	TerritoryStore
	ApplicantStore
	DocumentStore
	InterviewStore
	RunStore
	UserStore
	AuditLog
	Importer
	// Scope returns the province the store holds, or "" for the nation.
	Scope() string
}
