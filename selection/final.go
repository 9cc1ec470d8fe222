package selection

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Candidate is an invited applicant at the final selection, with what
// the province recorded of them.
type Candidate struct {
	Applicant *Applicant
	// CommuneCode is the commune the candidate competes in: the one the
	// pre-selection invited them to.
	CommuneCode       string
	DocumentsAccepted bool   // every required document accepted
	Attended          bool   // came to the interview
	Interview         *Score // the panel's score, 0 to 100.00; nil if none
	Training          *Score // the training test score; nil if none
}

// FinalInput is everything a final selection depends on.
type FinalInput struct {
	Rules      *Rules
	Seed       string
	Candidates []Candidate
	Needs      []Need
}

// Reasons the final selection gives.
const (
	ReasonDocuments    = "documents_not_accepted"
	ReasonAbsent       = "absent_from_interview"
	ReasonInterview    = "interview_below_minimum"
	ReasonPostsFilled  = "posts_filled"
	ReasonSelected     = "selected"
	ReasonFinalWaiting = "waiting_list"
)

// Promotion records a withdrawal and the candidate promoted in its place.
type Promotion struct {
	Withdrawn   string // applicant ID
	Promoted    string // applicant ID; "" when nobody could be
	CommuneCode string // the post's commune
	Role        Role
	From        string // the commune whose waiting list the promoted came from
	Reason      string // why the candidate withdrew
}

// FinalSelection is the result of a final selection: an outcome for each
// candidate, by ID, and the promotions recorded since.
type FinalSelection struct {
	Run        Run
	Outcomes   []Outcome
	Promotions []Promotion

	in    FinalInput
	byID  map[string]int // outcome index by applicant ID
	cands map[string]*Candidate
	needs map[string]Need
}

// Composite returns a candidate's composite score under the rules: the
// weighted interview, training and merit scores (a missing score counts
// as zero).
func (r *Rules) Composite(c *Candidate, langs []Language) Score {
	w := r.Final.Weights
	var interview, training Score
	if c.Interview != nil {
		interview = *c.Interview
	}
	if c.Training != nil {
		training = *c.Training
	}
	merit := r.MeritScore(c.Applicant, langs)
	sum := int(interview)*w[ComponentInterview] + int(training)*w[ComponentTraining] +
		int(merit)*w[ComponentMerit]
	return Score(sum / 100)
}

// finalEligible tells whether a candidate may be selected, or why not.
func (r *Rules) finalEligible(c *Candidate) (bool, string) {
	switch {
	case !c.DocumentsAccepted:
		return false, ReasonDocuments
	case !c.Attended:
		return false, ReasonAbsent
	case c.Interview == nil || int(*c.Interview) < r.Final.MinInterviewScore*100:
		return false, ReasonInterview
	}
	return true, ""
}

// ranked is a candidate with its composite score and lottery.
type ranked struct {
	c       *Candidate
	score   Score
	lottery uint64
}

func (a ranked) before(b ranked) int {
	switch {
	case a.score != b.score:
		return int(b.score - a.score)
	case a.lottery != b.lottery:
		if a.lottery < b.lottery {
			return -1
		}
		return 1
	}
	return strings.Compare(a.c.Applicant.ID, b.c.Applicant.ID)
}

// SelectFinal runs the final selection commune by commune: eligible
// candidates are ranked by composite score (ties by lottery); controller
// posts are filled first from those who meet the controller
// requirements, then enumerator posts; the next ones form the commune's
// ranked waiting list.
func SelectFinal(in FinalInput) (*FinalSelection, error) {
	if in.Rules == nil {
		return nil, fmt.Errorf("final selection: no rules")
	}
	f := &FinalSelection{in: in, byID: map[string]int{}, cands: map[string]*Candidate{},
		needs: map[string]Need{}}
	for _, n := range in.Needs {
		f.needs[n.CommuneCode] = n
	}
	cands := make([]*Candidate, len(in.Candidates))
	for i := range in.Candidates {
		cands[i] = &in.Candidates[i]
	}
	slices.SortFunc(cands, func(a, b *Candidate) int {
		return strings.Compare(a.Applicant.ID, b.Applicant.ID)
	})
	f.Outcomes = make([]Outcome, 0, len(cands))
	byCommune := map[string][]ranked{}
	for i, c := range cands {
		id := c.Applicant.ID
		if i > 0 && cands[i-1].Applicant.ID == id {
			return nil, fmt.Errorf("final selection: candidate %s appears twice", id)
		}
		f.cands[id] = c
		f.byID[id] = i
		o := Outcome{ApplicantID: id, CommuneCode: c.CommuneCode, Lottery: Lottery(in.Seed, id)}
		score := in.Rules.Composite(c, f.needs[c.CommuneCode].Languages)
		o.Score = score.Float()
		if ok, why := in.Rules.finalEligible(c); !ok {
			o.Status, o.Reason = StatusIneligible, why
		} else {
			byCommune[c.CommuneCode] = append(byCommune[c.CommuneCode], ranked{c, score, o.Lottery})
		}
		f.Outcomes = append(f.Outcomes, o)
	}
	inputHash := make(chan string, 1) // hashed on the other core meanwhile
	go func() { inputHash <- f.inputHash(cands) }()
	for _, code := range slices.Sorted(maps.Keys(byCommune)) {
		f.fillCommune(code, byCommune[code])
	}
	f.Run = f.record(<-inputHash)
	return f, nil
}

