package selection

import "time"

// Criterion is one interview criterion of the rubric, scored on an
// anchored scale from 0 to Max.
type Criterion struct {
	Code    string // e.g. "communication"
	LabelFR string
	LabelAR string
	Weight  float64  // share of the weighted score; the weights sum to 1
	Max     int      // top of the scale, 4 by default
	Anchors []string // one description per scale point, 0 to Max
}

// Rubric is the set of interview criteria set by headquarters.
type Rubric struct {
	Version  string
	Criteria []Criterion
}

// WeightedScore returns the weighted score, on a scale of 0 to 100, of one
// score sheet's points, keyed by criterion code.
func (r *Rubric) WeightedScore(points map[string]int) float64 {
	var s float64
	for _, c := range r.Criteria {
		if c.Max > 0 {
			s += c.Weight * float64(points[c.Code]) / float64(c.Max)
		}
	}
	return 100 * s
}

// InterviewSession is a sitting of a panel at a date and place.
type InterviewSession struct {
	ID           string
	ProvinceCode string
	StartsAt     time.Time
	Place        string
	Panel        []string // user names of the panel members
	Version      int
}

// Convocation is an applicant's slot in an interview session.
type Convocation struct {
	SessionID   string
	ApplicantID string
	Slot        time.Time
	Role        Role // the post the candidate is interviewed for
}

// Attendance records whether a convoked applicant came.
type Attendance struct {
	SessionID   string
	ApplicantID string
	Present     bool
	RecordedBy  string
	RecordedAt  time.Time
}

// ScoreSheet is one panel member's scores of one candidate on the rubric,
// with a note for each criterion.
type ScoreSheet struct {
	ID          string
	SessionID   string
	ApplicantID string
	Member      string         // user name of the panel member
	Points      map[string]int // by criterion code
	Notes       map[string]string
	SubmittedAt time.Time // zero while a draft
}

// Submitted reports whether the sheet is final.
func (s *ScoreSheet) Submitted() bool { return !s.SubmittedAt.IsZero() }
