package selection

import (
	"bytes"
	"crypto/sha256"
	_ "embed" // the default rules file
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RulesSchema names the format of the rules file this version reads.
const RulesSchema = "intiqa.rules/1"

// defaultRules is the rules file shipped with Intiqa; PRODUCT.md,
// "Selection rules", documents it.
//
//go:embed rules_default.json
var defaultRules []byte

// DefaultRulesJSON returns the shipped rules file, to publish or edit.
func DefaultRulesJSON() []byte { return bytes.Clone(defaultRules) }

// Rules are the data of a selection: eligibility, merit points and
// weights, quotas, and the final selection's composite. Weights are whole
// percentages that sum to 100 and points are whole numbers from 0 to 100,
// so that every score is an exact integer and every run reproducible.
// Rules come from ParseRules and must not be changed afterwards: their
// hash and compiled tables would no longer match them.
type Rules struct {
	Schema        string      `json:"schema"`
	Version       string      `json:"version"`
	ReferenceDate string      `json:"reference_date"` // ages are taken on this day
	Eligibility   Eligibility `json:"eligibility"`
	Merit         MeritRules  `json:"merit"`
	Preselection  struct {
		// QuotaMultiplier times a commune's field posts, rounded up, is
		// how many applicants it invites to training.
		QuotaMultiplier Multiplier `json:"quota_multiplier"`
		// WaitingListMultiplier times the field posts, rounded up, is the
		// length of a commune's waiting list.
		WaitingListMultiplier Multiplier `json:"waiting_list_multiplier"`
	} `json:"preselection"`
	Final FinalRules `json:"final"`

	refDate time.Time
	hash    string
	merit   *compiledMerit
}

// Eligibility is who may be selected at all.
type Eligibility struct {
	MinAge                  int        `json:"min_age"`
	MinHigherEducationYears int        `json:"min_higher_education_years"`
	EducationExempt         []Category `json:"education_exempt_categories"`
}

// The criteria of the merit score.
const (
	CriterionEducation  = "education"
	CriterionExperience = "survey_experience"
	CriterionTech       = "tech_skill"
	CriterionCategory   = "category"
	CriterionLanguage   = "language"
)

// MeritCriteria lists the merit criteria in the order explanations show.
var MeritCriteria = []string{
	CriterionEducation, CriterionExperience, CriterionTech, CriterionCategory, CriterionLanguage,
}

// Keys of the language criterion's points.
const (
	LanguageMatch   = "speaks_commune_language"
	LanguageNoMatch = "otherwise"
)

// MeritRules weigh the points an applicant earns on each criterion.
type MeritRules struct {
	Weights map[string]int            `json:"weights"` // by criterion, summing to 100
	Points  map[string]map[string]int `json:"points"`  // by criterion, then value
}

// FinalRules rank candidates after the interviews.
type FinalRules struct {
	Weights               map[string]int `json:"weights"` // interview, training, merit
	MinInterviewScore     int            `json:"min_interview_score"`
	WaitingListMultiplier Multiplier     `json:"waiting_list_multiplier"`
	Controller            struct {
		MinEducation       Education          `json:"min_education"`
		OrSurveyExperience []SurveyExperience `json:"or_survey_experience"`
	} `json:"controller"`
}

// The components of the final composite score.
const (
	ComponentInterview = "interview"
	ComponentTraining  = "training"
	ComponentMerit     = "merit"
)

// DefaultRules returns the shipped rules, parsed.
func DefaultRules() *Rules {
	r, err := ParseRules(defaultRules)
	if err != nil {
		panic("selection: shipped rules are invalid: " + err.Error())
	}
	return r
}

// RulesError reports what is wrong in a rules file, naming the field by
// its JSON path.
type RulesError struct {
	Path string
	Msg  string
}

func (e *RulesError) Error() string { return "règles : " + e.Path + " : " + e.Msg }

// ParseRules reads and validates a rules file. Unknown fields are refused,
// so that a misspelt key is not silently ignored.
func ParseRules(data []byte) (*Rules, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Rules
	if err := dec.Decode(&r); err != nil {
		return nil, &RulesError{Path: "$", Msg: "JSON illisible : " + err.Error()}
	}
	if dec.More() {
		return nil, &RulesError{Path: "$", Msg: "contenu après l'objet JSON"}
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	canon, err := json.Marshal(&r)
	if err != nil {
		return nil, fmt.Errorf("encode rules: %w", err)
	}
	sum := sha256.Sum256(canon)
	r.hash = hex.EncodeToString(sum[:])
	r.merit = r.compileMerit()
	return &r, nil
}

// Hash returns the SHA-256 of the rules' canonical form: two files that
// say the same thing, however laid out, have the same hash.
func (r *Rules) Hash() string { return r.hash }

// RefDate returns the day ages are taken on.
func (r *Rules) RefDate() time.Time { return r.refDate }

func (r *Rules) validate() error {
	if r.Schema != RulesSchema {
		return &RulesError{"schema", fmt.Sprintf("« %s » au lieu de « %s »", r.Schema, RulesSchema)}
	}
	if strings.TrimSpace(r.Version) == "" {
		return &RulesError{"version", "obligatoire"}
	}
	d, err := time.Parse(time.DateOnly, r.ReferenceDate)
	if err != nil {
		return &RulesError{"reference_date", "date AAAA-MM-JJ attendue"}
	}
	r.refDate = d
	if err := r.validateEligibility(); err != nil {
		return err
	}
	if err := r.validateMerit(); err != nil {
		return err
	}
	if p := r.Preselection; p.QuotaMultiplier < 100 || p.QuotaMultiplier > 10000 {
		return &RulesError{"preselection.quota_multiplier", "nombre de 1 à 100"}
	}
	if p := r.Preselection; p.WaitingListMultiplier < 0 || p.WaitingListMultiplier > 10000 {
		return &RulesError{"preselection.waiting_list_multiplier", "nombre de 0 à 100"}
	}
	return r.validateFinal()
}

func (r *Rules) validateEligibility() error {
	e := r.Eligibility
	if e.MinAge < 16 || e.MinAge > 70 {
		return &RulesError{"eligibility.min_age", "entier de 16 à 70"}
	}
	if e.MinHigherEducationYears < 0 || e.MinHigherEducationYears > 8 {
		return &RulesError{"eligibility.min_higher_education_years", "entier de 0 à 8"}
	}
	for i, c := range e.EducationExempt {
		if !slices.Contains(Categories, c) {
			return &RulesError{fmt.Sprintf("eligibility.education_exempt_categories[%d]", i),
				fmt.Sprintf("catégorie « %s » inconnue", c)}
		}
	}
	return nil
}

// meritValues lists, for each criterion, the values that need points.
func meritValues() map[string][]string {
	return map[string][]string{
		CriterionEducation:  names(Educations),
		CriterionExperience: names(SurveyExperiences),
		CriterionTech:       names(TechSkills),
		CriterionCategory:   names(Categories),
		CriterionLanguage:   {LanguageMatch, LanguageNoMatch},
	}
}

func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (r *Rules) validateMerit() error {
	if err := checkWeights("merit.weights", r.Merit.Weights, MeritCriteria); err != nil {
		return err
	}
	values := meritValues()
	for _, c := range MeritCriteria {
		pts := r.Merit.Points[c]
		for _, v := range values[c] {
			p, ok := pts[v]
			if !ok {
				return &RulesError{"merit.points." + c + "." + v, "points manquants"}
			}
			if p < 0 || p > 100 {
				return &RulesError{"merit.points." + c + "." + v, "entier de 0 à 100"}
			}
		}
		for v := range pts {
			if !slices.Contains(values[c], v) {
				return &RulesError{"merit.points." + c + "." + v, "valeur inconnue"}
			}
		}
	}
	for c := range r.Merit.Points {
		if !slices.Contains(MeritCriteria, c) {
			return &RulesError{"merit.points." + c, "critère inconnu"}
		}
	}
	return nil
}

func (r *Rules) validateFinal() error {
	f := r.Final
	comps := []string{ComponentInterview, ComponentTraining, ComponentMerit}
	if err := checkWeights("final.weights", f.Weights, comps); err != nil {
		return err
	}
	if f.MinInterviewScore < 0 || f.MinInterviewScore > 100 {
		return &RulesError{"final.min_interview_score", "entier de 0 à 100"}
	}
	if f.WaitingListMultiplier < 0 || f.WaitingListMultiplier > 10000 {
		return &RulesError{"final.waiting_list_multiplier", "nombre de 0 à 100"}
	}
	if !slices.Contains(Educations, f.Controller.MinEducation) {
		return &RulesError{"final.controller.min_education", "niveau inconnu"}
	}
	for i, x := range f.Controller.OrSurveyExperience {
		if !slices.Contains(SurveyExperiences, x) {
			return &RulesError{fmt.Sprintf("final.controller.or_survey_experience[%d]", i),
				"expérience inconnue"}
		}
	}
	return nil
}

// checkWeights requires a weight for each key, from 0 to 100, summing to
// 100, and no other key.
func checkWeights(path string, w map[string]int, keys []string) error {
	sum := 0
	for _, k := range keys {
		v, ok := w[k]
		if !ok {
			return &RulesError{path + "." + k, "poids manquant"}
		}
		if v < 0 || v > 100 {
			return &RulesError{path + "." + k, "entier de 0 à 100"}
		}
		sum += v
	}
	for k := range w {
		if !slices.Contains(keys, k) {
			return &RulesError{path + "." + k, "clé inconnue"}
		}
	}
	if sum != 100 {
		return &RulesError{path, fmt.Sprintf("les poids font %d au lieu de 100", sum)}
	}
	return nil
}

// Multiplier is a factor with at most two decimals, held in hundredths so
// that quotas are computed exactly. In JSON it is a plain number: 4 or
// 3.5.
type Multiplier int

// Of returns the multiplier times n, rounded up.
func (m Multiplier) Of(n int) int { return (int(m)*n + 99) / 100 }

// MarshalJSON writes the multiplier as a number.
func (m Multiplier) MarshalJSON() ([]byte, error) {
	if m%100 == 0 {
		return []byte(strconv.Itoa(int(m) / 100)), nil
	}
	return []byte(fmt.Sprintf("%d.%02d", m/100, m%100)), nil
}

// UnmarshalJSON reads a number with at most two decimals.
func (m *Multiplier) UnmarshalJSON(b []byte) error {
	s := string(b)
	whole, frac, dotted := strings.Cut(s, ".")
	if dotted && (len(frac) == 0 || len(frac) > 2) {
		return fmt.Errorf("multiplier %s: at most two decimals", s)
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 || w > 1000 {
		return fmt.Errorf("multiplier %s: a number from 0 to 1000", s)
	}
	f := 0
	if dotted {
		if f, err = strconv.Atoi(frac); err != nil || f < 0 {
			return fmt.Errorf("multiplier %s: a number from 0 to 1000", s)
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	*m = Multiplier(w*100 + f)
	return nil
}
