package office

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"intiqa/selection"
)

// cache holds what the service reads once per store: the territory, the
// needs, the pre-selection (from headquarters, unchanged on the laptop)
// and its rerun for explanations.
type cache struct {
	once      sync.Once
	territory *selection.Territory
	needs     []selection.Need
	rules     *selection.Rules
	err       error

	preOnce  sync.Once
	preRun   *selection.Run
	preOut   map[string]selection.Outcome
	preErr   error
	explOnce sync.Once
	explain  *selection.Preselection
	explErr  error
}

// reference returns the territory and the needs, read on first use.
func (s *Service) reference(ctx context.Context) (*selection.Territory, []selection.Need, error) {
	c := s.cached()
	c.once.Do(func() {
		if c.territory, c.err = s.store.Territory(ctx); c.err == nil {
			c.needs, c.err = s.store.Needs(ctx)
		}
		if c.err == nil {
			c.rules, c.err = s.store.CurrentRules(ctx)
		}
	})
	return c.territory, c.needs, c.err
}

// rules returns the selection rules in force, read on first use.
func (s *Service) rules(ctx context.Context) (*selection.Rules, error) {
	if _, _, err := s.reference(ctx); err != nil {
		return nil, err
	}
	return s.cached().rules, nil
}

// Territory returns the reference territory, for names of places.
func (s *Service) Territory(ctx context.Context) (*selection.Territory, error) {
	t, _, err := s.reference(ctx)
	return t, err
}

// Province returns the province the laptop holds.
func (s *Service) Province(ctx context.Context) (selection.Province, error) {
	t, err := s.Territory(ctx)
	if err != nil {
		return selection.Province{}, err
	}
	p, ok := t.Province(s.store.Scope())
	if !ok {
		return p, fmt.Errorf("province %q: %w", s.store.Scope(), selection.ErrScope)
	}
	return p, nil
}

// preselection returns the latest pre-selection run and its outcomes by
// applicant; with no run, nil and an empty map.
func (s *Service) preselection(ctx context.Context) (*selection.Run,
	map[string]selection.Outcome, error) {
	c := s.cached()
	c.preOnce.Do(func() {
		c.preOut = map[string]selection.Outcome{}
		run, err := s.store.LatestRun(ctx, selection.RunPreselection)
		if errors.Is(err, selection.ErrNotFound) {
			return
		}
		if err != nil {
			c.preErr = err
			return
		}
		outs, err := s.store.Outcomes(ctx, run.ID)
		if err != nil {
			c.preErr = err
			return
		}
		c.preRun = run
		for _, o := range outs {
			c.preOut[o.ApplicantID] = o
		}
	})
	return c.preRun, c.preOut, c.preErr
}

// PreselectionOutcomes returns each applicant's pre-selection outcome,
// by applicant ID.
func (s *Service) PreselectionOutcomes(ctx context.Context) (map[string]selection.Outcome, error) {
	if _, err := s.check(ActViewApplicants); err != nil {
		return nil, err
	}
	_, out, err := s.preselection(ctx)
	return out, err
}

// CountApplicants returns the number of the province's applicants.
func (s *Service) CountApplicants(ctx context.Context) (int, error) {
	if _, err := s.check(ActViewApplicants); err != nil {
		return 0, err
	}
	return s.store.CountApplicants(ctx, selection.ApplicantFilter{ProvinceCode: s.store.Scope()})
}

// Applicants streams the province's applicants that match f, by ID.
// Users who may not see personal data get them without national ID,
// phone, e-mail and birth date.
func (s *Service) Applicants(ctx context.Context,
	f selection.ApplicantFilter) iter.Seq2[*selection.Applicant, error] {
	return func(yield func(*selection.Applicant, error) bool) {
		if _, err := s.check(ActViewApplicants); err != nil {
			yield(nil, err)
			return
		}
		personal := s.Can(ActViewPersonalData)
		f.ProvinceCode = s.store.Scope()
		for a, err := range s.store.Applicants(ctx, f) {
			if err == nil && !personal {
				redact(a)
			}
			if !yield(a, err) || err != nil {
				return
			}
		}
	}
}

// redact removes an applicant's personal data.
func redact(a *selection.Applicant) {
	a.CIN, a.Phone, a.Email, a.BirthDate = "", "", "", time.Time{}
}

// Detail is everything the applicants screen shows of one applicant.
type Detail struct {
	Applicant    *selection.Applicant
	Documents    []DocState
	Reviews      map[string][]selection.Review // by document ID, oldest first
	Training     *selection.TrainingProgress   // nil when none
	Interviews   []InterviewRecord
	Preselection *selection.Outcome     // nil when no run
	Explanation  *selection.Explanation // nil when it cannot be given
	Final        *selection.Outcome     // in the committed final selection
}

