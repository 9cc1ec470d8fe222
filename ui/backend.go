package ui

import (
	"context"
	"errors"
	"io"
	"time"

	"intiqa/selection"
	"intiqa/selection/office"
)

// ErrNoStore is returned by Backend.Open when this computer holds no
// store yet.
var ErrNoStore = errors.New("no store on this computer")

// ErrEnrollUnavailable is returned by the Enroll of a Backend that cannot
// reach headquarters (a build without the sync client).
var ErrEnrollUnavailable = errors.New("enrollment with headquarters not available")

// Dataset is what the window works on once a store is open: the service
// layer over it, whether it is the demonstration, and the optional
// parts that plug in.
type Dataset struct {
	Office *office.Service
	Demo   bool
	// Sync talks with headquarters; nil when this laptop does not sync
	// (the demonstration, or a build without the sync client).
	Sync Syncer
	// Reports makes the PDF and XLSX reports; nil when none is built in.
	Reports Reporter
	// Pending counts the decisions not yet sent to headquarters, for the
	// status bar of a laptop that does not sync; nil when unknown.
	Pending func() int
	// DemoPassword is the demonstration accounts' password, shown on the
	// sign-in screen of the demonstration.
	DemoPassword string
}

// Enrollment is what the administrator types to enroll the laptop.
type Enrollment struct {
	URL   string // headquarters' address, https://...
	Token string // the one-time token headquarters issued
}

// Backend is what the window asks of the rest of the program; the main
// package wires it to the SQLite store, the sync client and the reports.
// Every method runs on a background goroutine, reports its progress
// through the callback, and stops early with ctx's error when ctx is
// cancelled.
type Backend interface {
	// Open loads the store of this computer, or returns ErrNoStore.
	Open(ctx context.Context, progress func(Progress)) (*Dataset, error)
	// OpenDemo loads the demonstration store, creating it first if
	// needed with admin as its administrator (admin may be nil when the
	// store exists).
	OpenDemo(ctx context.Context, admin *selection.User, progress func(Progress)) (*Dataset, error)
	// Enroll enrolls the laptop with headquarters and creates its store,
	// with admin as its administrator.
	Enroll(ctx context.Context, e Enrollment, admin *selection.User,
		progress func(Progress)) (*Dataset, error)
}

// SyncState is what the status bar shows of the exchanges with
// headquarters.
type SyncState struct {
	Pending   int       // decisions waiting to be sent
	LastSync  time.Time // zero when never synced
	Running   bool
	Conflicts int // conflicts waiting for a supervisor
	// Files being downloaded: done and total, 0 of 0 when none.
	FilesDone, FilesTotal int
	Failed                bool // the last attempt failed
}

// Conflict is a decision headquarters refused because another laptop of
// the province decided the same thing differently.
type Conflict struct {
	ID          string
	ApplicantID string
	What        string // what was decided, e.g. the document's kind
	Local       string // this laptop's decision, in words
	Remote      string // the other decision, in words
	RemoteBy    string
	RemoteAt    time.Time
}

// Syncer is the sync client as the window uses it; package sync
// provides it. Its methods are safe to call from any goroutine.
type Syncer interface {
	// State returns the current state, cheaply.
	State() SyncState
	// SyncNow pushes pending decisions and pulls changes, reporting
	// progress, until done or ctx is cancelled.
	SyncNow(ctx context.Context, progress func(Progress)) error
	// Conflicts lists the conflicts waiting for a supervisor.
	Conflicts(ctx context.Context) ([]Conflict, error)
	// Resolve settles a conflict, keeping this laptop's decision or the
	// other one.
	Resolve(ctx context.Context, id string, keepLocal bool) error
	// ExportBundle writes the decisions waiting to be sent into a signed
	// bundle file, for a USB stick when there is no network, and returns
	// how many it holds.
	ExportBundle(ctx context.Context, w io.Writer) (int, error)
	// ImportBundle applies a bundle file headquarters wrote for this
	// laptop: its answers and the province's changes.
	ImportBundle(ctx context.Context, r io.Reader) (BundleResult, error)
}

// BundleResult tells what importing a bundle file did.
type BundleResult struct {
	Answers int // headquarters' answers about this laptop's decisions
	Changes int // changes of the province applied
}

// Report is one report the Reports menu offers.
type Report struct {
	ID string // stable identifier, e.g. "convocations"
	// Titles names the report by language code (fr, ar, en); French
	// stands in for a missing language.
	Titles  map[string]string
	Formats []string // "pdf", "xlsx"
	// PerSession reports are made for one interview session.
	PerSession bool
}

// title names a report in the window's language.
func (r Report) title() string {
	if t, ok := r.Titles[Language()]; ok && t != "" {
		return display(t)
	}
	return display(r.Titles[LangFrench])
}

// ReportRequest asks for one report in one format.
type ReportRequest struct {
	ID, Format string
	SessionID  string // for a report made per session
}

// Reporter makes reports; the main package wires it to package reports.
type Reporter interface {
	// Reports lists the reports on offer.
	Reports() []Report
	// Generate writes one report to w, reporting progress, until done or
	// ctx is cancelled.
	Generate(ctx context.Context, req ReportRequest, w io.Writer, progress func(Progress)) error
}
