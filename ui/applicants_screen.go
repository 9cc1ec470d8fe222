package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// firstPage is how many applicants are read before the list first shows;
// the rest follow in the background.
const firstPage = 200

// column is one column of the applicants table.
type column struct {
	title  func() string
	width  float32
	arabic bool // right-aligned, as Arabic text reads
	sort   int
	value  func(r *ApplicantRow) string
}

// applicantColumns lists the table's columns in display order.
var applicantColumns = []column{
	{func() string { return tr("Identifiant") }, 100, false, SortID,
		func(r *ApplicantRow) string { return r.ID }},
	{func() string { return tr("Nom") }, 200, false, SortNameLatin,
		func(r *ApplicantRow) string { return r.NameLatin }},
	{func() string { return display("الاسم") }, 180, true, SortNameAR,
		func(r *ApplicantRow) string { return display(r.NameAR) }},
	{func() string { return tr("Catégorie") }, 150, false, SortCategory,
		func(r *ApplicantRow) string { return categoryLabel(r.Category) }},
	{func() string { return tr("Commune (1er choix)") }, 170, false, SortCommune,
		func(r *ApplicantRow) string { return r.CommuneFR }},
	{func() string { return display("الجماعة") }, 150, true, SortCommune,
		func(r *ApplicantRow) string { return display(r.CommuneAR) }},
	{func() string { return tr("Pré-sélection") }, 130, false, SortStatus,
		func(r *ApplicantRow) string { return statusLabel(r.Status) }},
	{func() string { return tr("Pièces") }, 120, false, SortDocs,
		func(r *ApplicantRow) string { return dossierLabel(r.Docs) }},
}

// applicantsScreen lists a province's applicants with a search box,
// filters, sorting and a detail pane.
type applicantsScreen struct {
	sess  *session
	model *ApplicantsModel

	search   *widget.Entry
	commune  *widget.Select
	category *widget.Select
	status   *widget.Select
	table    *widget.Table
	count    *widget.Label
	noun     *widget.Label
	empty    *widget.Label
	detail   *fyne.Container
	loading  *widget.ProgressBarInfinite
	selected string

	communeCodes []string
	loaded       chan struct{} // closed once every applicant is in the model; for tests
}

func newApplicantsScreen(s *session) *applicantsScreen {
	return &applicantsScreen{sess: s, loaded: make(chan struct{})}
}

// build creates the screen's widgets and starts loading the applicants.
func (s *applicantsScreen) build() fyne.CanvasObject {
	p, _ := s.sess.svc.Province(s.sess.ctx)
	terr, _ := s.sess.svc.Territory(s.sess.ctx)
	s.model = NewApplicantsModel(terr, p)
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(tr("Rechercher : nom en latin ou en arabe, identifiant, CIN ou e-mail"))
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = s.onSearchChanged
	s.count = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	s.noun = widget.NewLabel("")
	s.empty = widget.NewLabel(tr("Aucun candidat ne correspond à la recherche."))
	s.empty.Alignment = fyne.TextAlignCenter
	s.loading = widget.NewProgressBarInfinite()
	s.table = s.buildTable()
	s.detail = container.NewVBox(paragraph(
		trRaw("Choisissez un candidat dans la liste pour voir son dossier.")))
	s.buildFilters(terr, p)
	s.refreshCount()

	filters := container.NewGridWithColumns(3, s.commune, s.category, s.status)
	searchRow := container.NewBorder(nil, nil, nil, container.NewHBox(s.count, s.noun), s.search)
	top := container.NewVBox(searchRow, filters, s.loading)
	list := container.NewBorder(top, nil, nil, nil,
		container.NewStack(s.table, container.NewCenter(s.empty)))
	split := container.NewHSplit(list, container.NewVScroll(container.NewPadded(s.detail)))
	split.Offset = 0.66
	if rtl() {
		split = container.NewHSplit(container.NewVScroll(container.NewPadded(s.detail)), list)
		split.Offset = 0.34
	}
	s.load()
	return container.NewPadded(split)
}

