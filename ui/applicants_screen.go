package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/assets"
	"intiqa/selection"
)

// column is one column of the applicants table.
type column struct {
	title  func() string
	width  float32
	arabic bool // right-aligned, as Arabic text reads
	value  func(r *ApplicantRow) string
}

// applicantColumns lists the table's columns in display order.
var applicantColumns = []column{
	{func() string { return lang.L("Identifiant") }, 110, false,
		func(r *ApplicantRow) string { return r.ID }},
	{func() string { return lang.L("Nom") }, 230, false,
		func(r *ApplicantRow) string { return r.NameLatin }},
	{func() string { return lang.L("الاسم") }, 200, true,
		func(r *ApplicantRow) string { return r.NameAR }},
	{func() string { return lang.L("Catégorie") }, 180, false,
		func(r *ApplicantRow) string { return categoryLabel(r.Category) }},
	{func() string { return lang.L("Commune (1er choix)") }, 230, false,
		func(r *ApplicantRow) string { return r.CommuneFR }},
	{func() string { return lang.L("الجماعة") }, 200, true,
		func(r *ApplicantRow) string { return r.CommuneAR }},
}

// applicantsScreen lists a province's applicants with a search box.
type applicantsScreen struct {
	model *ApplicantsModel
	demo  bool

	search *widget.Entry
	table  *widget.Table
	count  *widget.Label
	noun   *widget.Label
	empty  *widget.Label
}

func newApplicantsScreen(m *ApplicantsModel, demo bool) *applicantsScreen {
	return &applicantsScreen{model: m, demo: demo}
}

// build creates the screen's widgets and lays them out.
func (s *applicantsScreen) build() fyne.CanvasObject {
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("Rechercher par nom, en latin ou en arabe, ou par identifiant"))
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = s.onSearchChanged

	s.count = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	s.noun = widget.NewLabel("")
	s.empty = widget.NewLabel(lang.L("Aucun candidat ne correspond à la recherche."))
	s.empty.Alignment = fyne.TextAlignCenter
	s.table = s.buildTable()
	s.refreshCount()

	searchRow := container.NewBorder(nil, nil, nil,
		container.NewHBox(s.count, s.noun), s.search)
	top := container.NewVBox(s.appBar(), s.heading(), searchRow)
	body := container.NewStack(s.table, container.NewCenter(s.empty))
	return container.NewBorder(
		container.NewVBox(container.NewPadded(top), widget.NewSeparator()),
		s.footer(), nil, nil, body)
}

// appBar is the thin band above the heading: the product, the screen,
// and a badge when the data is the demonstration.
func (s *applicantsScreen) appBar() fyne.CanvasObject {
	product := canvas.NewText("Intiqa", theme.Color(theme.ColorNamePrimary))
	product.TextStyle = fyne.TextStyle{Bold: true}
	product.TextSize = theme.TextSubHeadingSize()
	screen := widget.NewLabel(lang.L("Candidats de la province"))
	screen.Importance = widget.LowImportance
	bar := container.NewHBox(product, screen, layout.NewSpacer())
	if s.demo {
		bar.Add(badge(lang.L("Données de démonstration")))
	}
	return bar
}

// heading names the province and its region, in French on the left and
// in Arabic on the right.
func (s *applicantsScreen) heading() fyne.CanvasObject {
	p := s.model.Province
	nameFR := headingLabel(provinceTitleFR(p), fyne.TextAlignLeading)
	nameAR := headingLabel(provinceTitleAR(p), fyne.TextAlignTrailing)
	region, _ := s.model.region()
	regionFR := subheadingLabel(lang.L("Région {{.Name}}", map[string]string{"Name": region.NameFR}),
		fyne.TextAlignLeading)
	regionAR := subheadingLabel(lang.L("جهة {{.Name}}", map[string]string{"Name": region.NameAR}),
		fyne.TextAlignTrailing)
	return container.NewVBox(
		container.NewGridWithColumns(2, nameFR, nameAR),
		container.NewGridWithColumns(2, regionFR, regionAR),
	)
}

// footer credits the source of the territory's names.
func (s *applicantsScreen) footer() fyne.CanvasObject {
	// NOTE: the credit is a licence term, shown verbatim in French.
	credit := widget.NewLabel(assets.Credit)
	credit.Importance = widget.LowImportance
	credit.SizeName = theme.SizeNameCaptionText
	credit.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(widget.NewSeparator(), credit)
}

// buildTable creates the virtualized table over the model.
func (s *applicantsScreen) buildTable() *widget.Table {
	t := widget.NewTable(s.tableLength, s.createCell, s.updateCell)
	t.ShowHeaderRow = true
	t.CreateHeader = s.createHeader
	t.UpdateHeader = s.updateHeader
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
	l.SetText(c.value(&row))
}

func (s *applicantsScreen) createHeader() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (s *applicantsScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Col < 0 || id.Col >= len(applicantColumns) {
		l.SetText("")
		return
	}
	c := applicantColumns[id.Col]
	l.Alignment = alignFor(c.arabic)
	l.SetText(c.title())
}

// onSearchChanged filters the list as the user types.
func (s *applicantsScreen) onSearchChanged(q string) {
	s.model.SetFilter(q)
	s.refreshCount()
	s.table.ScrollToTop()
	s.table.Refresh()
}

// refreshCount shows how many applicants the list holds and keeps, the
// number and the noun in separate labels so that no label mixes digits
// with Arabic script (see STYLE.md).
func (s *applicantsScreen) refreshCount() {
	total, shown := s.model.Total(), s.model.Len()
	if shown == total {
		s.count.SetText(formatCount(total))
	} else {
		s.count.SetText(formatCount(shown) + " / " + formatCount(total))
	}
	s.noun.SetText(lang.N("candidats", total))
	if shown == 0 && total > 0 {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
}

func provinceTitleFR(p selection.Province) string {
	data := map[string]string{"Name": p.NameFR}
	if p.Type == selection.ProvinceTypeProvince {
		return lang.L("Province de {{.Name}}", data)
	}
	return lang.L("Préfecture de {{.Name}}", data)
}

func provinceTitleAR(p selection.Province) string {
	data := map[string]string{"Name": p.NameAR}
	if p.Type == selection.ProvinceTypeProvince {
		return lang.L("إقليم {{.Name}}", data)
	}
	return lang.L("عمالة {{.Name}}", data)
}

func alignFor(arabic bool) fyne.TextAlign {
	if arabic {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

func headingLabel(text string, align fyne.TextAlign) *widget.Label {
	l := widget.NewLabelWithStyle(text, align, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func subheadingLabel(text string, align fyne.TextAlign) *widget.Label {
	l := widget.NewLabelWithStyle(text, align, fyne.TextStyle{})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// badge draws text on a rounded patch of the theme's warning colour.
func badge(text string) fyne.CanvasObject {
	bg := canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNameWarning), 0x40))
	bg.CornerRadius = theme.InputRadiusSize()
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.Importance = widget.WarningImportance
	return container.NewStack(bg, l)
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