// InterviewRecord is an applicant's convocation with what came of it.
type InterviewRecord struct {
	Session    selection.InterviewSession
	Convoked   selection.Convocation
	Attendance *selection.Attendance
	Result     *PanelResult // only once the panel's result is locked
}

// ApplicantDetail gathers one applicant's declared data, documents,
// reviews, training, interviews and selection status with its
// explanation.
func (s *Service) ApplicantDetail(ctx context.Context, id string) (*Detail, error) {
	if _, err := s.check(ActViewApplicants); err != nil {
		return nil, err
	}
	a, err := s.store.Applicant(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.ProvinceCode() != s.store.Scope() {
		return nil, fmt.Errorf("applicant %s: %w", id, selection.ErrScope)
	}
	if !s.Can(ActViewPersonalData) {
		redact(a)
	}
	d := &Detail{Applicant: a, Reviews: map[string][]selection.Review{}}
	if err := s.fillDocuments(ctx, d); err != nil {
		return nil, err
	}
	if d.Training, err = s.store.TrainingOf(ctx, id); errors.Is(err, selection.ErrNotFound) {
		d.Training, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	if d.Interviews, err = s.interviewsOf(ctx, id); err != nil {
		return nil, err
	}
	return d, s.fillSelection(ctx, d)
}

// fillDocuments adds an applicant's documents and their reviews.
func (s *Service) fillDocuments(ctx context.Context, d *Detail) error {
	docs, err := s.store.DocumentsOf(ctx, d.Applicant.ID)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		revs, err := s.store.Reviews(ctx, doc.ID)
		if err != nil {
			return err
		}
		d.Reviews[doc.ID] = revs
		d.Documents = append(d.Documents, stateOf(doc, revs))
	}
	return nil
}

// stateOf is a document's state after its reviews.
func stateOf(doc selection.Document, revs []selection.Review) DocState {
	st := DocState{Document: doc, Verdict: selection.VerdictPending}
	if n := len(revs); n > 0 {
		last := revs[n-1]
		st.Verdict, st.Reason, st.Version, st.Reviewer = last.Verdict, last.Reason,
			last.Version, last.Reviewer
	}
	return st
}

// fillSelection adds the pre-selection outcome with its explanation and
// the committed final outcome.
func (s *Service) fillSelection(ctx context.Context, d *Detail) error {
	id := d.Applicant.ID
	_, pre, err := s.preselection(ctx)
	if err != nil {
		return err
	}
	if o, ok := pre[id]; ok {
		d.Preselection = &o
		if p, err := s.explainer(ctx); err == nil && p != nil {
			if e, err := p.Explain(id); err == nil && e.Status == o.Status {
				d.Explanation = e
			}
		}
	}
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
	for _, o := range outs {
		if o.ApplicantID == id {
			d.Final = &o
			break
		}
	}
	return nil
}

// explainer reruns the latest pre-selection on the province's applicants
// and needs, once, to explain its outcomes. The rerun can explain an
// outcome only where it agrees with the stored one: a national run also
// weighed other provinces' applicants.
func (s *Service) explainer(ctx context.Context) (*selection.Preselection, error) {
	c := s.cached()
	c.explOnce.Do(func() {
		run, _, err := s.preselection(ctx)
		if err != nil || run == nil {
			c.explErr = err
			return
		}
		_, needs, err := s.reference(ctx)
		if err != nil {
			c.explErr = err
			return
		}
		var apps []*selection.Applicant
		f := selection.ApplicantFilter{ProvinceCode: s.store.Scope()}
		for a, err := range s.store.Applicants(ctx, f) {
			if err != nil {
				c.explErr = err
				return
			}
			apps = append(apps, a)
		}
		rules, err := s.rules(ctx)
		if err != nil {
			c.explErr = err
			return
		}
		if run.RulesHash != rules.Hash() {
			if rules = selection.DefaultRules(); run.RulesHash != rules.Hash() {
				return // ran on rules this laptop no longer holds: no explanation
			}
		}
		c.explain, c.explErr = selection.Preselect(selection.PreselectInput{
			Rules: rules, Seed: run.Seed, Applicants: apps, Needs: needs})
	})
	return c.explain, c.explErr
}

// Forget drops what the service read once from the store (territory,
// needs, pre-selection), for when a sync brought new data.
func (s *Service) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cache = &cache{}
}

// cached returns the current cache.
func (s *Service) cached() *cache {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cache
}
