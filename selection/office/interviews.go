package office

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"intiqa/selection"
)

// SessionSummary is an interview session with its counts.
type SessionSummary struct {
	Session                              selection.InterviewSession
	Convoked, Present, Absent, Completed int // Completed: panel results locked
}

// Sessions lists the interview sessions a user may see: a panel member
// sees the sessions they sit on, others see them all.
func (s *Service) Sessions(ctx context.Context) ([]SessionSummary, error) {
	u, err := s.check(ActViewInterviews)
	if err != nil {
		return nil, err
	}
	sessions, err := s.store.Sessions(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.interviewData(ctx)
	if err != nil {
		return nil, err
	}
	var out []SessionSummary
	for _, x := range sessions {
		if u.Role == selection.UserPanel && !slices.Contains(x.Panel, u.Name) {
			continue
		}
		sum := SessionSummary{Session: x}
		for _, c := range all.convs[x.ID] {
			sum.Convoked++
			if a, ok := all.attendance[key(x.ID, c.ApplicantID)]; ok {
				if a.Present {
					sum.Present++
				} else {
					sum.Absent++
				}
			}
			if r := all.result(x, c.ApplicantID, ""); r.Locked {
				sum.Completed++
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

// interviewData is every convocation, attendance and sheet, indexed.
type interviewData struct {
	rubric      *selection.Rubric
	divergence  float64
	convs       map[string][]selection.Convocation    // by session
	attendance  map[string]selection.Attendance       // by key(session, applicant)
	sheets      map[string][]selection.ScoreSheet     // by key(session, applicant)
	sessions    map[string]selection.InterviewSession // by ID
	byApplicant map[string][]selection.Convocation    // by applicant
}

func key(session, applicant string) string { return session + "\x00" + applicant }

// interviewData reads every session's convocations, attendance and
// sheets.
func (s *Service) interviewData(ctx context.Context) (*interviewData, error) {
	rubric, err := s.rubric(ctx)
	if err != nil {
		return nil, err
	}
	d := &interviewData{rubric: rubric, divergence: s.opts.Divergence,
		convs: map[string][]selection.Convocation{}, attendance: map[string]selection.Attendance{},
		sheets: map[string][]selection.ScoreSheet{}, sessions: map[string]selection.InterviewSession{},
		byApplicant: map[string][]selection.Convocation{}}
	sessions, err := s.store.Sessions(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range sessions {
		d.sessions[x.ID] = x
	}
	convs, err := s.store.AllConvocations(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range convs {
		d.convs[c.SessionID] = append(d.convs[c.SessionID], c)
		d.byApplicant[c.ApplicantID] = append(d.byApplicant[c.ApplicantID], c)
	}
	atts, err := s.store.AllAttendance(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range atts {
		d.attendance[key(a.SessionID, a.ApplicantID)] = a
	}
	sheets, err := s.store.AllSheets(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range sheets {
		k := key(x.SessionID, x.ApplicantID)
		d.sheets[k] = append(d.sheets[k], x)
	}
	return d, nil
}

// rubric returns the newest rubric of the store, else the default one.
func (s *Service) rubric(ctx context.Context) (*selection.Rubric, error) {
	r, err := s.store.LatestRubric(ctx)
	if errors.Is(err, selection.ErrNotFound) {
		return selection.DefaultRubric(), nil
	}
	return r, err
}

// Rubric returns the rubric panels score on.
func (s *Service) Rubric(ctx context.Context) (*selection.Rubric, error) {
	if _, err := s.check(ActViewInterviews); err != nil {
		return nil, err
	}
	return s.rubric(ctx)
}

// PanelResult is what a panel's sheets give for one candidate.
type PanelResult struct {
	Members   int                // the panel's size
	Submitted int                // sheets submitted
	Scores    map[string]float64 // weighted score by member, 0 to 100; only those visible
	Mean      float64            // of the submitted sheets' weighted scores
	Spread    float64            // highest minus lowest submitted score
	Divergent bool               // Spread above the service's threshold
	Locked    bool               // every member submitted: the result is final
	Visible   bool               // the viewer may see the scores
}

// Score returns the panel's mean as a selection score.
func (r *PanelResult) Score() selection.Score {
	return selection.Score(r.Mean*100 + 0.5)
}

// result computes a candidate's panel result as viewer may see it: a
// panel member sees the others' scores once their own sheet is
// submitted; anyone else sees them once the result is locked. An empty
// viewer sees everything (the service's own use).
func (d *interviewData) result(x selection.InterviewSession, applicant, viewer string) *PanelResult {
	r := &PanelResult{Members: len(x.Panel), Scores: map[string]float64{}}
	lo, hi := 0.0, 0.0
	mine := false
	for _, sh := range d.sheets[key(x.ID, applicant)] {
		if !sh.Submitted() || !slices.Contains(x.Panel, sh.Member) {
			continue
		}
		w := d.rubric.WeightedScore(sh.Points)
		if r.Submitted == 0 || w < lo {
			lo = w
		}
		if r.Submitted == 0 || w > hi {
			hi = w
		}
		r.Submitted++
		r.Mean += w
		r.Scores[sh.Member] = w
		mine = mine || sh.Member == viewer
	}
	if r.Submitted > 0 {
		r.Mean /= float64(r.Submitted)
	}
	r.Spread = hi - lo
	r.Divergent = r.Spread > d.divergence
	r.Locked = r.Members > 0 && r.Submitted == r.Members
	member := slices.Contains(x.Panel, viewer)
	r.Visible = viewer == "" || (member && mine) || (!member && r.Locked)
	if !r.Visible {
		r.Scores, r.Mean, r.Spread, r.Divergent = map[string]float64{}, 0, 0, false
	}
	return r
}

// PlanSession creates an interview session of the province, with a panel
// of accounts holding the panel role.
func (s *Service) PlanSession(ctx context.Context, startsAt time.Time, place string,
	panel []string) (*selection.InterviewSession, error) {
	u, err := s.check(ActPlanInterviews)
	if err != nil {
		return nil, err
	}
	place = strings.TrimSpace(place)
	switch {
	case place == "":
		return nil, fmt.Errorf("session place: %w", ErrInvalid)
	case startsAt.IsZero():
		return nil, fmt.Errorf("session date: %w", ErrInvalid)
	case len(panel) == 0:
		return nil, fmt.Errorf("session panel: %w", ErrInvalid)
	}
	for _, name := range panel {
		m, err := s.store.User(ctx, name)
		if err != nil || m.Role != selection.UserPanel || m.Disabled {
			return nil, fmt.Errorf("panel member %q: %w", name, ErrInvalid)
		}
	}
	x := &selection.InterviewSession{ID: "ses-" + s.opts.NewID(), ProvinceCode: s.store.Scope(),
		StartsAt: startsAt.UTC(), Place: place, Panel: slices.Clone(panel), Version: 1}
	if err := s.store.PutSession(ctx, u.Name, x); err != nil {
		return nil, err
	}
	return x, nil
}

// ConvocationSlot is the time given to each candidate of a session.
const ConvocationSlot = 20 * time.Minute

// Convoke gives slots in a session to at most max applicants invited by
// the pre-selection whose documents are all accepted and who have no
// convocation yet, by applicant ID. Each is interviewed for controller
// when they meet its requirements, else for enumerator.
func (s *Service) Convoke(ctx context.Context, sessionID string,
	max int) ([]selection.Convocation, error) {
	u, err := s.check(ActPlanInterviews)
	if err != nil {
		return nil, err
	}
	x, err := s.store.Session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	ids, err := s.convocable(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.interviewData(ctx)
	if err != nil {
		return nil, err
	}
	start := x.StartsAt.Add(time.Duration(len(d.convs[x.ID])) * ConvocationSlot)
	rules, err := s.rules(ctx)
	if err != nil {
		return nil, err
	}
	var out []selection.Convocation
	for _, id := range ids {
		if len(out) == max {
			break
		}
		if len(d.byApplicant[id]) > 0 {
			continue
		}
		a, err := s.store.Applicant(ctx, id)
		if err != nil {
			return out, err
		}
		c := selection.Convocation{SessionID: x.ID, ApplicantID: id, Role: selection.RoleEnumerator,
			Slot: start.Add(time.Duration(len(out)) * ConvocationSlot)}
		if rules.MeetsController(a) {
			c.Role = selection.RoleController
		}
		if err := s.store.PutConvocation(ctx, u.Name, &c); err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

// convocable lists, by ID, the applicants invited by the pre-selection
// whose required documents are all accepted.
func (s *Service) convocable(ctx context.Context) ([]string, error) {
	_, pre, err := s.preselection(ctx)
	if err != nil {
		return nil, err
	}
	states, err := s.store.DocumentStates(ctx)
	if err != nil {
		return nil, err
	}
	_, files := countReviews(states)
	var ids []string
	for id, o := range pre {
		if f := files[id]; o.Status == selection.StatusInvited && f != nil &&
			f.State() == selection.VerdictAccepted {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// interviewsOf returns an applicant's convocations with their attendance
// and, once locked, the panel's result.
func (s *Service) interviewsOf(ctx context.Context, applicantID string) ([]InterviewRecord, error) {
	d, err := s.interviewData(ctx)
	if err != nil {
		return nil, err
	}
	viewer := ""
	if u := s.User(); u != nil {
		viewer = u.Name
	}
	var out []InterviewRecord
	for _, c := range d.byApplicant[applicantID] {
		x := d.sessions[c.SessionID]
		rec := InterviewRecord{Session: x, Convoked: c}
		if a, ok := d.attendance[key(x.ID, applicantID)]; ok {
			rec.Attendance = &a
		}
		if r := d.result(x, applicantID, viewer); r.Locked && r.Visible {
			rec.Result = r
		}
		out = append(out, rec)
	}
	return out, nil
}
