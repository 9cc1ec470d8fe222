package mail

import (
	"fmt"
	"time"
	_ "time/tzdata" // Africa/Casablanca on any machine, for slot times

	"intiqa/selection"
)

// place is a commune or province named in both scripts.
type place struct {
	Code string
	FR   string
	AR   string
}

// View is the data a message template reads: the applicant's record, the
// facts of the event, and the account of the training platform.
type View struct {
	ApplicantID string
	FirstName   string
	LastName    string
	FirstNameAR string
	LastNameAR  string
	Female      bool
	Username    string // the applicant's e-mail
	// Password is the initial password of the training platform, set
	// only in the message handed to the SMTP server; empty in previews.
	Password     string
	Commune      place
	Province     place
	Rank         int
	Role         selection.Role
	Slot         time.Time // in Morocco's time
	Place        string
	DocumentKind selection.DocumentKind
	RejectReason selection.RejectReason
	Documents    []selection.DocumentKind // those the applicant must upload
	TrainingURL  string
	UploadURL    string
}

// G picks the masculine or feminine form of a word for the applicant.
func (v *View) G(masculine, feminine string) string {
	if v.Female {
		return feminine
	}
	return masculine
}

// Links are the addresses the messages give applicants; empty ones are
// left out.
type Links struct {
	Training string // the training platform
	Upload   string // where applicants upload documents
}

// morocco is the time zone of interview slots.
var morocco = mustLocation("Africa/Casablanca")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("time zone %s: %v", name, err))
	}
	return loc
}

// NewView gathers what a notification's message says: the applicant's
// current record, the places named in the reference territory, and the
// notification's facts.
func NewView(n *selection.Notification, a *selection.Applicant, terr *selection.Territory,
	links Links) (*View, error) {
	v := &View{
		ApplicantID: a.ID, FirstName: a.FirstName, LastName: a.LastName,
		FirstNameAR: a.FirstNameAR, LastNameAR: a.LastNameAR, Female: a.Sex == selection.SexFemale,
		Username: a.Email, Rank: n.Facts.Rank, Role: n.Facts.Role, Place: n.Facts.Place,
		DocumentKind: n.Facts.DocumentKind, RejectReason: n.Facts.RejectReason,
		TrainingURL: links.Training, UploadURL: links.Upload,
	}
	if !n.Facts.Slot.IsZero() {
		v.Slot = n.Facts.Slot.In(morocco)
	}
	code := n.Facts.CommuneCode
	if code == "" && len(a.Choices) > 0 {
		code = a.Choices[0]
	}
	c, ok := terr.Commune(code)
	if !ok {
		return nil, fmt.Errorf("notification %d: commune %q not in the territory", n.ID, code)
	}
	v.Commune = place{Code: c.Code, FR: c.NameFR, AR: c.NameAR}
	if p, ok := terr.Province(c.ProvinceCode); ok {
		v.Province = place{Code: p.Code, FR: p.NameFR, AR: p.NameAR}
	}
	if n.Kind == selection.NotifyUploadDocuments {
		v.Documents = selection.RequiredDocuments(a)
	}
	return v, nil
}
