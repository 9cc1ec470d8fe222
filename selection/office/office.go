// Package office is the service layer of a province's laptop, between
// the window and the store. It signs local users in, checks the
// signed-in user's role before every action (the window hides what a
// role may not do, but the refusal is here), locks the session after
// inactivity, and turns the window's requests into domain calls and
// audited store writes.
//
// Like the domain it serves, the package does no I/O of its own: the
// store and the document files are interfaces that the main package
// wires to SQLite and to the disk.
package office

import (
	"context"
	"errors"
	"iter"
	"sync"
	"time"

	"intiqa/selection"
)

// Errors the service returns; the window tells the user each of them in
// their language.
var (
	// ErrForbidden is returned for an action outside the user's role.
	ErrForbidden = errors.New("action not allowed for this role")
	// ErrSignedOut is returned for an action with nobody signed in.
	ErrSignedOut = errors.New("nobody signed in")
	// ErrSessionLocked is returned for an action while the session is
	// locked after inactivity.
	ErrSessionLocked = errors.New("session locked after inactivity")
	// ErrBadCredentials is returned for an unknown user, a disabled
	// account or a wrong password, without saying which.
	ErrBadCredentials = errors.New("unknown user or wrong password")
	// ErrWeakPassword is returned for a password shorter than
	// MinPasswordLength.
	ErrWeakPassword = errors.New("password too short")
	// ErrInvalid is returned for a request that is incomplete or out of
	// range; the wrapping error says which field.
	ErrInvalid = errors.New("invalid request")
	// ErrExists is returned when creating what exists already.
	ErrExists = errors.New("already exists")
)

// Store is what the service keeps its data in: the domain's store and
// the listings a laptop's screens need.
type Store interface {
	selection.Store
	// Users lists the local accounts, by name.
	Users(ctx context.Context) ([]selection.User, error)
	// RecordSignIn appends a sign-in to the audit log.
	RecordSignIn(ctx context.Context, user string) error
	// Training streams every training record, by applicant ID.
	Training(ctx context.Context) iter.Seq2[*selection.TrainingProgress, error]
	// DocumentStates lists every document with its latest review, by
	// applicant then document ID.
	DocumentStates(ctx context.Context) ([]DocState, error)
	// Sessions lists the interview sessions, by start time.
	Sessions(ctx context.Context) ([]selection.InterviewSession, error)
	// SessionSheets lists the score sheets of a session.
	SessionSheets(ctx context.Context, sessionID string) ([]selection.ScoreSheet, error)
	// AllConvocations lists every convocation, by session and slot.
	AllConvocations(ctx context.Context) ([]selection.Convocation, error)
	// AllAttendance lists every attendance record.
	AllAttendance(ctx context.Context) ([]selection.Attendance, error)
	// AllSheets lists every score sheet.
	AllSheets(ctx context.Context) ([]selection.ScoreSheet, error)
	// LatestRun returns the latest committed run of a kind, or
	// selection.ErrNotFound.
	LatestRun(ctx context.Context, kind selection.RunKind) (*selection.Run, error)
	// LatestRubric returns the newest rubric, or selection.ErrNotFound.
	LatestRubric(ctx context.Context) (*selection.Rubric, error)
	// ApplyWithdrawal records a withdrawal and the outcomes it changed,
	// in one transaction.
	ApplyWithdrawal(ctx context.Context, actor string, w *selection.Withdrawal,
		changed []selection.Outcome) error
}

// DocState is a document with its latest review, if any.
type DocState struct {
	Document selection.Document
	Verdict  selection.Verdict // VerdictPending when never reviewed
	Reason   selection.RejectReason
	Version  int // of the latest review; 0 when never reviewed
	Reviewer string
}

// Files reads the document files, addressed by their SHA-256.
type Files interface {
	// Read returns a document's bytes, checked against its SHA-256.
	Read(d *selection.Document) ([]byte, error)
	// Path returns where a document's file lies, for the system viewer.
	Path(d *selection.Document) (string, error)
}

// Options tune a service.
type Options struct {
	// IdleLock is how long a session stays open without activity;
	// DefaultIdleLock when zero.
	IdleLock time.Duration
	// Divergence is the spread of panel members' weighted scores, on
	// the 0 to 100 scale, above which a candidate's result is flagged;
	// DefaultDivergence when zero.
	Divergence float64
	// Now tells the time; time.Now when nil.
	Now func() time.Time
	// NewID returns a fresh unique ID for decisions; random when nil.
	NewID func() string
}

// Defaults of Options.
const (
	DefaultIdleLock   = 10 * time.Minute
	DefaultDivergence = 15.0
)

// Service is one laptop's service layer over its store. It is safe for
// concurrent use: the window calls it from background goroutines.
type Service struct {
	store Store
	files Files
	opts  Options

	mu       sync.Mutex
	user     *selection.User // nil when signed out
	lastSeen time.Time
	locked   bool
	cache    *cache
}

// New returns the service of a store whose documents lie in files.
func New(store Store, files Files, opts Options) *Service {
	if opts.IdleLock <= 0 {
		opts.IdleLock = DefaultIdleLock
	}
	if opts.Divergence <= 0 {
		opts.Divergence = DefaultDivergence
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.NewID == nil {
		opts.NewID = randomID
	}
	return &Service{store: store, files: files, opts: opts, cache: &cache{}}
}

// Scope returns the province the store holds.
func (s *Service) Scope() string { return s.store.Scope() }

// Options returns the service's settings, defaults filled in.
func (s *Service) Options() Options { return s.opts }
