package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// dashboardScreen shows the province's figures in the shape of SEED.md's
// tables, with bar charts.
type dashboardScreen struct {
	sess *session
	body *fyne.Container
	figs *office.Figures // once loaded; for tests
}

func newDashboardScreen(s *session) *dashboardScreen { return &dashboardScreen{sess: s} }

func (s *dashboardScreen) build() fyne.CanvasObject {
	busy := widget.NewProgressBarInfinite()
	s.body = container.NewVBox(paragraph(trRaw("Calcul des chiffres de la province…")), busy)
	ctx, svc := s.sess.ctx, s.sess.svc
	async(func() (*office.Figures, error) { return svc.Figures(ctx) },
		func(f *office.Figures, err error) {
			busy.Stop()
			if err != nil {
				s.sess.showError("dashboard", err)
				return
			}
			s.figs = f
			s.body.Objects = s.sections(f)
			s.body.Refresh()
			s.sess.shell.screenShown("dashboard-ready")
		})
	return container.NewVScroll(container.NewPadded(s.body))
}

// sections lays out the figures: key numbers, then one card per table.
func (s *dashboardScreen) sections(f *office.Figures) []fyne.CanvasObject {
	tiles := container.NewGridWithColumns(3,
		tile(tr("Candidatures"), formatCount(f.Applications)),
		tile(tr("Invités à la formation"), formatCount(f.Invited)),
		tile(tr("Postes de terrain"), formatCount(f.FieldNeeds)),
		tile(tr("Dossiers examinés"), fmt.Sprintf("%s / %s",
			formatCount(f.Documents.Examined()), formatCount(f.Documents.Files))),
		tile(tr("Entretiens notés"), formatCount(f.Interviews.Scored)),
		tile(tr("Sélectionnés"), fmt.Sprintf("%s / %s",
			formatCount(f.Selection.Selected), formatCount(f.Selection.Posts))),
	)
	grid := container.NewGridWithColumns(2,
		card(trRaw("Candidats par catégorie"), s.categories(f)),
		card(trRaw("Dossiers de pièces"), s.documents(f)),
		card(trRaw("Entretiens"), s.interviews(f)),
		card(trRaw("Sélection finale"), s.selection(f)),
	)
	return []fyne.CanvasObject{tiles, grid,
		card(trRaw("Invités et besoins par commune"), s.communes(f)),
		card(trRaw("Candidatures et besoins par commune"), s.communeTable(f))}
}

