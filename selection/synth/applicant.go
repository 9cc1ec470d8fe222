package synth

import (
	"time"

	"intiqa/selection"
)

// registrationOpens starts the registration window of SEED.md, 7 to 27
// February 2024 (the 21 days of dayWeights).
var registrationOpens = time.Date(2024, time.February, 7, 0, 0, 0, 0, time.UTC)

// applicantAt builds the local-th applicant of a province. Everything
// random about it comes from the stream of its national index, so it is
// the same whether the province is generated alone or with the nation.
func (g *Generator) applicantAt(pp *provincePlan, local int, r *rng) *selection.Applicant {
	gi := pp.first + local
	r.reseed(g.seed, streamApplicant, uint64(gi))
	a := &selection.Applicant{ID: applicantID(gi), Category: g.categoryAt(pp, local)}

	// Who: sex, names, age and studies.
	a.Sex = drawSex(a.Category, r)
	drawNames(a, r)
	age, edu := drawAgeEducation(a.Category, r)
	a.Education = edu
	a.RegisteredAt = drawRegistration(r)
	a.BirthDate = drawBirthDate(a.RegisteredAt, age, r)

	// What they declared.
	a.SurveyExperience = drawExperience(a.Category, r)
	a.TechSkill = drawTechSkill(a.Category, r)
	a.Choices = drawChoices(pp, r)
	first, _ := g.plan.terr.Commune(a.Choices[0])
	a.Languages = drawLanguages(pp, first.Type, a, r)

	// Identity numbers, unique nationally.
	a.CIN = g.cin(pp, gi, r)
	a.Phone = g.phone(gi)
	a.Email = g.email(a, gi, r)
	return a
}

// categoryAt returns the category of the local-th applicant: the
// province's category counts laid end to end and shuffled by a keyed
// permutation, so the counts are exact and the order looks random.
func (g *Generator) categoryAt(pp *provincePlan, local int) selection.Category {
	perm := newPermutation(uint64(pp.count), mix64(g.seed^streamCategory)+uint64(pp.index))
	slot := int(perm.apply(uint64(local)))
	for i, n := range pp.categories {
		if slot < n {
			return selection.Categories[i]
		}
		slot -= n
	}
	return selection.Categories[len(selection.Categories)-1]
}

func drawSex(c selection.Category, r *rng) selection.Sex {
	female := 0.47
	if c == selection.CategoryPublicRetiree {
		female = 0.3
	}
	if r.chance(female) {
		return selection.SexFemale
	}
	return selection.SexMale
}

// studies is a level of education with the weight of the level in a
// category and the youngest age at which it is held.
type studies struct {
	edu    selection.Education
	weight int
	minAge int
}

var (
	bac  = selection.EducationBac
	bac2 = selection.EducationBac2
	bac3 = selection.EducationBac3
	bac5 = selection.EducationBac5
	bac8 = selection.EducationBac8
)

// categoryStudies gives, per category, the mix of levels; students
// declare the level they are studying for, from their first year.
var categoryStudies = map[selection.Category][]studies{
	selection.CategoryStudent: {
		{bac, 15, 18}, {bac2, 40, 19}, {bac3, 30, 20}, {bac5, 15, 22},
	},
	selection.CategoryGraduate: {
		{bac2, 22, 21}, {bac3, 42, 22}, {bac5, 30, 24}, {bac8, 6, 27},
	},
	selection.CategoryCivilServant: {
		{bac, 22, 25}, {bac2, 20, 25}, {bac3, 33, 25}, {bac5, 20, 25}, {bac8, 5, 28},
	},
	selection.CategoryPrivateEmployee: {
		{bac, 25, 22}, {bac2, 30, 22}, {bac3, 28, 22}, {bac5, 17, 24},
	},
	selection.CategoryPublicRetiree: {
		{bac, 40, 60}, {bac2, 20, 60}, {bac3, 25, 60}, {bac5, 12, 60}, {bac8, 3, 60},
	},
}

// studiesWeights holds the weights of categoryStudies, cumulated.
var studiesWeights = func() map[selection.Category]weights {
	out := make(map[selection.Category]weights, len(categoryStudies))
	for _, c := range selection.Categories {
		w := make([]int, len(categoryStudies[c]))
		for i, l := range categoryStudies[c] {
			w[i] = l.weight
		}
		out[c] = newWeights(w...)
	}
	return out
}()

// drawAgeEducation returns an age at registration and a level of
// education that fit the category.
func drawAgeEducation(c selection.Category, r *rng) (int, selection.Education) {
	levels := categoryStudies[c]
	l := levels[r.pick(studiesWeights[c])]
	switch c {
	case selection.CategoryStudent:
		return l.minAge + r.sumOf(2, 2), l.edu // up to four years on
	case selection.CategoryGraduate:
		age := l.minAge + r.sumOf(3, 4)
		if r.chance(0.1) {
			age += r.between(1, 10)
		}
		return age, l.edu
	case selection.CategoryCivilServant:
		return l.minAge + r.sumOf(5, 7)*(60-l.minAge)/35, l.edu
	case selection.CategoryPrivateEmployee:
		return l.minAge + r.sumOf(3, 8), l.edu
	default:
		return l.minAge + r.sumOf(2, 5), l.edu
	}
}

