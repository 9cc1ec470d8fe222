package office

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"intiqa/selection"
)

// finalCandidates gathers the final selection's input: the applicants
// the pre-selection invited, with whether their required documents are
// all accepted, whether they attended, their panel's locked score and
// their training test score.
func (s *Service) finalCandidates(ctx context.Context) ([]selection.Candidate, []selection.Need,
	error) {
	_, needs, err := s.reference(ctx)
	if err != nil {
		return nil, nil, err
	}
	_, pre, err := s.preselection(ctx)
	if err != nil {
		return nil, nil, err
	}
	states, err := s.store.DocumentStates(ctx)
	if err != nil {
		return nil, nil, err
	}
	_, files := countReviews(states)
	d, err := s.interviewData(ctx)
	if err != nil {
		return nil, nil, err
	}
	training := map[string]*selection.Score{}
	for t, err := range s.store.Training(ctx) {
		if err != nil {
			return nil, nil, err
		}
		if t.TestScore != nil {
			sc := selection.Score(*t.TestScore*100 + 0.5)
			training[t.ApplicantID] = &sc
		}
	}
	var out []selection.Candidate
	f := selection.ApplicantFilter{ProvinceCode: s.store.Scope()}
	for a, err := range s.store.Applicants(ctx, f) {
		if err != nil {
			return nil, nil, err
		}
		o, ok := pre[a.ID]
		if !ok || o.Status != selection.StatusInvited {
			continue
		}
		c := selection.Candidate{Applicant: a, CommuneCode: o.CommuneCode,
			DocumentsAccepted: documentsAccepted(a, files[a.ID]), Training: training[a.ID]}
		c.Attended, c.Interview = d.interviewOf(a.ID)
		out = append(out, c)
	}
	return out, needs, nil
}

// documentsAccepted tells whether every document an applicant's
// declarations require is accepted.
func documentsAccepted(a *selection.Applicant, f *Dossier) bool {
	if f == nil {
		return false
	}
	for _, k := range selection.RequiredDocuments(a) {
		if f.Kinds[k] != selection.VerdictAccepted {
			return false
		}
	}
	return true
}

// interviewOf tells whether an applicant attended an interview, and the
// locked panel score of their latest session that has one.
func (d *interviewData) interviewOf(applicantID string) (bool, *selection.Score) {
	attended := false
	var score *selection.Score
	var at int64
	for _, c := range d.byApplicant[applicantID] {
		a, ok := d.attendance[key(c.SessionID, applicantID)]
		if !ok || !a.Present {
			continue
		}
		attended = true
		x := d.sessions[c.SessionID]
		if r := d.result(x, applicantID, ""); r.Locked && (score == nil || x.StartsAt.Unix() > at) {
			sc := r.Score()
			score, at = &sc, x.StartsAt.Unix()
		}
	}
	return attended, score
}

// Change is how a preview moves one candidate from the committed final
// selection.
type Change struct {
	ApplicantID string
	Before      *selection.Outcome // nil when not in the committed selection
	After       selection.Outcome
}

// Preview is a final selection run but not yet committed, with what it
// would change.
type Preview struct {
	Selection *selection.FinalSelection
	Previous  *selection.Run // the committed run it replaces; nil if none
	Changes   []Change
	Counts    map[selection.Status]int
}

// DefaultSeed returns the seed to propose for the final selection: the
// pre-selection's published seed.
func (s *Service) DefaultSeed(ctx context.Context) (string, error) {
	run, _, err := s.preselection(ctx)
	if err != nil || run == nil {
		return "", err
	}
	return run.Seed, nil
}