// communeTable is SEED.md's table of applications against needs, by
// commune: applications, training needs, their ratio, those invited to
// training and the field posts.
func (s *dashboardScreen) communeTable(f *office.Figures) fyne.CanvasObject {
	heads := []string{tr("Commune"), tr("Candidatures"), tr("Besoins de formation"),
		tr("Taux"), tr("Invités"), tr("Postes de terrain")}
	grid := container.NewGridWithColumns(len(heads))
	for _, h := range heads {
		l := widget.NewLabelWithStyle(h, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		grid.Add(l)
	}
	row := func(name string, apps, training, invited, field int) {
		ratio := "—"
		if training > 0 {
			ratio = fmt.Sprintf("%d %%", (100*apps+training/2)/training)
		}
		for _, v := range []string{name, formatCount(apps), formatCount(training), ratio,
			formatCount(invited), formatCount(field)} {
			l := widget.NewLabelWithStyle(display(v), fyne.TextAlignTrailing, fyne.TextStyle{})
			l.Truncation = fyne.TextTruncateEllipsis
			grid.Add(l)
		}
	}
	var apps, training, invited, field int
	for _, c := range f.Communes {
		name := c.Commune.NameFR
		if rtl() {
			name = c.Commune.NameAR
		}
		row(name, c.Applications, c.TrainingNeeds, c.Invited, c.FieldNeeds)
		apps, training, invited, field = apps+c.Applications, training+c.TrainingNeeds,
			invited+c.Invited, field+c.FieldNeeds
	}
	row(trRaw("Total"), apps, training, invited, field)
	return grid
}

// categories is SEED.md's table of applicants by category.
func (s *dashboardScreen) categories(f *office.Figures) fyne.CanvasObject {
	var labels []string
	var vals [][]int
	for _, c := range selection.Categories {
		n := f.ByCategory[c]
		share := 0
		if f.Applications > 0 {
			share = (100*n + f.Applications/2) / f.Applications
		}
		labels = append(labels, fmt.Sprintf("%s (%d %%)", categoryLabel(c), share))
		vals = append(vals, []int{n})
	}
	return newBarChart(labels, []barSeries{{tr("Candidats"), colourDone}}, vals)
}

// documents is SEED.md's table of application files.
func (s *dashboardScreen) documents(f *office.Figures) fyne.CanvasObject {
	d := f.Documents
	return newBarChart(
		[]string{tr("Dossiers déposés"), tr("Examinés"), tr("Acceptés"), tr("Rejetés"),
			tr("En cours d'examen")},
		[]barSeries{{tr("Dossiers"), colourDone}},
		[][]int{{d.Files}, {d.Examined()}, {d.FilesAccepted}, {d.FilesRejected}, {d.FilesPending}})
}

// interviews counts convocations and their outcome.
func (s *dashboardScreen) interviews(f *office.Figures) fyne.CanvasObject {
	i := f.Interviews
	return newBarChart(
		[]string{tr("Séances"), tr("Convoqués"), tr("Présents"), tr("Absents"), tr("Notés"),
			tr("Écarts entre membres")},
		[]barSeries{{tr("Candidats"), colourDone}},
		[][]int{{i.Sessions}, {i.Convoked}, {i.Present}, {i.Absent}, {i.Scored}, {i.Divergent}})
}

// selection counts the committed final selection against the posts.
func (s *dashboardScreen) selection(f *office.Figures) fyne.CanvasObject {
	sel := f.Selection
	chart := newBarChart(
		[]string{tr("Postes"), tr("Sélectionnés"), tr("Contrôleurs"), tr("Recenseurs"),
			tr("Liste d'attente"), tr("Désistements")},
		[]barSeries{{tr("Candidats"), colourGood}},
		[][]int{{sel.Posts}, {sel.Selected}, {sel.Controllers}, {sel.Enumerators}, {sel.Waiting},
			{sel.Withdrawn}})
	if !sel.Committed {
		return container.NewVBox(caption(trRaw("La sélection finale n'est pas encore arrêtée.")), chart)
	}
	return chart
}

// communes compares, commune by commune, those invited with the training
// needs and the field posts.
func (s *dashboardScreen) communes(f *office.Figures) fyne.CanvasObject {
	var labels []string
	var vals [][]int
	for _, c := range f.Communes {
		if c.FieldNeeds == 0 && c.Invited == 0 {
			continue
		}
		name := c.Commune.NameFR
		if rtl() {
			name = display(c.Commune.NameAR)
		}
		labels = append(labels, name)
		vals = append(vals, []int{c.Invited, c.TrainingNeeds, c.FieldNeeds})
	}
	return newBarChart(labels, []barSeries{
		{tr("Invités"), colourDone}, {tr("Besoins de formation"), colourTarget},
		{tr("Postes de terrain"), colourPending}}, vals)
}

// tile is a key figure with its name.
func tile(name, figure string) fyne.CanvasObject {
	n := canvas.NewText(display(figure), theme.Color(theme.ColorNamePrimary))
	n.TextSize = theme.TextHeadingSize()
	n.TextStyle = fyne.TextStyle{Bold: true}
	n.Alignment = fyne.TextAlignCenter
	l := widget.NewLabelWithStyle(display(name), fyne.TextAlignCenter, fyne.TextStyle{})
	return card("", container.NewVBox(n, l))
}

// card frames content under a title.
func card(title string, content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize() * 2
	inner := content
	if title != "" {
		inner = container.NewBorder(heading(title), nil, nil, nil, content)
	}
	return container.NewPadded(container.NewStack(bg, container.NewPadded(inner)))
}
