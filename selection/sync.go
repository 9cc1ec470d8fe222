package selection

import (
	"encoding/json"
	"errors"
	"time"
)

// Errors of synchronisation between a laptop and headquarters.
var (
	// ErrConflict is returned when a decision was taken on a version of a
	// record that headquarters no longer holds: another laptop decided
	// first. It is shown to a supervisor, never overwritten silently.
	ErrConflict = errors.New("conflicting decision")
	// ErrSyncFirst is returned when a conflict cannot be resolved yet,
	// because the other laptop's decision has not been received.
	ErrSyncFirst = errors.New("synchronise first")
)

// SyncKind names one kind of record that travels between headquarters and
// the laptops.
type SyncKind string

// The kinds headquarters is the authority for: they travel from
// headquarters to the laptops only.
const (
	KindRegion    SyncKind = "region"
	KindProvince  SyncKind = "province"
	KindCommune   SyncKind = "commune"
	KindRules     SyncKind = "rules"
	KindRubric    SyncKind = "rubric"
	KindNeed      SyncKind = "need"
	KindApplicant SyncKind = "applicant"
	KindDocument  SyncKind = "document"
	KindTraining  SyncKind = "training"
	KindRun       SyncKind = "run"     // a run's record, without its outcomes
	KindOutcome   SyncKind = "outcome" // one applicant's outcome in a run
)

// The kinds of decision a province is the authority for: a laptop pushes
// them to headquarters, which passes them on to the province's other
// laptops.
const (
	KindReview      SyncKind = "review"
	KindSession     SyncKind = "session"
	KindConvocation SyncKind = "convocation"
	KindAttendance  SyncKind = "attendance"
	KindScoreSheet  SyncKind = "score_sheet"
	KindFinalRun    SyncKind = "final_run" // pushed with its outcomes
	KindWithdrawal  SyncKind = "withdrawal"
)

// DecisionKinds lists the kinds a laptop pushes.
var DecisionKinds = []SyncKind{
	KindReview, KindSession, KindConvocation, KindAttendance, KindScoreSheet,
	KindFinalRun, KindWithdrawal,
}

// Decision is one item of a laptop's outbox: a decision taken on the
// laptop, written in the same transaction as the decision itself, waiting
// to be pushed. ID is unique across laptops, so that a decision pushed
// twice is recognised. Base is the version of the record the decision was
// taken on ("" for a record the laptop saw no version of): headquarters
// applies the decision only if it still holds that version.
type Decision struct {
	ID   string          `json:"id"`
	Kind SyncKind        `json:"kind"`
	Base string          `json:"base,omitempty"`
	By   string          `json:"by"`   // the laptop user who decided
	Data json.RawMessage `json:"data"` // the decision, as its domain type in JSON
}

// FinalRunData is the Data of a final_run decision: the run and its
// outcomes. The decisions of a province's final selection are all taken
// on one record, the province's final selection, whose version is the ID
// of the run in force: a laptop's run based on another run than the one
// in force at headquarters is a conflict.
type FinalRunData struct {
	Run      Run
	Outcomes []Outcome
}

// DecisionStatus is headquarters' answer about one pushed decision.
type DecisionStatus string

// The answers to a pushed decision.
const (
	// DecisionApplied: the decision is now part of headquarters' data.
	DecisionApplied DecisionStatus = "applied"
	// DecisionDuplicate: headquarters had already applied this decision
	// (its ID); nothing changed.
	DecisionDuplicate DecisionStatus = "duplicate"
	// DecisionConflict: headquarters holds a newer version of the record
	// than the one the decision was based on; Current says which.
	DecisionConflict DecisionStatus = "conflict"
	// DecisionRejected: headquarters cannot apply the decision at all (it
	// names a record headquarters does not know, or breaks a rule);
	// Reason says why.
	DecisionRejected DecisionStatus = "rejected"
)