// buildFilters makes the commune, category and status filters.
func (s *applicantsScreen) buildFilters(terr *selection.Territory, p selection.Province) {
	communes := []string{tr("Toutes les communes")}
	s.communeCodes = []string{""}
	if terr != nil {
		for _, c := range terr.CommunesOf(p.Code) {
			name := c.NameFR
			if rtl() {
				name = display(c.NameAR)
			}
			communes = append(communes, name)
			s.communeCodes = append(s.communeCodes, c.Code)
		}
	}
	s.commune = widget.NewSelect(communes, func(string) {
		s.model.SetCommune(s.communeCodes[max(0, s.commune.SelectedIndex())])
		s.refreshList()
	})
	s.commune.SetSelectedIndex(0)
	cats := []string{tr("Toutes les catégories")}
	for _, c := range selection.Categories {
		cats = append(cats, display(categoryLabel(c)))
	}
	s.category = widget.NewSelect(cats, func(string) {
		i := s.category.SelectedIndex()
		var c selection.Category
		if i > 0 {
			c = selection.Categories[i-1]
		}
		s.model.SetCategory(c)
		s.refreshList()
	})
	s.category.SetSelectedIndex(0)
	stats := []string{tr("Tous les statuts")}
	for _, st := range selection.PreselectionStatuses {
		stats = append(stats, display(statusLabel(st)))
	}
	s.status = widget.NewSelect(stats, func(string) {
		i := s.status.SelectedIndex()
		var st selection.Status
		if i > 0 {
			st = selection.PreselectionStatuses[i-1]
		}
		s.model.SetStatus(st)
		s.refreshList()
	})
	s.status.SetSelectedIndex(0)
}

// load reads the first page of applicants, shows it, then reads the
// rest and their statuses in the background.
func (s *applicantsScreen) load() {
	goAsync(func() {
		page, err := s.readFirst()
		if err != nil {
			fyne.Do(func() { s.sess.showError("list applicants", err) })
			return
		}
		fyne.Do(func() { s.appendRows(page) })
		rest, outs, files, err := s.readRest(len(page))
		fyne.Do(func() {
			if err != nil {
				s.sess.showError("list applicants", err)
				return
			}
			s.appendRows(rest)
			s.model.SetOutcomes(outs)
			s.model.SetDossiers(files)
			s.loading.Stop()
			s.loading.Hide()
			s.refreshList()
			close(s.loaded)
			s.sess.shell.screenShown("applicants-ready", keyRows, s.model.Total())
		})
	})
}

// readFirst reads the first page of applicants.
func (s *applicantsScreen) readFirst() ([]*selection.Applicant, error) {
	return readApplicants(s.sess.ctx, s.sess.svc, selection.ApplicantFilter{Limit: firstPage})
}

