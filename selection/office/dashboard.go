package office

import (
	"context"
	"errors"

	"intiqa/selection"
)

// CommuneFigures are one commune's figures: field posts, the training
// needs the pre-selection aimed at, who it invited and who is selected.
type CommuneFigures struct {
	Commune                 selection.Commune
	FieldNeeds              int // enumerators and controllers
	TrainingNeeds           int // the pre-selection's quota
	Applications            int // applicants whose first choice it is
	Invited, Waiting        int
	Selected, FinalWaiting  int
	Enumerators, Controller int // selected by role
}

// InterviewFigures count convocations and their outcome.
type InterviewFigures struct {
	Sessions, Convoked, Present, Absent, Scored, Divergent int
}

// SelectionFigures count the committed final selection.
type SelectionFigures struct {
	Committed                    bool
	Selected, Waiting, Withdrawn int
	Controllers, Enumerators     int
	Posts                        int
}

// Figures are a province's figures in the shape of SEED.md's tables.
type Figures struct {
	Province     selection.Province
	Applications int
	ByCategory   map[selection.Category]int
	Communes     []CommuneFigures
	Invited      int
	FieldNeeds   int
	Documents    ReviewCounts
	Interviews   InterviewFigures
	Selection    SelectionFigures
}

// Figures computes the province's dashboard.
func (s *Service) Figures(ctx context.Context) (*Figures, error) {
	if _, err := s.check(ActViewDashboard); err != nil {
		return nil, err
	}
	p, err := s.Province(ctx)
	if err != nil {
		return nil, err
	}
	terr, needs, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	f := &Figures{Province: p, ByCategory: map[selection.Category]int{}}
	idx := map[string]int{}
	for _, c := range terr.CommunesOf(p.Code) {
		idx[c.Code] = len(f.Communes)
		f.Communes = append(f.Communes, CommuneFigures{Commune: c})
	}
	rules, err := s.rules(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range needs {
		if i, ok := idx[n.CommuneCode]; ok {
			c := &f.Communes[i]
			c.FieldNeeds = n.Total()
			c.TrainingNeeds = rules.Preselection.QuotaMultiplier.Of(n.Total())
			f.FieldNeeds += n.Total()
		}
	}
	if err := s.countApplicants(ctx, f, idx); err != nil {
		return nil, err
	}
	if err := s.countFinal(ctx, f, idx); err != nil {
		return nil, err
	}
	states, err := s.store.DocumentStates(ctx)
	if err != nil {
		return nil, err
	}
	f.Documents, _ = countReviews(states)
	return f, s.countInterviews(ctx, &f.Interviews)
}

// countApplicants counts applications by category and first choice, and
// the pre-selection's outcomes by commune.
func (s *Service) countApplicants(ctx context.Context, f *Figures, idx map[string]int) error {
	filter := selection.ApplicantFilter{ProvinceCode: f.Province.Code}
	for a, err := range s.store.Applicants(ctx, filter) {
		if err != nil {
			return err
		}
		f.Applications++
		f.ByCategory[a.Category]++
		if i, ok := idx[a.Choices[0]]; ok {
			f.Communes[i].Applications++
		}
	}
	_, pre, err := s.preselection(ctx)
	if err != nil {
		return err
	}
	for _, o := range pre {
		i, ok := idx[o.CommuneCode]
		switch {
		case !ok:
		case o.Status == selection.StatusInvited:
			f.Communes[i].Invited++
			f.Invited++
		case o.Status == selection.StatusWaiting:
			f.Communes[i].Waiting++
		}
	}
	return nil
}

// countFinal counts the committed final selection by commune and role.
func (s *Service) countFinal(ctx context.Context, f *Figures, idx map[string]int) error {
	f.Selection.Posts = f.FieldNeeds
	run, err := s.store.LatestRun(ctx, selection.RunFinal)
	if errors.Is(err, selection.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	outs, err := s.store.Outcomes(ctx, run.ID)
	if err != nil {
		return err
	}
	f.Selection.Committed = true
	for _, o := range outs {
		i, ok := idx[o.CommuneCode]
		switch o.Status {
		case selection.StatusSelected:
			f.Selection.Selected++
			if o.Role == selection.RoleController {
				f.Selection.Controllers++
			} else {
				f.Selection.Enumerators++
			}
			if ok {
				f.Communes[i].Selected++
				if o.Role == selection.RoleController {
					f.Communes[i].Controller++
				} else {
					f.Communes[i].Enumerators++
				}
			}
		case selection.StatusWaiting:
			f.Selection.Waiting++
			if ok {
				f.Communes[i].FinalWaiting++
			}
		case selection.StatusWithdrawn:
			f.Selection.Withdrawn++
		}
	}
	return nil
}

// countInterviews counts sessions, convocations, attendance and locked
// panel results.
func (s *Service) countInterviews(ctx context.Context, f *InterviewFigures) error {
	d, err := s.interviewData(ctx)
	if err != nil {
		return err
	}
	f.Sessions = len(d.sessions)
	for sid, convs := range d.convs {
		x := d.sessions[sid]
		for _, c := range convs {
			f.Convoked++
			if a, ok := d.attendance[key(sid, c.ApplicantID)]; ok {
				if a.Present {
					f.Present++
				} else {
					f.Absent++
				}
			}
			if r := d.result(x, c.ApplicantID, ""); r.Locked {
				f.Scored++
				if r.Divergent {
					f.Divergent++
				}
			}
		}
	}
	return nil
}