// DecisionResult answers one pushed decision.
type DecisionResult struct {
	ID      string         `json:"id"`
	Status  DecisionStatus `json:"status"`
	Reason  string         `json:"reason,omitempty"`
	Current *Change        `json:"current,omitempty"` // with a conflict: what headquarters holds
}

// Change is one record of a pull: the current state of a record that
// changed after the laptop's cursor. Version is set for the kinds of
// decision: it is what a laptop's next decision on the record is based
// on.
type Change struct {
	Seq     int64           `json:"seq"`
	Kind    SyncKind        `json:"kind"`
	Key     string          `json:"key"`
	Version string          `json:"version,omitempty"`
	Data    json.RawMessage `json:"data"`
}

// ChangePage is one page of a pull: the changes of one province after a
// cursor, in order. Cursor is where the next page starts; More tells
// whether there is one.
type ChangePage struct {
	Province string   `json:"province"`
	Cursor   int64    `json:"cursor"`
	More     bool     `json:"more"`
	Changes  []Change `json:"changes"`
}

// Conflict is a decision of this laptop that headquarters refused,
// waiting for a supervisor: Mine is the laptop's decision, Theirs what
// headquarters holds ("" when it refused the decision outright, with
// Reason).
type Conflict struct {
	ID         string // the refused decision's ID
	Kind       SyncKind
	Key        string
	Status     DecisionStatus // conflict or rejected
	Reason     string
	By         string
	Mine       json.RawMessage
	Theirs     json.RawMessage
	DetectedAt time.Time
}

// Resolution is a supervisor's choice on a conflict.
type Resolution string

// The choices of a supervisor on a conflict.
const (
	KeepMine   Resolution = "mine"   // take this laptop's decision again, over theirs
	KeepTheirs Resolution = "theirs" // confirm headquarters' version
)

// SyncRole is the role a laptop is enrolled with at headquarters.
type SyncRole string

// The roles of an enrollment token.
const (
	// SyncSupervisor: a province office laptop; pulls the province,
	// downloads documents, pushes every kind of decision.
	SyncSupervisor SyncRole = "supervisor"
	// SyncPanel: an interview-room laptop; pulls the province and pushes
	// attendance and score sheets only.
	SyncPanel SyncRole = "panel"
	// SyncCoordinator: a regional coordinator; pulls the province and
	// reads the national progress, pushes nothing.
	SyncCoordinator SyncRole = "coordinator"
)

// SyncRoles lists the valid roles.
var SyncRoles = []SyncRole{SyncSupervisor, SyncPanel, SyncCoordinator}

// MayPush reports whether a laptop enrolled with role may push decisions
// of kind k.
func (role SyncRole) MayPush(k SyncKind) bool {
	switch role {
	case SyncSupervisor:
		return true
	case SyncPanel:
		return k == KindAttendance || k == KindScoreSheet
	}
	return false
}

// ProgressFigures is the progress of the recruitment, computed from
// what the provinces have synced: the figures of SEED.md, for one region
// or category, or for the whole nation.
type ProgressFigures struct {
	Applicants  int `json:"applicants"`
	Invited     int `json:"invited"`
	WithFiles   int `json:"with_documents"` // applicants who uploaded documents
	Examined    int `json:"examined"`       // files with every document decided
	Accepted    int `json:"accepted"`
	Rejected    int `json:"rejected"`
	Pending     int `json:"pending"` // files not examined yet
	Interviewed int `json:"interviewed"`
	Selected    int `json:"selected"`
}

// ProgressReport is the national progress by region and by category,
// with the e-mails to applicants by status.
type ProgressReport struct {
	At         time.Time                  `json:"at"`
	National   ProgressFigures            `json:"national"`
	ByRegion   map[string]ProgressFigures `json:"by_region"`   // by region code
	ByCategory map[string]ProgressFigures `json:"by_category"` // by category
	Mail       MailCounts                 `json:"mail"`
}
