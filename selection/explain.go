package selection

import (
	"fmt"
	"slices"
	"strings"
)

// ChoiceExplanation tells an applicant how one chosen commune ranked
// them.
type ChoiceExplanation struct {
	Choice      int // 1 to 3
	CommuneCode string
	Merit       Breakdown // the score at this commune, by criterion
	Rank        int       // among the eligible applicants who chose it; 0 if ineligible
	Competitors int       // eligible applicants who chose it
	Quota       int       // applicants it invites
	// CutOff is the score of the last applicant it invited when it filled
	// its quota; nil when it kept free places.
	CutOff *Score
	// Invited and Waiting tell whether this commune invited the applicant
	// or put them on its waiting list.
	Invited, Waiting bool
}

// Explanation is what an applicant is told of their pre-selection.
type Explanation struct {
	ApplicantID string
	Status      Status
	Reason      string
	Choices     []ChoiceExplanation
	Rule        string // the rule that decided, in French
}

// Explain tells one applicant why the pre-selection left them where it
// did: their score at each chosen commune broken down by criterion, their
// rank there, each commune's cut-off, and the rule that decided.
func (p *Preselection) Explain(applicantID string) (*Explanation, error) {
	m := p.m
	i, found := slices.BinarySearch(m.ids, applicantID)
	if !found {
		return nil, fmt.Errorf("explain %s: %w", applicantID, ErrNotFound)
	}
	a := int32(i)
	o := p.Outcomes[i]
	e := &Explanation{ApplicantID: applicantID, Status: o.Status, Reason: o.Reason}
	ranks := p.choiceRanks()
	for k, code := range m.apps[i].Choices {
		c, ok := slices.BinarySearch(m.communes, code)
		ce := ChoiceExplanation{Choice: k + 1, CommuneCode: code}
		if !ok {
			ce.Merit = p.in.Rules.MeritBreakdown(m.apps[i], nil)
			e.Choices = append(e.Choices, ce)
			continue // a commune with no needs
		}
		ce.Merit = p.in.Rules.MeritBreakdown(m.apps[i], m.needs[c].Languages)
		ce.Quota = int(m.quota[c])
		ce.Competitors = len(ranks[c])
		if m.eligible[i] {
			ce.Rank = slices.Index(ranks[c], a) + 1
		}
		ce.CutOff = p.cutOff(int32(c))
		ce.Invited, ce.Waiting = p.invited[i] == int32(c), p.waiting[i] == int32(c)
		e.Choices = append(e.Choices, ce)
	}
	e.Rule = p.rule(a, e)
	return e, nil
}

// choiceRanks lists, for each commune, the eligible applicants who chose
// it in priority order. It is built on first use.
func (p *Preselection) choiceRanks() [][]int32 {
	if p.ranks != nil {
		return p.ranks
	}
	m := p.m
	p.ranks = make([][]int32, len(m.communes))
	for i := range m.ids {
		if !m.eligible[i] {
			continue
		}
		for _, c := range m.prefs[i] {
			if c >= 0 {
				p.ranks[c] = append(p.ranks[c], int32(i))
			}
		}
	}
	for c, l := range p.ranks {
		slices.SortFunc(l, func(a, b int32) int {
			if m.better(a, m.scoreAt(a, int32(c)), b, m.scoreAt(b, int32(c))) {
				return -1
			}
			return 1
		})
	}
	return p.ranks
}

// cutOff returns the lowest score a full commune invited, or nil. The
// cut-offs are computed on first use.
func (p *Preselection) cutOff(c int32) *Score {
	if p.cutoffs == nil {
		p.cutoffs = make([]Score, len(p.m.communes))
		count := make([]int32, len(p.m.communes))
		for a, held := range p.invited {
			if held >= 0 {
				count[held]++
				if p.position[a] == p.m.quota[held] {
					p.cutoffs[held] = p.m.scoreAt(int32(a), held)
				}
			}
		}
		for c, n := range count {
			if n < p.m.quota[c] {
				p.cutoffs[c] = -1
			}
		}
	}
	if p.cutoffs[c] < 0 {
		return nil
	}
	s := p.cutoffs[c]
	return &s
}

// rule states in French the rule that decided.
func (p *Preselection) rule(a int32, e *Explanation) string {
	r := p.in.Rules
	switch e.Reason {
	case ReasonTooYoung:
		return fmt.Sprintf("Inéligible : moins de %d ans au %s.", r.Eligibility.MinAge, r.ReferenceDate)
	case ReasonEducation:
		return fmt.Sprintf("Inéligible : moins de %d années d'études supérieures, et la catégorie "+
			"n'en dispense pas.", r.Eligibility.MinHigherEducationYears)
	case ReasonNoCommune:
		return "Non invité : aucune des communes choisies n'a de poste à pourvoir."
	}
	var passed []string
	for _, ce := range e.Choices {
		if ce.Invited || ce.Waiting {
			break
		}
		if ce.CutOff != nil {
			passed = append(passed, fmt.Sprintf("choix %d complet, seuil %s", ce.Choice, ce.CutOff))
		}
	}
	why := ""
	if len(passed) > 0 {
		why = " (" + strings.Join(passed, " ; ") + ")"
	}
	o := p.Outcomes[a]
	switch o.Status {
	case StatusInvited:
		return fmt.Sprintf("Invité à %s, rang %d, score %s%s.", o.CommuneCode, o.Rank,
			scoreOf(o.Score), why)
	case StatusWaiting:
		return fmt.Sprintf("Liste d'attente de %s, rang %d : chaque commune choisie a invité "+
			"des candidats de score supérieur%s.", o.CommuneCode, o.Rank, why)
	}
	return "Non invité : chaque commune choisie a rempli son quota et sa liste d'attente " +
		"avec des candidats de score supérieur" + why + "."
}