// fillCommune assigns one commune's eligible candidates: controllers,
// then enumerators, then the waiting list, then the rest.
func (f *FinalSelection) fillCommune(code string, list []ranked) {
	slices.SortFunc(list, ranked.before)
	need := f.needs[code]
	taken := make([]bool, len(list))
	rank := map[Role]int{}
	for _, role := range Roles {
		for i, r := range list {
			if rank[role] == need.Posts(role) {
				break
			}
			if taken[i] || (role == RoleController && !f.in.Rules.MeetsController(r.c.Applicant)) {
				continue
			}
			taken[i] = true
			rank[role]++
			f.set(r.c.Applicant.ID, StatusSelected, role, rank[role], ReasonSelected)
		}
	}
	waitLen := f.in.Rules.Final.WaitingListMultiplier.Of(need.Total())
	w := 0
	for i, r := range list {
		switch {
		case taken[i]:
		case w < waitLen:
			w++
			f.set(r.c.Applicant.ID, StatusWaiting, "", w, ReasonFinalWaiting)
		default:
			f.set(r.c.Applicant.ID, StatusNotRetained, "", 0, ReasonPostsFilled)
		}
	}
}

func (f *FinalSelection) set(id string, st Status, role Role, rank int, reason string) {
	o := &f.Outcomes[f.byID[id]]
	o.Status, o.Role, o.Rank, o.Reason = st, role, rank, reason
}

func (f *FinalSelection) record(inputHash string) Run {
	r := f.in.Rules
	return Run{
		Kind: RunFinal, RulesVersion: r.Version, RulesHash: r.Hash(), Seed: f.in.Seed,
		Params: map[string]string{
			"candidates":              strconv.Itoa(len(f.Outcomes)),
			"min_interview_score":     strconv.Itoa(r.Final.MinInterviewScore),
			"waiting_list_multiplier": multiplierText(r.Final.WaitingListMultiplier),
		},
		InputHash:  inputHash,
		OutputHash: OutcomesHash(f.Outcomes),
	}
}

// inputHash hashes the final selection's input: rules, seed, needs by
// commune, and the candidates, sorted by ID, with what the rules read of
// them.
func (f *FinalSelection) inputHash(cands []*Candidate) string {
	w := newCanonWriter()
	w.field("intiqa-final/1")
	w.end()
	w.field("rules")
	w.field(f.in.Rules.Hash())
	w.field(strconv.Quote(f.in.Seed))
	w.end()
	for _, code := range slices.Sorted(maps.Keys(f.needs)) {
		n := f.needs[code]
		w.field("need")
		w.field(code)
		w.num(int64(n.Enumerators))
		w.num(int64(n.Controllers))
		w.languages(n.Languages)
		w.end()
	}
	optional := func(s *Score) int64 {
		if s == nil {
			return -1
		}
		return int64(*s)
	}
	for _, c := range cands {
		a := c.Applicant
		w.field("candidate")
		w.field(a.ID)
		w.field(c.CommuneCode)
		w.field(strconv.FormatBool(c.DocumentsAccepted))
		w.field(strconv.FormatBool(c.Attended))
		w.num(optional(c.Interview))
		w.num(optional(c.Training))
		w.field(string(a.Category))
		w.field(string(a.Education))
		w.field(string(a.SurveyExperience))
		w.field(string(a.TechSkill))
		w.languages(a.Languages)
		w.list(a.Choices)
		w.end()
	}
	return w.sum()
}