// readRest reads the applicants after the first page, and every
// applicant's pre-selection outcome and document file.
func (s *applicantsScreen) readRest(read int) ([]*selection.Applicant,
	map[string]selection.Outcome, map[string]*office.Dossier, error) {
	ctx, svc := s.sess.ctx, s.sess.svc
	var rest []*selection.Applicant
	if read == firstPage {
		var err error
		rest, err = readApplicants(ctx, svc, selection.ApplicantFilter{Offset: firstPage,
			Limit: 1 << 30})
		if err != nil {
			return nil, nil, nil, err
		}
	}
	outs, err := svc.PreselectionOutcomes(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	files, _, err := svc.Dossiers(ctx)
	return rest, outs, files, err
}

// readApplicants reads a page of the province's applicants.
func readApplicants(ctx context.Context, svc *office.Service,
	f selection.ApplicantFilter) ([]*selection.Applicant, error) {
	var out []*selection.Applicant
	for a, err := range svc.Applicants(ctx, f) {
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// appendRows adds applicants to the list, keeping the sort.
func (s *applicantsScreen) appendRows(apps []*selection.Applicant) {
	for _, a := range apps {
		s.model.Append(a)
	}
	if col, desc := s.model.Sort(); col != SortID || desc {
		s.model.SortBy(col, desc)
	}
	s.refreshList()
}

// buildTable creates the virtualized table over the model.
func (s *applicantsScreen) buildTable() *widget.Table {
	t := widget.NewTable(s.tableLength, s.createCell, s.updateCell)
	t.ShowHeaderRow = true
	t.CreateHeader = s.createHeader
	t.UpdateHeader = s.updateHeader
	t.OnSelected = s.onSelected
	for i, c := range applicantColumns {
		t.SetColumnWidth(i, c.width)
	}
	return t
}

func (s *applicantsScreen) tableLength() (rows, cols int) {
	return s.model.Len(), len(applicantColumns)
}

func (s *applicantsScreen) createCell() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (s *applicantsScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row < 0 || id.Row >= s.model.Len() {
		l.SetText("")
		return
	}
	row := s.model.Row(id.Row)
	c := applicantColumns[id.Col]
	l.Alignment = alignFor(c.arabic)
	l.SetText(display(c.value(&row)))
}

// createHeader makes a header cell: a flat button that sorts.
func (s *applicantsScreen) createHeader() fyne.CanvasObject {
	b := widget.NewButton("", nil)
	b.Importance = widget.LowImportance
	b.Alignment = widget.ButtonAlignLeading
	return b
}

func (s *applicantsScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 || id.Col >= len(applicantColumns) {
		b.SetText("")
		return
	}
	c := applicantColumns[id.Col]
	text := c.title()
	if col, desc := s.model.Sort(); col == c.sort && (col != SortID || desc) {
		b.SetIcon(theme.MenuDropDownIcon())
		if !desc {
			b.SetIcon(theme.MenuDropUpIcon())
		}
	} else {
		b.SetIcon(nil)
	}
	b.Alignment = widget.ButtonAlignLeading
	if c.arabic {
		b.Alignment = widget.ButtonAlignTrailing
	}
	b.SetText(text)
	b.OnTapped = func() { s.onSort(c.sort) }
}

// onSort sorts by a column, or turns the sort around when it is the
// current one.
func (s *applicantsScreen) onSort(col int) {
	cur, desc := s.model.Sort()
	s.model.SortBy(col, cur == col && !desc)
	s.refreshList()
}

// onSearchChanged filters the list as the user types.
func (s *applicantsScreen) onSearchChanged(q string) {
	s.sess.svc.Touch()
	s.model.SetFilter(q)
	s.refreshList()
}

// refreshList redraws the table and the counts.
func (s *applicantsScreen) refreshList() {
	s.refreshCount()
	s.table.Refresh()
}

// onSelected opens an applicant's file in the detail pane.
func (s *applicantsScreen) onSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= s.model.Len() {
		return
	}
	s.selected = s.model.Row(id.Row).ID
	s.showDetail(s.selected)
}

// showDetail loads and shows an applicant's file.
func (s *applicantsScreen) showDetail(applicantID string) {
	ctx, svc := s.sess.ctx, s.sess.svc
	async(func() (*office.Detail, error) { return svc.ApplicantDetail(ctx, applicantID) },
		func(d *office.Detail, err error) {
			if err != nil {
				s.sess.showError("applicant detail", err)
				return
			}
			if d.Applicant.ID != s.selected {
				return // another was picked meanwhile
			}
			s.detail.Objects = newDetailView(s.sess, d).objects()
			s.detail.Refresh()
			s.sess.shell.screenShown("applicant-detail")
		})
}

// refreshCount shows how many applicants the list holds and keeps, the
// number and the noun in separate labels so that no label mixes digits
// with Arabic script.
func (s *applicantsScreen) refreshCount() {
	total, shown := s.model.Total(), s.model.Len()
	if shown == total {
		s.count.SetText(formatCount(total))
	} else {
		s.count.SetText(formatCount(shown) + " / " + formatCount(total))
	}
	s.noun.SetText(trN("candidats", total))
	if shown == 0 && total > 0 {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
}

func alignFor(arabic bool) fyne.TextAlign {
	if arabic {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

// selectRow opens the file of the n-th applicant listed.
func (s *applicantsScreen) selectRow(n int) {
	if n >= 0 && n < s.model.Len() {
		s.table.Select(widget.TableCellID{Row: n, Col: 1})
	}
}
