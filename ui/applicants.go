package ui

import (
	"cmp"
	"slices"
	"strings"

	"intiqa/selection"
	"intiqa/selection/office"
)

// ApplicantRow is one line of the applicants list, ready to display. It
// shows no national ID, phone or e-mail; the ID and e-mail are only in
// the folded text the search looks in.
type ApplicantRow struct {
	ID          string
	NameLatin   string // "LAST First"
	NameAR      string // last name then first name, in Arabic script
	Category    selection.Category
	CommuneCode string // the commune of first choice
	CommuneFR   string
	CommuneAR   string
	Status      selection.Status  // pre-selection outcome; "" before any run
	Docs        selection.Verdict // the document file's state; "" with no documents

	choices []string
	search  string // folded text the filter looks in
}

// The columns the list sorts by.
const (
	SortID = iota
	SortNameLatin
	SortNameAR
	SortCategory
	SortCommune
	SortStatus
	SortDocs
)

// ApplicantsModel is the view model of the applicants screen: one
// province's applicants, the search typed, the filters picked and the
// sort. It needs no display, so it is tested on its own.
type ApplicantsModel struct {
	Province selection.Province

	territory *selection.Territory
	rows      []ApplicantRow
	byID      map[string]int
	order     []int // indexes of rows in sort order; nil for the store's order
	visible   []int // indexes of the rows kept, in order; nil when all are kept
	filter    string
	terms     []string
	commune   string
	category  selection.Category
	status    selection.Status
	sortCol   int
	desc      bool
}

// NewApplicantsModel returns an empty list for a province, naming
// communes with the given territory.
func NewApplicantsModel(t *selection.Territory, p selection.Province) *ApplicantsModel {
	return &ApplicantsModel{Province: p, territory: t, byID: map[string]int{}}
}

// Append adds an applicant at the end of the list, shown if it passes
// the filters.
func (m *ApplicantsModel) Append(a *selection.Applicant) {
	row := ApplicantRow{
		ID:        a.ID,
		NameLatin: joinNonEmpty(strings.ToUpper(a.LastName), a.FirstName),
		NameAR:    joinNonEmpty(a.LastNameAR, a.FirstNameAR),
		Category:  a.Category,
		choices:   a.Choices,
	}
	if len(a.Choices) > 0 {
		row.CommuneCode = a.Choices[0]
		if c, ok := m.territory.Commune(a.Choices[0]); ok {
			row.CommuneFR, row.CommuneAR = c.NameFR, c.NameAR
		}
	}
	row.search = foldSearch(strings.Join([]string{
		row.ID, a.CIN, a.Email, a.LastName, a.FirstName, a.LastNameAR, a.FirstNameAR,
	}, " "))
	m.byID[a.ID] = len(m.rows)
	m.rows = append(m.rows, row)
	i := len(m.rows) - 1
	if m.order != nil {
		m.order = append(m.order, i) // re-sorted by the next SortBy
	}
	if m.visible != nil && m.keeps(&m.rows[i]) {
		m.visible = append(m.visible, i)
	}
}

// SetOutcomes sets each applicant's pre-selection status.
func (m *ApplicantsModel) SetOutcomes(outs map[string]selection.Outcome) {
	for i := range m.rows {
		m.rows[i].Status = outs[m.rows[i].ID].Status
	}
	m.refilter()
}

// SetDossiers sets each applicant's document file state.
func (m *ApplicantsModel) SetDossiers(files map[string]*office.Dossier) {
	for i := range m.rows {
		m.rows[i].Docs = ""
		if f := files[m.rows[i].ID]; f != nil {
			m.rows[i].Docs = f.State()
		}
	}
	m.refilter()
}

// Total returns the number of applicants in the list.
func (m *ApplicantsModel) Total() int { return len(m.rows) }

// Len returns the number of applicants the filters keep.
func (m *ApplicantsModel) Len() int {
	if m.visible == nil {
		return len(m.rows)
	}
	return len(m.visible)
}

// Row returns the i-th applicant the filters keep, 0 <= i < Len().
func (m *ApplicantsModel) Row(i int) ApplicantRow {
	switch {
	case m.visible != nil:
		return m.rows[m.visible[i]]
	case m.order != nil:
		return m.rows[m.order[i]]
	}
	return m.rows[i]
}

// Filter returns the text the list is filtered by.
func (m *ApplicantsModel) Filter() string { return m.filter }