// PreviewFinal runs the final selection on the current data and
// compares it with the committed one, without recording anything.
func (s *Service) PreviewFinal(ctx context.Context, seed string) (*Preview, error) {
	if _, err := s.check(ActRunSelection); err != nil {
		return nil, err
	}
	if strings.TrimSpace(seed) == "" {
		return nil, fmt.Errorf("final selection seed: %w", ErrInvalid)
	}
	cands, needs, err := s.finalCandidates(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := s.rules(ctx)
	if err != nil {
		return nil, err
	}
	fs, err := selection.SelectFinal(selection.FinalInput{Rules: rules,
		Seed: seed, Candidates: cands, Needs: needs})
	if err != nil {
		return nil, err
	}
	p := &Preview{Selection: fs, Counts: map[selection.Status]int{}}
	for _, o := range fs.Outcomes {
		p.Counts[o.Status]++
	}
	before := map[string]selection.Outcome{}
	if run, err := s.store.LatestRun(ctx, selection.RunFinal); err == nil {
		p.Previous = run
		outs, err := s.store.Outcomes(ctx, run.ID)
		if err != nil {
			return nil, err
		}
		for _, o := range outs {
			before[o.ApplicantID] = o
		}
	} else if !errors.Is(err, selection.ErrNotFound) {
		return nil, err
	}
	p.Changes = diffOutcomes(before, fs.Outcomes)
	return p, nil
}

// diffOutcomes lists the outcomes whose status, commune, role or rank
// differ from before, by applicant ID.
func diffOutcomes(before map[string]selection.Outcome, after []selection.Outcome) []Change {
	var out []Change
	seen := map[string]bool{}
	for _, o := range after {
		seen[o.ApplicantID] = true
		b, ok := before[o.ApplicantID]
		if ok && b.Status == o.Status && b.CommuneCode == o.CommuneCode && b.Role == o.Role &&
			b.Rank == o.Rank {
			continue
		}
		c := Change{ApplicantID: o.ApplicantID, After: o}
		if ok {
			c.Before = &b
		}
		out = append(out, c)
	}
	for _, id := range slices.Sorted(maps.Keys(before)) {
		if !seen[id] {
			b := before[id]
			out = append(out, Change{ApplicantID: id, Before: &b,
				After: selection.Outcome{ApplicantID: id, Status: selection.StatusNotRetained}})
		}
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.ApplicantID, b.ApplicantID) })
	return out
}

// CommitFinal records a previewed final selection as the province's
// committed one.
func (s *Service) CommitFinal(ctx context.Context, p *Preview) (*selection.Run, error) {
	u, err := s.check(ActRunSelection)
	if err != nil {
		return nil, err
	}
	run := p.Selection.Run
	now := s.opts.Now().UTC()
	run.ID = "fin-" + s.opts.NewID()
	run.Scope, run.StartedAt, run.CommittedAt, run.CreatedBy = s.store.Scope(), now, now, u.Name
	outs := slices.Clone(p.Selection.Outcomes)
	for i := range outs {
		outs[i].RunID = run.ID
	}
	if err := s.store.SaveRun(ctx, u.Name, &run, outs); err != nil {
		return nil, err
	}
	return &run, nil
}

// FinalLists is the committed final selection as the screens show it.
type FinalLists struct {
	Run         *selection.Run
	Outcomes    []selection.Outcome
	Withdrawals []selection.Withdrawal
}

// CommittedFinal returns the committed final selection, or nil lists
// when none was committed.
func (s *Service) CommittedFinal(ctx context.Context) (*FinalLists, error) {
	if _, err := s.check(ActViewSelection); err != nil {
		return nil, err
	}
	run, err := s.store.LatestRun(ctx, selection.RunFinal)
	if errors.Is(err, selection.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	l := &FinalLists{Run: run}
	if l.Outcomes, err = s.store.Outcomes(ctx, run.ID); err != nil {
		return nil, err
	}
	if l.Withdrawals, err = s.store.Withdrawals(ctx, run.ID); err != nil {
		return nil, err
	}
	return l, nil
}

// Withdraw records that a selected candidate of the committed final
// selection drops out, promotes the best replacement (see
// selection.FinalSelection.Withdraw) and records both.
func (s *Service) Withdraw(ctx context.Context, applicantID,
	reason string) (*selection.Promotion, error) {
	u, err := s.check(ActRecordWithdrawal)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, fmt.Errorf("withdrawal reason: %w", ErrInvalid)
	}
	run, err := s.store.LatestRun(ctx, selection.RunFinal)
	if err != nil {
		return nil, fmt.Errorf("withdrawal: no committed final selection: %w", err)
	}
	outs, err := s.store.Outcomes(ctx, run.ID)
	if err != nil {
		return nil, err
	}
	cands, needs, err := s.finalCandidates(ctx)
	if err != nil {
		return nil, err
	}
	before := slices.Clone(outs)
	rules, err := s.rules(ctx)
	if err != nil {
		return nil, err
	}
	fs, err := selection.RestoreFinal(selection.FinalInput{Rules: rules,
		Seed: run.Seed, Candidates: cands, Needs: needs}, *run, outs)
	if err != nil {
		return nil, err
	}
	p, err := fs.Withdraw(applicantID, reason)
	if err != nil {
		return nil, fmt.Errorf("withdrawal: %w", err)
	}
	var changed []selection.Outcome
	for i, o := range fs.Outcomes {
		if o != before[i] {
			changed = append(changed, o)
		}
	}
	w := &selection.Withdrawal{ID: "wdr-" + s.opts.NewID(), RunID: run.ID, ApplicantID: applicantID,
		Reason: reason, ReplacedBy: p.Promoted, RecordedBy: u.Name, RecordedAt: s.opts.Now().UTC()}
	if err := s.store.ApplyWithdrawal(ctx, u.Name, w, changed); err != nil {
		return nil, err
	}
	return &p, nil
}