var hourWeights = newWeights(
	2, 1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 8, 7, 7, 8, 8, 8, 9, 11, 12, 12, 9, 5)

// dayWeights favours the first and the last days of registration.
var dayWeights = newWeights(14, 12, 10, 9, 8, 8, 7, 7, 6, 6, 6, 6, 6, 6, 6, 7, 7, 8, 9, 11, 14)

// drawRegistration returns a moment of the registration window, in UTC.
func drawRegistration(r *rng) time.Time {
	day := r.pick(dayWeights)
	sec := r.pick(hourWeights)*3600 + r.intn(3600)
	return registrationOpens.AddDate(0, 0, day).Add(time.Duration(sec) * time.Second)
}

// drawBirthDate returns a birth date at which the applicant is age years
// old on the day of registration.
func drawBirthDate(registered time.Time, age int, r *rng) time.Time {
	y, m, d := registered.Date()
	birthday := time.Date(y-age, m, d, 0, 0, 0, 0, time.UTC)
	return birthday.AddDate(0, 0, -r.intn(365))
}

var (
	experienceLevels  = selection.SurveyExperiences // none, survey, census
	experienceWeights = map[selection.Category]weights{
		selection.CategoryStudent:         newWeights(85, 14, 1),
		selection.CategoryGraduate:        newWeights(70, 25, 5),
		selection.CategoryCivilServant:    newWeights(55, 25, 20),
		selection.CategoryPrivateEmployee: newWeights(75, 20, 5),
		selection.CategoryPublicRetiree:   newWeights(30, 20, 50),
	}
	techLevels  = selection.TechSkills // none, basic, good, advanced
	techWeights = map[selection.Category]weights{
		selection.CategoryStudent:         newWeights(1, 20, 50, 29),
		selection.CategoryGraduate:        newWeights(2, 25, 50, 23),
		selection.CategoryCivilServant:    newWeights(5, 40, 40, 15),
		selection.CategoryPrivateEmployee: newWeights(3, 35, 45, 17),
		selection.CategoryPublicRetiree:   newWeights(20, 55, 22, 3),
	}
)

func drawExperience(c selection.Category, r *rng) selection.SurveyExperience {
	return experienceLevels[r.pick(experienceWeights[c])]
}

func drawTechSkill(c selection.Category, r *rng) selection.TechSkill {
	return techLevels[r.pick(techWeights[c])]
}

// choiceCounts weighs one, two and three choices.
var choiceCounts = newWeights(20, 25, 55)

// drawChoices returns one to three distinct communes of the province,
// each drawn by population among those not chosen yet.
func drawChoices(pp *provincePlan, r *rng) []string {
	k := min(r.pick(choiceCounts)+1, len(pp.communes))
	chosen := make([]int, 0, k)
	for range k {
		total := 0
		for i, w := range pp.weights {
			if !contains(chosen, i) {
				total += w
			}
		}
		x := r.intn(total)
		for i, w := range pp.weights {
			if contains(chosen, i) {
				continue
			}
			if x < w {
				chosen = append(chosen, i)
				break
			}
			x -= w
		}
	}
	out := make([]string, len(chosen))
	for i, c := range chosen {
		out[i] = pp.communes[c].Code
	}
	return out
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// drawLanguages returns the languages an applicant speaks, in the order
// of selection.Languages: darija almost always, the regional languages of
// the commune of first choice, French with studies, Spanish in the north,
// English for some.
func drawLanguages(pp *provincePlan, t selection.CommuneType, a *selection.Applicant,
	r *rng) []selection.Language {
	var speaks languageSet
	speaks.set(selection.LangDarija, r.chance(0.97))
	for _, s := range pp.table.speech {
		speaks.set(s.lang, r.intn(100) < s.share(t))
	}
	speaks.set(selection.LangFrench, r.chance(frenchShare(a.Education)))
	speaks.set(selection.LangSpanish, r.intn(100) < spanishShare(pp.province.RegionCode))
	speaks.set(selection.LangEnglish, r.chance(englishShare(a)))

	out := make([]selection.Language, 0, speaks.count)
	for i, l := range selection.Languages {
		if speaks.has[i] {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = append(out, selection.LangDarija)
	}
	return out
}

// languageSet marks languages by their index in selection.Languages.
type languageSet struct {
	has   [8]bool
	count int
}

func (s *languageSet) set(l selection.Language, yes bool) {
	if !yes {
		return
	}
	for i, x := range selection.Languages {
		if x == l && !s.has[i] {
			s.has[i] = true
			s.count++
		}
	}
}

func frenchShare(e selection.Education) float64 {
	switch e {
	case selection.EducationBac:
		return 0.45
	case selection.EducationBac2:
		return 0.65
	case selection.EducationBac3:
		return 0.75
	case selection.EducationBac5:
		return 0.88
	}
	return 0.95
}

func englishShare(a *selection.Applicant) float64 {
	share := 0.15
	if a.Category == selection.CategoryStudent || a.Category == selection.CategoryGraduate {
		share = 0.35
	}
	if a.Education == selection.EducationBac5 || a.Education == selection.EducationBac8 {
		share += 0.2
	}
	return share
}
