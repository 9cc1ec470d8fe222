package ui

import (
	"strings"

	"intiqa/selection"
)

// ApplicantRow is one line of the applicants list, ready to display. It
// holds no national ID, phone or e-mail: the list does not show them.
type ApplicantRow struct {
	ID          string
	NameLatin   string // "LAST First"
	NameAR      string // last name then first name, in Arabic script
	Category    selection.Category
	CommuneCode string // the commune of first choice
	CommuneFR   string
	CommuneAR   string

	search string // folded text the filter looks in
}

// ApplicantsModel is the view model of the applicants screen: one
// province's applicants, in the store's order, and the filter typed in
// the search box. It needs no display, so it is tested on its own.
type ApplicantsModel struct {
	Province selection.Province

	territory *selection.Territory
	rows      []ApplicantRow
	visible   []int // indexes into rows of the rows the filter keeps
	filter    string
	terms     []string // the folded words of filter
}

// NewApplicantsModel returns an empty list for a province, naming
// communes with the given territory.
func NewApplicantsModel(t *selection.Territory, p selection.Province) *ApplicantsModel {
	return &ApplicantsModel{Province: p, territory: t}
}

// Append adds an applicant at the end of the list, shown if it passes
// the filter.
func (m *ApplicantsModel) Append(a *selection.Applicant) {
	row := ApplicantRow{
		ID:        a.ID,
		NameLatin: joinNonEmpty(strings.ToUpper(a.LastName), a.FirstName),
		NameAR:    joinNonEmpty(a.LastNameAR, a.FirstNameAR),
		Category:  a.Category,
	}
	if len(a.Choices) > 0 {
		row.CommuneCode = a.Choices[0]
		if c, ok := m.territory.Commune(a.Choices[0]); ok {
			row.CommuneFR, row.CommuneAR = c.NameFR, c.NameAR
		}
	}
	row.search = foldSearch(strings.Join([]string{
		row.ID, a.LastName, a.FirstName, a.LastNameAR, a.FirstNameAR,
	}, " "))
	m.rows = append(m.rows, row)
	if len(m.terms) > 0 && row.matches(m.terms) {
		m.visible = append(m.visible, len(m.rows)-1)
	}
}

// Total returns the number of applicants in the list.
func (m *ApplicantsModel) Total() int { return len(m.rows) }

// Len returns the number of applicants the filter keeps.
func (m *ApplicantsModel) Len() int {
	if len(m.terms) == 0 {
		return len(m.rows)
	}
	return len(m.visible)
}

// Row returns the i-th applicant the filter keeps, 0 <= i < Len().
func (m *ApplicantsModel) Row(i int) ApplicantRow {
	if len(m.terms) == 0 {
		return m.rows[i]
	}
	return m.rows[m.visible[i]]
}

// Filter returns the text the list is filtered by.
func (m *ApplicantsModel) Filter() string { return m.filter }

// SetFilter keeps the applicants whose ID or name, in either script,
// contains every word of q, ignoring case, accents and Arabic vowel
// marks. An empty q keeps them all.
func (m *ApplicantsModel) SetFilter(q string) {
	m.filter = q
	m.terms = strings.Fields(foldSearch(q))
	m.visible = m.visible[:0]
	if len(m.terms) == 0 {
		return
	}
	for i := range m.rows {
		if m.rows[i].matches(m.terms) {
			m.visible = append(m.visible, i)
		}
	}
}

func (r *ApplicantRow) matches(terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(r.search, t) {
			return false
		}
	}
	return true
}

func joinNonEmpty(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" {
		return a + b
	}
	return a + " " + b
}

// region returns the region of the model's province.
func (m *ApplicantsModel) region() (selection.Region, bool) {
	if m.territory == nil {
		return selection.Region{}, false
	}
	for _, r := range m.territory.Regions {
		if r.Code == m.Province.RegionCode {
			return r, true
		}
	}
	return selection.Region{}, false
}
