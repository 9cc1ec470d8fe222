package sync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"intiqa/localdb"
	"intiqa/selection"

	"github.com/go-resty/resty/v2"
)

// Options tune a Client. Zero values take the defaults.
type Options struct {
	// Timeout bounds each request (default 2 minutes).
	Timeout time.Duration
	// Retries is how many times a failed request is tried again, after
	// a wait that doubles from RetryWait up to RetryMaxWait, with
	// jitter (defaults 6, 500 ms, 30 s). A negative Retries means none.
	Retries      int
	RetryWait    time.Duration
	RetryMaxWait time.Duration
	// BatchSize is how many decisions one push carries (default 1,000).
	BatchSize int
	// PageSize is how many changes one pull page holds (default 2,000).
	PageSize int
	// Transport carries the requests (default: a copy of
	// http.DefaultTransport); give one with the headquarters' CA for a
	// private certificate.
	Transport http.RoundTripper
	// Actor is the audit log's actor of what a pull writes (default
	// "sync").
	Actor string
	// Logger receives the client's diagnostics (default: discarded).
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Timeout, 2*time.Minute)
	def(&o.RetryWait, 500*time.Millisecond)
	def(&o.RetryMaxWait, 30*time.Second)
	switch {
	case o.Retries == 0:
		o.Retries = 6
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.BatchSize <= 0 || o.BatchSize > MaxBatch {
		o.BatchSize = 1000
	}
	if o.PageSize <= 0 || o.PageSize > localdb.MaxPageSize {
		o.PageSize = DefaultPageSize
	}
	if o.Actor == "" {
		o.Actor = "sync"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Stage is a step of a synchronisation.
type Stage string

// The steps of Sync, in order.
const (
	StagePush      Stage = "push"      // sending the outbox
	StagePull      Stage = "pull"      // receiving the province's changes
	StageDocuments Stage = "documents" // downloading document files
)

// Progress reports how far a step has gone. Total is 0 when unknown.
type Progress struct {
	Stage       Stage
	Done, Total int
}

// Status is what the desktop shows of synchronisation.
type Status struct {
	Pending     int       // decisions waiting to be pushed
	Conflicts   int       // conflicts waiting for a supervisor
	LastSuccess time.Time // zero if never
	LastAttempt time.Time
	LastError   string // "" when the last attempt succeeded
	Running     bool   // a Sync is under way
}

// Client is a laptop's side of the protocol, over its store. Its methods
// are safe to call from several goroutines; one Sync runs at a time.
type Client struct {
	db      *localdb.DB
	docs    string
	enr     localdb.Enrollment
	opts    Options
	http    *resty.Client // requests, retried with backoff
	stream  *resty.Client // streamed pushes, retried by Push itself
	run     gosync.Mutex
	running atomic.Bool
}

// ErrNotEnrolled is returned by NewClient for a store never enrolled.
var ErrNotEnrolled = errors.New("this laptop is not enrolled with headquarters")

// NewClient returns the client of an enrolled laptop store. docs is the
// folder the document files go to, beside the store.
func NewClient(db *localdb.DB, docs string, opts Options) (*Client, error) {
	enr, err := db.Enrollment(context.Background())
	if errors.Is(err, localdb.ErrNotFound) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	stream := newResty(enr.URL, enr.Token, opts).SetRetryCount(0).SetTimeout(0)
	return &Client{db: db, docs: docs, enr: *enr, opts: opts,
		http: newResty(enr.URL, enr.Token, opts), stream: stream}, nil
}

// newResty sets up the HTTP client: base URL, token, timeout, and retry
// with capped exponential backoff and jitter on network errors, 5xx and
// 429 answers.
func newResty(base, token string, opts Options) *resty.Client {
	c := resty.New().
		SetBaseURL(strings.TrimRight(base, "/")).
		SetAuthToken(token).
		SetTimeout(opts.Timeout).
		SetRetryCount(opts.Retries).
		SetRetryWaitTime(opts.RetryWait).
		SetRetryMaxWaitTime(opts.RetryMaxWait).
		SetHeader("User-Agent", "intiqa-laptop/1").
		SetLogger(restyLogger{opts.Logger}).
		AddRetryCondition(func(r *resty.Response, err error) bool {
			if err != nil {
				return !errors.Is(err, context.Canceled)
			}
			return r.StatusCode() >= 500 || r.StatusCode() == http.StatusTooManyRequests
		})
	if opts.Transport != nil {
		c.SetTransport(opts.Transport)
	}
	return c
}

// restyLogger sends resty's messages to slog at debug level.
type restyLogger struct{ log *slog.Logger }

func (l restyLogger) Errorf(f string, v ...any) { l.log.Debug(fmt.Sprintf(f, v...)) }
func (l restyLogger) Warnf(f string, v ...any)  { l.log.Debug(fmt.Sprintf(f, v...)) }
func (l restyLogger) Debugf(f string, v ...any) { l.log.Debug(fmt.Sprintf(f, v...)) }

// Enroll checks a token with headquarters at url, registers the
// laptop's bundle signing key for it, and records the enrollment in the
// laptop's store: the token must be for the store's province. Enrolling
// the same store again with the same token registers the same key; a
// token whose key another store registered is refused (CodeKeyTaken):
// that laptop needs a new token.
func Enroll(ctx context.Context, db *localdb.DB, actor, url, token string,
	opts Options) (*localdb.Enrollment, error) {
	opts = opts.withDefaults()
	var info EnrollmentInfo
	c := newResty(url, token, opts)
	resp, err := c.R().SetContext(ctx).
		SetResult(&info).SetError(&ErrorBody{}).Get(PathEnrollment)
	if err := answerError(resp, err); err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	if info.Province != db.Scope() {
		return nil, fmt.Errorf("enroll: the token is for province %s, this laptop holds %s: %w",
			info.Province, db.Scope(), localdb.ErrScope)
	}
	if n, err := db.PendingCount(ctx); err != nil || n > 0 {
		return nil, errors.Join(err, fmt.Errorf(
			"enroll: %d decisions wait to be pushed with the current enrollment", n))
	}

	// Register the laptop's key: its bundles are signed with it.
	hq, err := registerKey(ctx, db, c, actor, info.TokenID)
	if err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	e := localdb.Enrollment{URL: url, Token: token, Province: info.Province, Role: info.Role,
		HQKey: hq}
	if err := db.Enroll(ctx, actor, e); err != nil {
		return nil, err
	}
	return &e, nil
}

// answerError turns a failed request or an error answer into an error.
func answerError(resp *resty.Response, err error) error {
	if err != nil {
		return fmt.Errorf("reach headquarters: %w", err)
	}
	if !resp.IsError() {
		return nil
	}
	e := &APIError{Status: resp.StatusCode(), Code: CodeInternal, Message: resp.Status()}
	if b, ok := resp.Error().(*ErrorBody); ok && b.Error.Code != "" {
		e.Code, e.Message = b.Error.Code, b.Error.Message
	}
	return e
}

// Enrollment returns the client's enrollment, token included.
func (c *Client) Enrollment() localdb.Enrollment { return c.enr }

// Status returns what the desktop shows: pending decisions, conflicts,
// the last success and the last error.
func (c *Client) Status(ctx context.Context) (Status, error) {
	s := Status{Running: c.running.Load()}
	var err error
	if s.Pending, err = c.db.PendingCount(ctx); err != nil {
		return s, err
	}
	if s.Conflicts, err = c.db.ConflictCount(ctx); err != nil {
		return s, err
	}
	st, err := c.db.SyncStatus(ctx)
	s.LastSuccess, s.LastAttempt, s.LastError = st.LastSuccess, st.LastAttempt, st.LastError
	return s, err
}

// Sync pushes the outbox, pulls the province's changes, deletes the
// files of documents the pull took off the laptop, then (except on an
// interview panel's laptop) downloads the document files it lacks,
// reporting progress (which may be nil) along the way. It records its
// outcome for Status. A Sync started while another runs waits for it.
// Call it from a goroutine; cancel ctx to stop it.
func (c *Client) Sync(ctx context.Context, progress func(Progress)) error {
	c.run.Lock()
	defer c.run.Unlock()
	c.running.Store(true)
	defer c.running.Store(false)
	if progress == nil {
		progress = func(Progress) {}
	}
	// A push that headquarters refuses does not keep the laptop from
	// receiving its province's changes, nor does a failed registration
	// of its bundle key.
	err := c.ensureKeys(ctx)
	err = errors.Join(err, c.Push(ctx, progress))
	if ctx.Err() == nil {
		err = errors.Join(err, c.Pull(ctx, progress))
	}
	if _, perr := c.pruneDocuments(ctx); perr != nil {
		err = errors.Join(err, perr)
	}
	if err == nil && c.enr.Role != selection.SyncPanel { // panels read no documents
		err = c.FetchDocuments(ctx, progress)
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if rerr := c.db.RecordSync(context.WithoutCancel(ctx), time.Now().UTC(), msg); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// Conflicts returns the conflicts waiting for a supervisor.
func (c *Client) Conflicts(ctx context.Context) ([]selection.Conflict, error) {
	return c.db.Conflicts(ctx)
}

// Resolve records a supervisor's choice on a conflict; the choice is a
// new decision that the next Sync pushes. ErrSyncFirst: Sync first, to
// receive the other laptop's decision.
func (c *Client) Resolve(ctx context.Context, actor, id string, choice selection.Resolution) error {
	return c.db.ResolveConflict(ctx, actor, id, choice)
}
