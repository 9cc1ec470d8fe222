package ui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// sheetView is a panel member's score sheet of one candidate: a score on
// the anchored scale and a note for each criterion; once submitted, the
// other members' scores.
type sheetView struct {
	parent *interviewsScreen
	a      *selection.Applicant
	v      *office.SheetView
	points map[string]*widget.RadioGroup
	notes  map[string]*widget.Entry
	others *fyne.Container // the other members' scores, once visible
}

func newSheetView(p *interviewsScreen, a *selection.Applicant, v *office.SheetView) *sheetView {
	return &sheetView{parent: p, a: a, v: v, points: map[string]*widget.RadioGroup{},
		notes: map[string]*widget.Entry{}}
}

func (s *sheetView) build() fyne.CanvasObject {
	back := widget.NewButtonWithIcon(tr("Retour à la séance"), theme.NavigateBackIcon(),
		func() { s.parent.openSession(s.parent.current) })
	head := container.NewVBox(back,
		heading(joinNonEmpty(strings.ToUpper(s.a.LastName), s.a.FirstName)),
		arabicLabel(joinNonEmpty(s.a.LastNameAR, s.a.FirstNameAR)))
	own := s.v.Own
	body := container.NewVBox()
	for _, c := range s.v.Rubric.Criteria {
		body.Add(s.criterion(c, own))
	}
	s.others = container.NewVBox()
	s.showOthers()
	body.Add(s.others)
	var foot fyne.CanvasObject = widget.NewLabel(tr("Fiche envoyée : elle ne peut plus changer."))
	if !own.Submitted() {
		draft := widget.NewButtonWithIcon(tr("Enregistrer le brouillon"), theme.DocumentSaveIcon(),
			func() { s.onSave(false) })
		submit := widget.NewButtonWithIcon(tr("Envoyer la fiche"), theme.MailSendIcon(), s.onSubmit)
		submit.Importance = widget.HighImportance
		foot = container.NewVBox(caption(trRaw("Les notes des autres membres restent scellées "+
			"jusqu'à l'envoi de votre fiche.")), container.NewCenter(row(draft, submit)))
	}
	return container.NewBorder(head, foot, nil, nil, container.NewVScroll(body))
}

// criterion shows one criterion: its label in both scripts and weight,
// the anchored scale and the note.
func (s *sheetView) criterion(c selection.Criterion, own selection.ScoreSheet) fyne.CanvasObject {
	var opts []string
	for p, anchor := range c.Anchors {
		opts = append(opts, fmt.Sprintf("%d — %s", p, anchor))
	}
	radio := widget.NewRadioGroup(opts, nil)
	if p, ok := own.Points[c.Code]; ok && p < len(opts) {
		radio.SetSelected(opts[p])
	}
	note := widget.NewMultiLineEntry()
	note.SetMinRowsVisible(2)
	note.SetPlaceHolder(tr("Note obligatoire : ce qui justifie la note"))
	note.SetText(own.Notes[c.Code])
	if own.Submitted() {
		radio.Disable()
		note.Disable()
	}
	s.points[c.Code], s.notes[c.Code] = radio, note
	title := widget.NewLabelWithStyle(fmt.Sprintf("%s (%d %%)", c.LabelFR, int(c.Weight*100+0.5)),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	ar := newWrapped(c.LabelAR, fyne.TextAlignTrailing, fyne.TextStyle{})
	return container.NewVBox(widget.NewSeparator(), title, ar, radio, note)
}

// showOthers shows the other members' submitted scores, once the
// service lets the viewer see them.
func (s *sheetView) showOthers() {
	s.others.Objects = nil
	r := s.v.Result
	if !r.Visible {
		s.others.Add(caption(trRaw("Notes des autres membres : scellées.")))
		return
	}
	s.others.Add(widget.NewSeparator())
	s.others.Add(heading(trRaw("Notes du jury")))
	for _, member := range slices.Sorted(maps.Keys(r.Scores)) {
		s.others.Add(value(fmt.Sprintf("%s : %.2f / 100", member, r.Scores[member])))
	}
	s.others.Add(value(resultText(r)))
}

// sheet returns the points and notes typed.
func (s *sheetView) sheet() (map[string]int, map[string]string) {
	points, notes := map[string]int{}, map[string]string{}
	for code, r := range s.points {
		if r.Selected != "" {
			var p int
			fmt.Sscanf(r.Selected, "%d", &p)
			points[code] = p
		}
		notes[code] = s.notes[code].Text
	}
	return points, notes
}

// onSave saves the sheet as a draft, or submits it.
func (s *sheetView) onSave(submit bool) {
	points, notes := s.sheet()
	p := s.parent
	ctx, svc, id := p.sess.ctx, p.sess.svc, p.current
	async(func() (struct{}, error) {
		return struct{}{}, svc.SaveSheet(ctx, id, s.a.ID, points, notes, submit)
	}, func(_ struct{}, err error) {
		if err != nil {
			p.sess.showError("save score sheet", err)
			return
		}
		p.openSheet(s.a)
	})
}

// onSubmit asks for confirmation, then submits the sheet for good.
func (s *sheetView) onSubmit() {
	confirm(s.parent.sess.win, tr("Envoyer la fiche"), trRaw("Une fois envoyée, la fiche ne peut "+
		"plus changer. Les notes des autres membres vous seront alors visibles."),
		tr("Envoyer"), func() { s.onSave(true) })
}
