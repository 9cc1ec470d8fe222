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

// ErrBadBackup is returned by a Keeper for a file that is not a sound
// backup archive (damaged, truncated, or not a backup): nothing was
// changed.
var ErrBadBackup = errors.New("backup archive damaged or incomplete")

// ErrBackupMismatch is returned by a Keeper for a sound backup of
// another store: another province, or the demonstration on a laptop's
// store and the reverse. Nothing was changed.
var ErrBackupMismatch = errors.New("backup of another store")

// ErrStorePresent is returned by Backend.RestoreNew when this computer
// already holds a store: replacing it is for an administrator signed in
// to it (Keeper.Restore).
var ErrStorePresent = errors.New("a store is already on this computer")

// ErrDataDirUnusable is returned by a Keeper for a data folder that is
// not an absolute path or cannot be written to.
var ErrDataDirUnusable = errors.New("data folder not usable")

// ErrDataDirMissing is returned by Backend.Open when the data folder
// chosen in the window is absent, e.g. an encrypted drive not unlocked:
// the app does not start an empty store elsewhere.
var ErrDataDirMissing = errors.New("chosen data folder missing")

// ErrBundleRefused is returned by a Syncer for a bundle file whose
// signature does not hold: altered, or not written by headquarters for
// this laptop. Nothing was changed.
var ErrBundleRefused = errors.New("sync bundle refused")

// ErrBundleOld is returned by a Syncer for a bundle file of a former
// format, which must be written again. Nothing was changed.
var ErrBundleOld = errors.New("sync bundle of a former version")

// ErrBundleNoKey is returned by a Syncer when the laptop has no key to
// sign or check bundles yet: it gets one at its next sync over the
// network, or by enrolling again.
var ErrBundleNoKey = errors.New("no bundle key on this laptop")

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
	// Keeper backs the store up, restores it and chooses the data
	// folder; nil when none is built in.
	Keeper Keeper
}

// DataDirs tells where the laptop keeps its data.
type DataDirs struct {
	Current string // the folder in use
	Default string // the system's convention for it
	Chosen  string // the folder chosen for the next start; "" for the default
	Forced  bool   // the command line (--data) named the folder in use
}

// BackupSummary tells what a backup archive holds.
type BackupSummary struct {
	Path      string
	CreatedAt time.Time
	Version   string // Intiqa's version that wrote it
	Documents int    // document files in it
	Missing   int    // document files the store references, not on the laptop then
}

// Keeper keeps the laptop's data safe: backups of the store and its
// document files, restores, and the choice of the data folder. Each
// method checks the signed-in user's role in the core before acting.
type Keeper interface {
	// DataDirs tells where the data is and where it will be.
	DataDirs() DataDirs
	// ChooseDataDir remembers dir as the data folder from the next start
	// on ("" for the system's default). It does not move the data.
	ChooseDataDir(dir string) error
	// MoveDataDir copies the store and its document files into dir (a
	// folder with no store), checks the copy whole, remembers dir for
	// the next start, and closes the store: the app must be started
	// again. closed tells whether the store was closed.
	MoveDataDir(ctx context.Context, dir string, progress func(Progress)) (closed bool, err error)
	// Backup writes an archive of the store and its document files to
	// path while the store stays in use.
	Backup(ctx context.Context, path string, progress func(Progress)) (BackupSummary, error)
	// Restore checks the archive at path whole, then closes the store,
	// puts the archive's store and files in place (the replaced store
	// is kept beside) and returns. closed tells whether the store was
	// closed, also on error: the window must then open the data again.
	Restore(ctx context.Context, path string, progress func(Progress)) (
		s BackupSummary, closed bool, err error)
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
	// RestoreNew fills this computer, which holds no store yet, from a
	// backup archive (a laptop replaced, a data folder moved), checked
	// whole first, and opens it; the accounts are the archive's. It
	// returns ErrStorePresent when a store is here already.
	RestoreNew(ctx context.Context, path string, progress func(Progress)) (*Dataset, error)
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
	// Reason is why headquarters refused this laptop's decision outright
	// (its applicant moved to another province, say); "" for a conflict
	// with another laptop's decision.
	Reason string
	// Final, for a conflict on the province's final selection, shows the
	// two runs in place of Local and Remote.
	Final *FinalConflict
	// Review, for a conflict on a document's review, shows the document
	// and the two verdicts in place of Local and Remote.
	Review *ReviewConflict
}

// ReviewConflict is a conflict on the review of a document: this
// laptop's verdict, and the one headquarters holds from another laptop.
type ReviewConflict struct {
	ApplicantID   string
	Name, NameAR  string // the applicant's, in Latin and Arabic script
	Document      selection.DocumentKind
	Local, Remote selection.Review
}

// FinalConflict is a conflict on the province's final selection: this
// laptop's run, and the one another laptop put in force first. Only one
// final selection holds for a province.
type FinalConflict struct {
	Local, Remote FinalRun
}

// FinalRun is a final selection run as a conflict shows it.
type FinalRun struct {
	By                string    // who ran it
	At                time.Time // when it was committed
	Selected, Waiting int       // -1 when not known on this laptop
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
	// Identity tells how headquarters knows this laptop.
	Identity(ctx context.Context) (SyncIdentity, error)
}

// SyncIdentity is how headquarters knows a laptop, for an operator to
// compare with its list of tokens.
type SyncIdentity struct {
	Province string // the province the token is for
	TokenID  string // the token's ID, never its secret
	// Key is the fingerprint of the key that signs the laptop's bundles,
	// as headquarters lists it; "" until headquarters registered it.
	Key string
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
