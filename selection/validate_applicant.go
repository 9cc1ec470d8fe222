package selection

import (
	"errors"
	"strings"
	"time"
	"unicode"
)

// Bounds on what an applicant may declare.
const (
	maxNameRunes = 80
	maxIDLen     = 32
	minAge       = 15 // younger is a typing error, not an ineligible applicant
	maxAge       = 90
)

// ValidateApplicant checks every field of a, including the commune codes
// against communes, and returns one FieldError per faulty field (nil when
// the applicant is valid). It expects a's enumerations, CIN, phone and
// e-mail to have come through the Parse and Normalize functions, and
// checks them again so that values built in code are held to the same
// rules.
func ValidateApplicant(a *Applicant, communes CommuneSet) []*FieldError {
	var errs []*FieldError
	add := func(err error) {
		var fe *FieldError
		if errors.As(err, &fe) {
			errs = append(errs, fe)
		}
	}

	add(checkID(a.ID))
	if _, err := NormalizeCIN(a.CIN); err != nil {
		add(err)
	}
	add(checkName("last_name", a.LastName, false))
	add(checkName("first_name", a.FirstName, false))
	add(checkName("last_name_ar", a.LastNameAR, true))
	add(checkName("first_name_ar", a.FirstNameAR, true))
	if _, err := ParseSex(string(a.Sex)); err != nil {
		add(err)
	}
	if _, err := NormalizePhone(a.Phone); err != nil {
		add(err)
	}
	if _, err := NormalizeEmail(a.Email); err != nil {
		add(err)
	}
	add(checkEnum("category", a.Category, Categories))
	add(checkEnum("education", a.Education, Educations))
	add(checkEnum("survey_experience", a.SurveyExperience, SurveyExperiences))
	add(checkEnum("tech_skill", a.TechSkill, TechSkills))
	if _, err := ParseLanguages("languages", FormatLanguages(a.Languages)); err != nil {
		add(err)
	}
	add(checkDates(a))
	return append(errs, CheckChoices(a.Choices, communes)...)
}

func checkEnum[T ~string](field string, v T, valid []T) error {
	_, err := ParseEnum(field, string(v), valid)
	return err
}

func checkID(id string) error {
	if id == "" {
		return &FieldError{Field: "applicant_id", Problem: ProblemRequired}
	}
	ok := len(id) <= maxIDLen
	for _, r := range id {
		ok = ok && (isAlnum(r) || r == '-' || r == '_')
	}
	if !ok {
		return &FieldError{Field: "applicant_id", Value: id, Problem: ProblemFormat,
			Detail: "lettres, chiffres, - ou _, 32 caractères au plus"}
	}
	return nil
}

// checkName requires a name written in one script: Arabic letters for the
// Arabic fields, Latin letters for the others. Spaces, hyphens and
// apostrophes may join the parts of a compound name.
func checkName(field, name string, arabic bool) error {
	if strings.TrimSpace(name) == "" {
		return &FieldError{Field: field, Problem: ProblemRequired}
	}
	if len([]rune(name)) > maxNameRunes {
		return &FieldError{Field: field, Value: name, Problem: ProblemFormat,
			Detail: "80 caractères au plus"}
	}
	letters := 0
	for _, r := range name {
		switch {
		case r == ' ' || r == '-' || r == '\'' || r == '’':
		case arabic && unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r):
			letters++
		case !arabic && unicode.Is(unicode.Latin, r):
			letters++
		case arabic && unicode.Is(unicode.Mn, r): // harakat
		default:
			detail := "lettres latines seulement"
			if arabic {
				detail = "lettres arabes seulement"
			}
			return &FieldError{Field: field, Value: name, Problem: ProblemFormat, Detail: detail}
		}
	}
	if letters == 0 {
		return &FieldError{Field: field, Value: name, Problem: ProblemFormat, Detail: "aucune lettre"}
	}
	return nil
}

func checkDates(a *Applicant) error {
	if a.BirthDate.IsZero() {
		return &FieldError{Field: "birth_date", Problem: ProblemRequired}
	}
	if a.RegisteredAt.IsZero() {
		return &FieldError{Field: "registered_at", Problem: ProblemRequired}
	}
	age := a.AgeOn(a.RegisteredAt)
	if age < minAge || age > maxAge {
		return &FieldError{Field: "birth_date", Value: a.BirthDate.Format(time.DateOnly),
			Problem: ProblemRange, Detail: "âge de 15 à 90 ans à l'inscription"}
	}
	return nil
}

// CheckChoices checks an applicant's ranked communes: the first is
// required, no gap, no commune twice, each one known, all in the province
// of the first (a province's laptop holds its applicants whole).
func CheckChoices(choices []string, communes CommuneSet) []*FieldError {
	var errs []*FieldError
	if len(choices) == 0 || choices[0] == "" {
		return []*FieldError{{Field: "choice_1", Problem: ProblemRequired}}
	}
	if len(choices) > MaxChoices {
		return []*FieldError{{Field: "choice_1", Value: strings.Join(choices, ";"),
			Problem: ProblemRange, Detail: "trois choix au plus"}}
	}
	for i, c := range choices {
		field := ChoiceField(i)
		switch {
		case c == "":
			errs = append(errs, &FieldError{Field: field, Problem: ProblemRequired,
				Detail: "un choix suivant est renseigné"})
		case communes != nil && !communes.HasCommune(c):
			errs = append(errs, &FieldError{Field: field, Value: c, Problem: ProblemUnknown,
				Detail: "code de commune officiel, ex. 01.511.01.01"})
		case indexOf(choices[:i], c) >= 0:
			errs = append(errs, &FieldError{Field: field, Value: c, Problem: ProblemDuplicate,
				Detail: "déjà en " + ChoiceField(indexOf(choices, c))})
		case ProvinceOfCommune(c) != ProvinceOfCommune(choices[0]):
			errs = append(errs, &FieldError{Field: field, Value: c, Problem: ProblemInconsistent,
				Detail: "hors de la province du premier choix"})
		}
	}
	return errs
}

// ChoiceField returns the contract column of the i-th choice (from 0).
func ChoiceField(i int) string {
	return "choice_" + string(rune('1'+i))
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}
