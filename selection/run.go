package selection

import "time"

// RunKind tells a pre-selection from a final selection.
type RunKind string

// The kinds of selection run.
const (
	RunPreselection RunKind = "preselection"
	RunFinal        RunKind = "final"
)

// Status is where a selection run leaves an applicant.
type Status string

// The statuses of preselection.xlsx, and those of the final selection.
const (
	StatusInvited     Status = "invited"
	StatusWaiting     Status = "waiting"
	StatusNotInvited  Status = "not_invited"
	StatusIneligible  Status = "ineligible"
	StatusSelected    Status = "selected"
	StatusNotRetained Status = "not_selected"
	StatusWithdrawn   Status = "withdrawn"
)

// PreselectionStatuses are the statuses a pre-selection gives, as
// preselection.xlsx writes them.
var PreselectionStatuses = []Status{StatusInvited, StatusWaiting, StatusNotInvited, StatusIneligible}

// Run is one execution of a selection, recorded so that anyone holding
// its inputs can rerun it and check its outputs.
type Run struct {
	ID           string
	Kind         RunKind
	Scope        string // "" for national, else a province code
	RulesVersion string
	RulesHash    string
	Seed         string
	Params       map[string]string
	InputHash    string // SHA-256 of the canonical inputs
	OutputHash   string // SHA-256 of the canonical outputs
	StartedAt    time.Time
	CommittedAt  time.Time // zero while a preview
	CreatedBy    string
}

// Outcome is one applicant's result in a run.
type Outcome struct {
	RunID       string
	ApplicantID string
	Status      Status
	CommuneCode string // invited to, waiting for or selected in
	Role        Role   // final selection only
	Rank        int    // within the commune (and role), from 1
	Score       float64
	Lottery     uint64
	Reason      string
}

// Withdrawal records a selected candidate dropping out, and who replaced
// them.
type Withdrawal struct {
	ID          string
	RunID       string
	ApplicantID string
	Reason      string
	ReplacedBy  string // applicant ID; "" if nobody could be promoted
	RecordedBy  string
	RecordedAt  time.Time
	// Changed are the run's outcomes the withdrawal changed: the
	// withdrawn, the promoted, the new ranks of a waiting list. They
	// travel with the withdrawal, so that headquarters and the other
	// laptops apply the same promotion.
	Changed []Outcome `json:",omitempty"`
}
