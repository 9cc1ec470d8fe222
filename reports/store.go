package reports

import (
	"context"
	"fmt"
	"iter"
	"time"

	"intiqa/selection"
)

// Places is what every report reads: the territory, to name the
// communes and provinces, and the store's scope.
type Places interface {
	Territory(ctx context.Context) (*selection.Territory, error)
	// Scope returns the province the store holds, or "" for the nation.
	Scope() string
}

// People looks applicants up by ID.
type People interface {
	Applicant(ctx context.Context, id string) (*selection.Applicant, error)
}

// SessionStore is what the session lists read.
type SessionStore interface {
	Places
	People
	Session(ctx context.Context, id string) (*selection.InterviewSession, error)
	Convocations(ctx context.Context, sessionID string) ([]selection.Convocation, error)
	Attendance(ctx context.Context, sessionID string) ([]selection.Attendance, error)
	ScoreSheets(ctx context.Context, sessionID, applicantID string) ([]selection.ScoreSheet, error)
}

// RunStore is what the lists of a final selection read.
type RunStore interface {
	Places
	People
	Run(ctx context.Context, id string) (*selection.Run, error)
	Outcomes(ctx context.Context, runID string) ([]selection.Outcome, error)
}

// ReviewStore is what the document review status reads.
type ReviewStore interface {
	Places
	People
	DocumentReviews(ctx context.Context) iter.Seq2[selection.DocumentReview, error]
}

// StatsStore is what the statistics read.
type StatsStore interface {
	Places
	Needs(ctx context.Context) ([]selection.Need, error)
	Tallies(ctx context.Context) ([]selection.CommuneTally, error)
}

// Store is everything the reports read; the SQLite store (localdb)
// implements it.
type Store interface {
	SessionStore
	RunStore
	ReviewStore
	StatsStore
}

// scopeNames returns the header line naming a scope: a province, a
// region or the nation.
func scopeNames(terr *selection.Territory, scope string) (string, string) {
	if scope == "" {
		return "Niveau national", "المستوى الوطني"
	}
	for _, p := range terr.Provinces {
		if p.Code == scope {
			kind, kindAR := "Province", "إقليم"
			if p.Type != selection.ProvinceTypeProvince {
				kind, kindAR = "Préfecture", "عمالة"
			}
			return fmt.Sprintf("%s de %s (%s)", kind, p.NameFR, p.Code), kindAR + " " + p.NameAR
		}
	}
	for _, r := range terr.Regions {
		if r.Code == scope {
			return fmt.Sprintf("Région %s (%s)", r.NameFR, r.Code), "جهة " + r.NameAR
		}
	}
	return scope, ""
}

// newMeta fills the header and footer of a report of a store.
func newMeta(ctx context.Context, p Places, scope, title, titleAR string,
	printed time.Time) (Meta, *selection.Territory, error) {
	terr, err := p.Territory(ctx)
	if err != nil {
		return Meta{}, nil, fmt.Errorf("read territory: %w", err)
	}
	fr, ar := scopeNames(terr, scope)
	return Meta{Office: OfficeFR, OfficeAR: OfficeAR, Scope: fr, ScopeAR: ar,
		Title: title, TitleAR: titleAR, Printed: printed}, terr, nil
}

// communeNames returns a commune's French and Arabic names, or its code.
func communeNames(terr *selection.Territory, code string) (string, string) {
	c, ok := terr.Commune(code)
	if !ok {
		return code, ""
	}
	return c.NameFR, c.NameAR
}
