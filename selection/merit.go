package selection

import (
	"slices"
	"strconv"
)

// Score is a score in hundredths of a point, from 0 to 10,000 (0.00 to
// 100.00): integer arithmetic keeps every run exact and reproducible.
type Score int

// String renders the score with two decimals, e.g. "72.50".
func (s Score) String() string { return string(s.append(nil)) }

// append appends the score as String writes it.
func (s Score) append(b []byte) []byte {
	if s < 0 {
		b, s = append(b, '-'), -s
	}
	b = strconv.AppendInt(b, int64(s/100), 10)
	return append(b, '.', byte('0'+s%100/10), byte('0'+s%10))
}

// Float returns the score on a 0 to 100 scale.
func (s Score) Float() float64 { return float64(s) / 100 }

// Ineligibility reasons, as the explanations and preselection.xlsx give
// them.
const (
	ReasonTooYoung    = "age_below_minimum"
	ReasonEducation   = "higher_education_below_minimum"
	ReasonNoCommune   = "no_commune_with_posts"
	ReasonOutranked   = "outranked_in_every_choice"
	ReasonInvited     = "invited"
	ReasonWaitingList = "waiting_list"
)

// Eligible tells whether an applicant may be selected under r, and if not
// the reason (ReasonTooYoung or ReasonEducation).
func (r *Rules) Eligible(a *Applicant) (bool, string) {
	if a.AgeOn(r.refDate) < r.Eligibility.MinAge {
		return false, ReasonTooYoung
	}
	exempt := slices.Contains(r.Eligibility.EducationExempt, a.Category)
	if !exempt && a.Education.Years() < r.Eligibility.MinHigherEducationYears {
		return false, ReasonEducation
	}
	return true, ""
}

// Part is one criterion's share of a score: the points earned (0 to 100),
// the weight (percent) and their product.
type Part struct {
	Criterion string
	Value     string // what the applicant declared, e.g. "bac+3"
	Points    int
	Weight    int
	Score     Score
}

// Breakdown is a merit score and its parts, in MeritCriteria order.
type Breakdown struct {
	Total Score
	Parts []Part
}

// MeritBreakdown computes an applicant's merit score for a commune whose
// households speak langs (the language criterion depends on the commune;
// a commune with no languages listed counts every applicant as a match).
func (r *Rules) MeritBreakdown(a *Applicant, langs []Language) Breakdown {
	lang := LanguageNoMatch
	if len(langs) == 0 || speaksAny(a, langs) {
		lang = LanguageMatch
	}
	values := [...]string{
		string(a.Education), string(a.SurveyExperience), string(a.TechSkill),
		string(a.Category), lang,
	}
	b := Breakdown{Parts: make([]Part, len(MeritCriteria))}
	for i, c := range MeritCriteria {
		p := Part{Criterion: c, Value: values[i], Points: r.Merit.Points[c][values[i]],
			Weight: r.Merit.Weights[c]}
		p.Score = Score(p.Points * p.Weight)
		b.Total += p.Score
		b.Parts[i] = p
	}
	return b
}

// MeritScore is MeritBreakdown without the breakdown.
func (r *Rules) MeritScore(a *Applicant, langs []Language) Score {
	return r.merit.base(a) + r.merit.language(a, langs)
}

// compiledMerit holds the merit rules as weighted points per value, so
// that scoring an applicant looks up four small maps once, whatever the
// number of communes it is scored at.
type compiledMerit struct {
	education  map[Education]Score
	experience map[SurveyExperience]Score
	tech       map[TechSkill]Score
	category   map[Category]Score
	match      Score // the language criterion's weighted points
	noMatch    Score
}

func (r *Rules) compileMerit() *compiledMerit {
	w, pts := r.Merit.Weights, r.Merit.Points
	weigh := func(crit, value string) Score { return Score(pts[crit][value] * w[crit]) }
	m := &compiledMerit{
		education: map[Education]Score{}, experience: map[SurveyExperience]Score{},
		tech: map[TechSkill]Score{}, category: map[Category]Score{},
		match:   weigh(CriterionLanguage, LanguageMatch),
		noMatch: weigh(CriterionLanguage, LanguageNoMatch),
	}
	for _, v := range Educations {
		m.education[v] = weigh(CriterionEducation, string(v))
	}
	for _, v := range SurveyExperiences {
		m.experience[v] = weigh(CriterionExperience, string(v))
	}
	for _, v := range TechSkills {
		m.tech[v] = weigh(CriterionTech, string(v))
	}
	for _, v := range Categories {
		m.category[v] = weigh(CriterionCategory, string(v))
	}
	return m
}

// base is the score of every criterion but the commune's language.
func (m *compiledMerit) base(a *Applicant) Score {
	return m.education[a.Education] + m.experience[a.SurveyExperience] +
		m.tech[a.TechSkill] + m.category[a.Category]
}

// language is the language criterion's share at a commune.
func (m *compiledMerit) language(a *Applicant, langs []Language) Score {
	if len(langs) == 0 || speaksAny(a, langs) {
		return m.match
	}
	return m.noMatch
}

func speaksAny(a *Applicant, langs []Language) bool {
	for _, l := range langs {
		if a.Speaks(l) {
			return true
		}
	}
	return false
}

// MeetsController tells whether a candidate may take a controller post.
func (r *Rules) MeetsController(a *Applicant) bool {
	c := r.Final.Controller
	return a.Education.Years() >= c.MinEducation.Years() ||
		slices.Contains(c.OrSurveyExperience, a.SurveyExperience)
}
