package office

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"intiqa/selection"
)

// SessionCandidate is one convoked candidate as a session's screen shows
// them to the signed-in user.
type SessionCandidate struct {
	Convocation selection.Convocation
	Applicant   *selection.Applicant
	Attendance  *selection.Attendance // nil until recorded
	OwnSheet    *selection.ScoreSheet // the viewer's sheet, nil if none
	Result      *PanelResult          // as the viewer may see it
}

// SessionCandidates lists a session's convoked candidates, by slot.
func (s *Service) SessionCandidates(ctx context.Context, sessionID string) ([]SessionCandidate, error) {
	u, err := s.check(ActViewInterviews)
	if err != nil {
		return nil, err
	}
	d, err := s.interviewData(ctx)
	if err != nil {
		return nil, err
	}
	x, ok := d.sessions[sessionID]
	if !ok {
		return nil, fmt.Errorf("session %s: %w", sessionID, selection.ErrNotFound)
	}
	if u.Role == selection.UserPanel && !slices.Contains(x.Panel, u.Name) {
		return nil, fmt.Errorf("session %s by %s: %w", sessionID, u.Name, ErrForbidden)
	}
	var out []SessionCandidate
	for _, c := range d.convs[sessionID] {
		a, err := s.store.Applicant(ctx, c.ApplicantID)
		if err != nil {
			return nil, err
		}
		redact(a) // a panel needs names, not personal data
		sc := SessionCandidate{Convocation: c, Applicant: a,
			Result: d.result(x, c.ApplicantID, u.Name)}
		if at, ok := d.attendance[key(x.ID, c.ApplicantID)]; ok {
			sc.Attendance = &at
		}
		for _, sh := range d.sheets[key(x.ID, c.ApplicantID)] {
			if sh.Member == u.Name {
				sc.OwnSheet = &sh
			}
		}
		out = append(out, sc)
	}
	return out, nil
}

// sessionFor returns a session and checks that a panel member sits on
// it and that the applicant is convoked to it.
func (s *Service) sessionFor(ctx context.Context, u *selection.User, sessionID,
	applicantID string) (*selection.InterviewSession, error) {
	x, err := s.store.Session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if u.Role == selection.UserPanel && !slices.Contains(x.Panel, u.Name) {
		return nil, fmt.Errorf("session %s by %s: %w", sessionID, u.Name, ErrForbidden)
	}
	convs, err := s.store.Convocations(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(convs, func(c selection.Convocation) bool {
		return c.ApplicantID == applicantID
	}) {
		return nil, fmt.Errorf("convocation of %s to %s: %w", applicantID, sessionID,
			selection.ErrNotFound)
	}
	return x, nil
}

// RecordAttendance records whether a convoked candidate came.
func (s *Service) RecordAttendance(ctx context.Context, sessionID, applicantID string,
	present bool) error {
	u, err := s.check(ActRecordAttendance)
	if err != nil {
		return err
	}
	if _, err := s.sessionFor(ctx, u, sessionID, applicantID); err != nil {
		return err
	}
	return s.store.PutAttendance(ctx, u.Name, &selection.Attendance{SessionID: sessionID,
		ApplicantID: applicantID, Present: present, RecordedBy: u.Name,
		RecordedAt: s.opts.Now().UTC()})
}

// SheetView is a panel member's view of one candidate's scoring: their
// own sheet, and the others' only once their own is submitted.
type SheetView struct {
	Rubric *selection.Rubric
	Own    selection.ScoreSheet // a blank draft when none was saved
	Others []selection.ScoreSheet
	Result *PanelResult
}

// ScoreSheet returns the signed-in panel member's sheet for a candidate,
// and the other members' sheets once theirs is submitted. Until then the
// others' scores and notes are sealed: not even returned.
func (s *Service) ScoreSheet(ctx context.Context, sessionID, applicantID string) (*SheetView, error) {
	u, err := s.check(ActScoreInterviews)
	if err != nil {
		return nil, err
	}
	x, err := s.sessionFor(ctx, u, sessionID, applicantID)
	if err != nil {
		return nil, err
	}
	d, err := s.interviewData(ctx)
	if err != nil {
		return nil, err
	}
	v := &SheetView{Rubric: d.rubric, Result: d.result(*x, applicantID, u.Name),
		Own: selection.ScoreSheet{SessionID: sessionID, ApplicantID: applicantID, Member: u.Name,
			Points: map[string]int{}, Notes: map[string]string{}}}
	sheets := d.sheets[key(sessionID, applicantID)]
	for _, sh := range sheets {
		if sh.Member == u.Name {
			v.Own = sh
		}
	}
	if v.Own.Submitted() {
		for _, sh := range sheets {
			if sh.Member != u.Name && sh.Submitted() {
				v.Others = append(v.Others, sh)
			}
		}
	}
	return v, nil
}

// SaveSheet saves the signed-in member's scores of a present candidate,
// as a draft or, with submit, for good. Submitting needs a score within
// the scale and a note for every criterion of the rubric.
func (s *Service) SaveSheet(ctx context.Context, sessionID, applicantID string,
	points map[string]int, notes map[string]string, submit bool) error {
	u, err := s.check(ActScoreInterviews)
	if err != nil {
		return err
	}
	x, err := s.sessionFor(ctx, u, sessionID, applicantID)
	if err != nil {
		return err
	}
	if !slices.Contains(x.Panel, u.Name) {
		return fmt.Errorf("score by %s, not on the panel of %s: %w", u.Name, x.ID, ErrForbidden)
	}
	d, err := s.interviewData(ctx)
	if err != nil {
		return err
	}
	if at, ok := d.attendance[key(x.ID, applicantID)]; !ok || !at.Present {
		return fmt.Errorf("score of %s: not recorded present: %w", applicantID, ErrInvalid)
	}
	if err := checkSheet(d.rubric, points, notes, submit); err != nil {
		return err
	}
	sheet := &selection.ScoreSheet{ID: "sht-" + s.opts.NewID(), SessionID: x.ID,
		ApplicantID: applicantID, Member: u.Name, Points: points, Notes: notes}
	for _, sh := range d.sheets[key(x.ID, applicantID)] {
		if sh.Member == u.Name {
			sheet.ID = sh.ID
		}
	}
	if submit {
		sheet.SubmittedAt = s.opts.Now().UTC()
	}
	return s.store.PutScoreSheet(ctx, u.Name, sheet)
}

// CriterionError names the rubric criterion a sheet lacks or scores out
// of range.
type CriterionError struct {
	Code    string
	Missing string // "points" or "note"
}

func (e *CriterionError) Error() string {
	return fmt.Sprintf("criterion %s: %s missing or out of range", e.Code, e.Missing)
}

// Unwrap makes a CriterionError an ErrInvalid.
func (e *CriterionError) Unwrap() error { return ErrInvalid }

// checkSheet checks points against the rubric's scales and, on submit,
// that every criterion has points and a note.
func checkSheet(r *selection.Rubric, points map[string]int, notes map[string]string,
	submit bool) error {
	for _, c := range r.Criteria {
		p, ok := points[c.Code]
		if ok && (p < 0 || p > c.Max) || !ok && submit {
			return &CriterionError{Code: c.Code, Missing: "points"}
		}
		if submit && strings.TrimSpace(notes[c.Code]) == "" {
			return &CriterionError{Code: c.Code, Missing: "note"}
		}
	}
	for code := range points {
		known := func(c selection.Criterion) bool { return c.Code == code }
		if !slices.ContainsFunc(r.Criteria, known) {
			return &CriterionError{Code: code, Missing: "points"}
		}
	}
	return nil
}