// SetFilter keeps the applicants whose ID, national ID, e-mail or name,
// in either script, contains every word of q, ignoring case, accents and
// Arabic vowel marks. An empty q keeps them all.
//
// Typing on at the end of the search only narrows the list, so then only
// the rows kept so far are searched again.
func (m *ApplicantsModel) SetFilter(q string) {
	terms := strings.Fields(foldSearch(q))
	narrower := m.visible != nil && len(m.terms) > 0 && len(terms) >= len(m.terms)
	for i := 0; narrower && i < len(m.terms); i++ {
		narrower = strings.Contains(terms[i], m.terms[i])
	}
	m.filter, m.terms = q, terms
	if !narrower {
		m.refilter()
		return
	}
	kept := m.visible[:0]
	for _, i := range m.visible {
		if m.keeps(&m.rows[i]) {
			kept = append(kept, i)
		}
	}
	m.visible = kept
}

// SetCommune keeps the applicants who chose a commune, any of their
// choices; "" keeps all.
func (m *ApplicantsModel) SetCommune(code string) {
	m.commune = code
	m.refilter()
}

// SetCategory keeps the applicants of a category; "" keeps all.
func (m *ApplicantsModel) SetCategory(c selection.Category) {
	m.category = c
	m.refilter()
}

// SetStatus keeps the applicants of a pre-selection status; "" keeps all.
func (m *ApplicantsModel) SetStatus(s selection.Status) {
	m.status = s
	m.refilter()
}

// SortBy orders the list by a column, descending when desc.
func (m *ApplicantsModel) SortBy(col int, desc bool) {
	m.sortCol, m.desc = col, desc
	if col == SortID && !desc {
		m.order = nil
	} else {
		m.order = make([]int, len(m.rows))
		for i := range m.order {
			m.order[i] = i
		}
		key := sortKey(col)
		keys := make([]string, len(m.rows))
		for i := range m.rows {
			keys[i] = foldSearch(key(&m.rows[i])) // accents aside, as people sort
		}
		slices.SortStableFunc(m.order, func(a, b int) int {
			c := cmp.Compare(keys[a], keys[b])
			if c == 0 {
				c = cmp.Compare(m.rows[a].ID, m.rows[b].ID)
			}
			if desc {
				return -c
			}
			return c
		})
	}
	m.refilter()
}

// Sort returns the column the list is sorted by, and the direction.
func (m *ApplicantsModel) Sort() (int, bool) { return m.sortCol, m.desc }

// Index returns where the applicant of an ID is among the rows kept.
func (m *ApplicantsModel) Index(id string) (int, bool) {
	for i := range m.Len() {
		if m.Row(i).ID == id {
			return i, true
		}
	}
	return 0, false
}

func sortKey(col int) func(r *ApplicantRow) string {
	switch col {
	case SortNameLatin:
		return func(r *ApplicantRow) string { return r.NameLatin }
	case SortNameAR:
		return func(r *ApplicantRow) string { return r.NameAR }
	case SortCategory:
		return func(r *ApplicantRow) string { return string(r.Category) }
	case SortCommune:
		return func(r *ApplicantRow) string { return r.CommuneFR }
	case SortStatus:
		return func(r *ApplicantRow) string { return string(r.Status) }
	case SortDocs:
		return func(r *ApplicantRow) string { return string(r.Docs) }
	}
	return func(r *ApplicantRow) string { return r.ID }
}

// refilter recomputes the rows kept, in sort order.
func (m *ApplicantsModel) refilter() {
	if len(m.terms) == 0 && m.commune == "" && m.category == "" && m.status == "" {
		m.visible = nil
		return
	}
	m.visible = m.visible[:0]
	if m.visible == nil {
		m.visible = make([]int, 0, 256)
	}
	n := len(m.rows)
	for k := range n {
		i := k
		if m.order != nil {
			i = m.order[k]
		}
		if m.keeps(&m.rows[i]) {
			m.visible = append(m.visible, i)
		}
	}
}

// keeps tells whether a row passes the search and the filters.
func (m *ApplicantsModel) keeps(r *ApplicantRow) bool {
	if m.category != "" && r.Category != m.category {
		return false
	}
	if m.status != "" && r.Status != m.status {
		return false
	}
	if m.commune != "" && !slices.Contains(r.choices, m.commune) {
		return false
	}
	for _, t := range m.terms {
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
