package selection

import "time"

// Sex is the applicant's declared sex.
type Sex string

// The values of Sex, as the contract files spell them.
const (
	SexFemale Sex = "F"
	SexMale   Sex = "M"
)

// Sexes lists the valid values of Sex.
var Sexes = []Sex{SexFemale, SexMale}

// Category is the applicant's situation when registering.
type Category string

// The five categories of SEED.md.
const (
	CategoryGraduate        Category = "graduate"
	CategoryStudent         Category = "student"
	CategoryCivilServant    Category = "civil_servant"
	CategoryPrivateEmployee Category = "private_employee"
	CategoryPublicRetiree   Category = "public_retiree"
)

// Categories lists the valid categories in the order of SEED.md.
var Categories = []Category{
	CategoryGraduate, CategoryStudent, CategoryCivilServant,
	CategoryPrivateEmployee, CategoryPublicRetiree,
}

// Education is the highest level of study reached.
type Education string

// The education levels, from the baccalaureate up.
const (
	EducationBac  Education = "bac"
	EducationBac2 Education = "bac+2"
	EducationBac3 Education = "bac+3"
	EducationBac5 Education = "bac+5"
	EducationBac8 Education = "bac+8"
)

// Educations lists the valid levels in increasing order.
var Educations = []Education{EducationBac, EducationBac2, EducationBac3, EducationBac5, EducationBac8}

// Years returns the years of higher education the level stands for.
func (e Education) Years() int {
	switch e {
	case EducationBac2:
		return 2
	case EducationBac3:
		return 3
	case EducationBac5:
		return 5
	case EducationBac8:
		return 8
	}
	return 0
}

// SurveyExperience is the applicant's experience of statistical field work.
type SurveyExperience string

// The values of SurveyExperience.
const (
	ExperienceNone   SurveyExperience = "none"
	ExperienceSurvey SurveyExperience = "survey"
	ExperienceCensus SurveyExperience = "census" // took part in a census
)

// SurveyExperiences lists the valid values in increasing order.
var SurveyExperiences = []SurveyExperience{ExperienceNone, ExperienceSurvey, ExperienceCensus}

// TechSkill is the declared ability with tablets and computers.
type TechSkill string

// The values of TechSkill.
const (
	TechNone     TechSkill = "none"
	TechBasic    TechSkill = "basic"
	TechGood     TechSkill = "good"
	TechAdvanced TechSkill = "advanced"
)

// TechSkills lists the valid values in increasing order.
var TechSkills = []TechSkill{TechNone, TechBasic, TechGood, TechAdvanced}

// Language is a language an applicant speaks or a commune's households use.
type Language string

// The languages of the contract files.
const (
	LangDarija    Language = "darija"
	LangTachelhit Language = "tachelhit"
	LangTamazight Language = "tamazight"
	LangTarifit   Language = "tarifit"
	LangHassaniya Language = "hassaniya"
	LangFrench    Language = "french"
	LangSpanish   Language = "spanish"
	LangEnglish   Language = "english"
)

// Languages lists the valid languages.
var Languages = []Language{
	LangDarija, LangTachelhit, LangTamazight, LangTarifit,
	LangHassaniya, LangFrench, LangSpanish, LangEnglish,
}

// MaxChoices is the number of communes an applicant may choose.
const MaxChoices = 3

// Applicant is a person registered on the national platform, with every
// field of the applicants.xlsx contract.
type Applicant struct {
	ID               string // the platform's ID, unique
	CIN              string // national ID number, unique
	LastName         string // Latin script
	FirstName        string
	LastNameAR       string // Arabic script
	FirstNameAR      string
	Sex              Sex
	BirthDate        time.Time // a date, at midnight UTC
	Phone            string    // normalized to 0XXXXXXXXX
	Email            string    // normalized to lower case
	Category         Category
	Education        Education
	SurveyExperience SurveyExperience
	TechSkill        TechSkill
	Languages        []Language
	Choices          []string  // commune codes in order of preference, 1 to 3
	RegisteredAt     time.Time // UTC
}

// ProvinceCode returns the province of the applicant's first choice, the
// province whose laptop holds the applicant.
func (a *Applicant) ProvinceCode() string {
	if len(a.Choices) == 0 {
		return ""
	}
	return ProvinceOfCommune(a.Choices[0])
}

// Speaks reports whether the applicant speaks l.
func (a *Applicant) Speaks(l Language) bool {
	for _, x := range a.Languages {
		if x == l {
			return true
		}
	}
	return false
}

// AgeOn returns the applicant's age in whole years on the given day.
func (a *Applicant) AgeOn(day time.Time) int {
	y1, m1, d1 := a.BirthDate.Date()
	y2, m2, d2 := day.Date()
	age := y2 - y1
	if m2 < m1 || (m2 == m1 && d2 < d1) {
		age--
	}
	return age
}

// ProvinceOfCommune returns the dotted province code ("RR.PPP") of a
// dotted commune code ("RR.PPP.CC.NN"), or "" if the code is too short.
func ProvinceOfCommune(code string) string {
	if len(code) < 6 {
		return ""
	}
	return code[:6]
}

// TrainingProgress is one applicant's progress on the remote-training
// platform, as imported from training.xlsx.
type TrainingProgress struct {
	ApplicantID      string
	Started          bool
	ModulesCompleted int
	ModulesTotal     int
	TestScore        *float64 // 0 to 100; nil when no test was taken
}
