package xlsx

import (
	"intiqa/selection"
)

// ParseApplicantRow builds the applicant of one data row of
// applicants.xlsx from its cells, as h maps them. Every faulty cell is
// reported in Problems, by its contract column; the per-row rules are
// selection.ValidateApplicant's, with no commune set: whether a commune
// exists, and every rule across rows, is the store's to check. Value is
// never nil.
func ParseApplicantRow(h Header, line int, cells []Cell) selection.Row[*selection.Applicant] {
	p := &rowParser{h: h, cells: cells}
	a := &selection.Applicant{
		ID:          p.text("applicant_id"),
		CIN:         parsed(p, "cin", selection.NormalizeCIN),
		LastName:    p.text("last_name"),
		FirstName:   p.text("first_name"),
		LastNameAR:  p.text("last_name_ar"),
		FirstNameAR: p.text("first_name_ar"),
		Sex:         parsed(p, "sex", selection.ParseSex),
		BirthDate:   p.date("birth_date"),
		Phone:       p.phone(),
		Email:       parsed(p, "email", selection.NormalizeEmail),
		Category:    enum(p, "category", selection.Categories),
		Education:   enum(p, "education", selection.Educations),

		SurveyExperience: enum(p, "survey_experience", selection.SurveyExperiences),
		TechSkill:        enum(p, "tech_skill", selection.TechSkills),
		Languages:        parsed(p, "languages", parseLanguages),
		Choices:          p.choices(),
		RegisteredAt:     p.dateTime("registered_at"),
	}
	p.validate(selection.ValidateApplicant(a, nil))
	return selection.Row[*selection.Applicant]{Line: line, Value: a, Problems: p.problems}
}

// parseLanguages parses the languages column.
func parseLanguages(s string) ([]selection.Language, error) {
	return selection.ParseLanguages("languages", s)
}

// choices reads choice_1 to choice_3, dropping the empty ones at the end:
// a gap before a later choice stays, for the domain check to report.
func (p *rowParser) choices() []string {
	var out []string
	for i := range selection.MaxChoices {
		out = append(out, p.code(selection.ChoiceField(i)))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// ParseNeedRow builds the need of one data row of needs.xlsx. The
// optional languages column, when absent or empty, gives no language.
// Whether the commune exists is the store's to check.
func ParseNeedRow(h Header, line int, cells []Cell) selection.Row[*selection.Need] {
	p := &rowParser{h: h, cells: cells}
	n := &selection.Need{
		CommuneCode: p.code("commune_code"),
		Enumerators: p.count("enumerators"),
		Controllers: p.count("controllers"),
	}
	if n.CommuneCode == "" && !p.failed("commune_code") {
		p.fault("commune_code", "", selection.ProblemRequired, "")
	}
	if c, ok := p.raw("languages"); ok && c.Value != "" {
		n.Languages = parsed(p, "languages", parseLanguages)
	}
	return selection.Row[*selection.Need]{Line: line, Value: n, Problems: p.problems}
}

// ParseTrainingRow builds the training progress of one data row of
// training.xlsx; the rules are selection.ValidateTraining's. An empty
// test_score means no test taken.
func ParseTrainingRow(h Header, line int, cells []Cell) selection.Row[*selection.TrainingProgress] {
	p := &rowParser{h: h, cells: cells}
	t := &selection.TrainingProgress{
		ApplicantID:      p.text("applicant_id"),
		Started:          p.yesNo("started"),
		ModulesCompleted: p.count("modules_completed"),
		ModulesTotal:     p.count("modules_total"),
		TestScore:        p.score("test_score"),
	}
	p.validate(selection.ValidateTraining(t), "started", "modules_completed", "modules_total")
	return selection.Row[*selection.TrainingProgress]{Line: line, Value: t, Problems: p.problems}
}
