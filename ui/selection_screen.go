package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// maxChangesShown bounds the list of a preview's changes.
const maxChangesShown = 300

// selectionScreen runs the final selection as a preview of what changes,
// commits it, and shows the selected and waiting lists per commune and
// role, where a withdrawal is recorded and its replacement shown.
type selectionScreen struct {
	sess    *session
	seed    *widget.Entry
	preview *office.Preview
	lists   *office.FinalLists
	names   map[string][2]string // by applicant ID: Latin and Arabic names

	previewBox *fyne.Container
	listBox    *fyne.Container
	commune    *widget.Select
	codes      []string
	kind       *widget.RadioGroup
}

func newSelectionScreen(s *session) *selectionScreen {
	return &selectionScreen{sess: s, names: map[string][2]string{}}
}

func (s *selectionScreen) build() fyne.CanvasObject {
	s.previewBox = container.NewVBox()
	s.listBox = container.NewVBox()
	top := container.NewVBox(heading(trRaw("Sélection finale")))
	if s.sess.svc.Can(office.ActRunSelection) {
		s.seed = widget.NewEntry()
		run := widget.NewButtonWithIcon(tr("Prévisualiser la sélection"), theme.SearchIcon(),
			s.onPreview)
		run.Importance = widget.HighImportance
		top.Add(paragraph(trRaw("La sélection retient, commune par commune, les candidats dont les " +
			"pièces sont acceptées, présents et reçus à l'entretien, classés par score composite " +
			"(entretien, test de formation, mérite). Les contrôleurs d'abord, puis les recenseurs ; " +
			"les suivants forment la liste d'attente.")))
		top.Add(container.NewBorder(nil, nil, widget.NewLabel(tr("Graine du tirage")), run, s.seed))
		// The preview waits for the proposed seed: pressed before, it
		// would run on an empty one.
		run.Disable()
		ctx, svc := s.sess.ctx, s.sess.svc
		async(func() (string, error) { return svc.DefaultSeed(ctx) }, func(seed string, err error) {
			if err == nil {
				s.seed.SetText(seed)
			}
			run.Enable()
			s.sess.shell.screenShown("selection-ready")
		})
	}
	s.loadLists()
	body := container.NewVBox(s.previewBox, s.listBox)
	return container.NewPadded(container.NewBorder(top, nil, nil, nil, container.NewVScroll(body)))
}

// onPreview runs the final selection in the background, with progress
// and cancel, and shows what it would change.
func (s *selectionScreen) onPreview() {
	seed := s.seed.Text
	var p *office.Preview
	s.sess.runJob(tr("Calcul de la sélection finale"), func(ctx context.Context,
		report func(Progress)) error {
		report(Progress{Step: StepSelection})
		var err error
		p, err = s.sess.svc.PreviewFinal(ctx, seed)
		return err
	}, func(err error) {
		if err != nil {
			s.sess.showError("preview final selection", err)
			return
		}
		s.preview = p
		s.showPreview()
	})
}

// showPreview shows a preview's counts and changes, with the button to
// commit it.
func (s *selectionScreen) showPreview() {
	p := s.preview
	s.previewBox.Objects = nil
	s.previewBox.Add(heading(trRaw("Aperçu (non enregistré)")))
	s.previewBox.Add(fields(
		tr("Sélectionnés"), formatCount(p.Counts[selection.StatusSelected]),
		tr("Liste d'attente"), formatCount(p.Counts[selection.StatusWaiting]),
		tr("Non retenus"), formatCount(p.Counts[selection.StatusNotRetained]),
		tr("Inéligibles"), formatCount(p.Counts[selection.StatusIneligible]),
		tr("Changements"), formatCount(len(p.Changes)),
	))
	if p.Previous == nil {
		s.previewBox.Add(caption(trRaw("Aucune sélection n'est encore arrêtée : tout est nouveau.")))
	}
	changes := container.NewVBox()
	for i, c := range p.Changes {
		if i == maxChangesShown {
			changes.Add(caption(trRaw("… et {{.N}} autres changements.",
				map[string]any{"N": formatCount(len(p.Changes) - i)})))
			break
		}
		if c.Before == nil && c.After.Status == selection.StatusIneligible {
			continue // not worth a line on a first run
		}
		changes.Add(value(changeText(c)))
	}
	s.previewBox.Add(changes)
	commit := widget.NewButtonWithIcon(tr("Valider et enregistrer cette sélection"),
		theme.ConfirmIcon(), s.onCommit)
	commit.Importance = widget.HighImportance
	s.previewBox.Add(container.NewCenter(commit))
	s.previewBox.Refresh()
	s.sess.shell.screenShown("selection-preview")
}

// changeText puts one change in words.
func changeText(c office.Change) string {
	after := outcomeText(&c.After)
	if c.Before == nil {
		return fmt.Sprintf("%s : %s", c.ApplicantID, after)
	}
	return fmt.Sprintf("%s : %s → %s", c.ApplicantID, outcomeText(c.Before), after)
}

// outcomeText puts an outcome in words: status, commune, role, rank.
func outcomeText(o *selection.Outcome) string {
	parts := []string{statusLabel(o.Status)}
	if o.CommuneCode != "" && o.Status != selection.StatusIneligible {
		parts = append(parts, o.CommuneCode)
	}
	if o.Role != "" {
		parts = append(parts, roleName(o.Role))
	}
	if o.Rank > 0 {
		parts = append(parts, trRaw("rang {{.N}}", map[string]any{"N": o.Rank}))
	}
	return strings.Join(parts, ", ")
}

// onCommit records the previewed selection after confirmation.
func (s *selectionScreen) onCommit() {
	confirm(s.sess.win, tr("Valider la sélection"), trRaw("La sélection prévisualisée devient la "+
		"sélection finale de la province, enregistrée avec ses empreintes."), tr("Valider"),
		s.commit)
}

// commit records the previewed selection.
func (s *selectionScreen) commit() {
	ctx, svc, p := s.sess.ctx, s.sess.svc, s.preview
	async(func() (*selection.Run, error) { return svc.CommitFinal(ctx, p) },
		func(_ *selection.Run, err error) {
			if err != nil {
				s.sess.showError("commit final selection", err)
				return
			}
			s.preview = nil
			s.previewBox.Objects = nil
			s.previewBox.Refresh()
			s.loadLists()
		})
}

// loadLists reads the committed selection and the names it needs.
func (s *selectionScreen) loadLists() {
	ctx, svc := s.sess.ctx, s.sess.svc
	async(func() (*office.FinalLists, error) {
		l, err := svc.CommittedFinal(ctx)
		if err != nil || l == nil {
			return l, err
		}
		return l, s.readNames(ctx, l)
	}, func(l *office.FinalLists, err error) {
		if err != nil {
			s.sess.showError("read final selection", err)
			return
		}
		s.lists = l
		s.showLists()
	})
}

// readNames reads the names of the candidates a selection lists.
func (s *selectionScreen) readNames(ctx context.Context, l *office.FinalLists) error {
	want := map[string]bool{}
	for _, o := range l.Outcomes {
		if o.Status == selection.StatusSelected || o.Status == selection.StatusWaiting ||
			o.Status == selection.StatusWithdrawn {
			want[o.ApplicantID] = true
		}
	}
	names := map[string][2]string{}
	for a, err := range s.sess.svc.Applicants(ctx, selection.ApplicantFilter{}) {
		if err != nil {
			return err
		}
		if want[a.ID] {
			names[a.ID] = [2]string{joinNonEmpty(strings.ToUpper(a.LastName), a.FirstName),
				joinNonEmpty(a.LastNameAR, a.FirstNameAR)}
		}
	}
	fyne.Do(func() { s.names = names })
	return nil
}

// showLists shows the committed selection by commune and list.
func (s *selectionScreen) showLists() {
	s.listBox.Objects = nil
	if s.lists == nil {
		s.listBox.Add(paragraph(trRaw("La sélection finale n'est pas encore arrêtée.")))
		s.listBox.Refresh()
		return
	}
	r := s.lists.Run
	s.listBox.Add(heading(trRaw("Sélection arrêtée")))
	s.listBox.Add(caption(trRaw("Arrêtée le {{.At}} par {{.By}} · empreinte des résultats {{.Hash}}",
		map[string]any{"At": r.CommittedAt.Local().Format("02/01/2006 15:04"), "By": r.CreatedBy,
			"Hash": shortHash(r.OutputHash)})))
	var names []string
	s.codes = nil
	terr, _ := s.sess.svc.Territory(s.sess.ctx)
	p, _ := s.sess.svc.Province(s.sess.ctx)
	for _, c := range terr.CommunesOf(p.Code) {
		name := c.NameFR
		if rtl() {
			name = display(c.NameAR)
		}
		names = append(names, name)
		s.codes = append(s.codes, c.Code)
	}
	list := container.NewVBox()
	s.commune = widget.NewSelect(names, func(string) { s.showCommune(list) })
	s.kind = widget.NewRadioGroup([]string{tr("Contrôleurs"), tr("Recenseurs"), tr("Liste d'attente")},
		func(string) { s.showCommune(list) })
	s.kind.Horizontal = true
	best := s.busiestCommune()
	s.kind.SetSelected(tr("Recenseurs"))
	if s.count(s.codes[best], selection.RoleEnumerator) == 0 {
		s.kind.SetSelected(tr("Contrôleurs"))
	}
	s.commune.SetSelectedIndex(best)
	s.listBox.Add(container.NewBorder(nil, nil, nil, s.kind, s.commune))
	s.listBox.Add(list)
	s.listBox.Refresh()
	s.sess.shell.screenShown("selection-lists")
}

// busiestCommune returns the index of the commune to show first: the
// one with the longest waiting list (where a withdrawal finds a
// replacement), else the one with the most selected.
func (s *selectionScreen) busiestCommune() int {
	selected, waiting := map[string]int{}, map[string]int{}
	for _, o := range s.lists.Outcomes {
		switch o.Status {
		case selection.StatusSelected:
			selected[o.CommuneCode]++
		case selection.StatusWaiting:
			waiting[o.CommuneCode]++
		}
	}
	best := 0
	for i, c := range s.codes {
		b := s.codes[best]
		if waiting[c] > waiting[b] || waiting[c] == waiting[b] && selected[c] > selected[b] {
			best = i
		}
	}
	return best
}

// count returns how many candidates a commune selected for a role.
func (s *selectionScreen) count(commune string, role selection.Role) int {
	n := 0
	for _, o := range s.lists.Outcomes {
		if o.Status == selection.StatusSelected && o.CommuneCode == commune && o.Role == role {
			n++
		}
	}
	return n
}

// showCommune lists one commune's selected controllers or enumerators,
// or its waiting list.
func (s *selectionScreen) showCommune(list *fyne.Container) {
	if s.commune == nil || s.kind == nil || s.commune.SelectedIndex() < 0 {
		return
	}
	code := s.codes[s.commune.SelectedIndex()]
	status, role := selection.StatusSelected, selection.RoleEnumerator
	switch s.kind.Selected {
	case tr("Contrôleurs"):
		role = selection.RoleController
	case tr("Liste d'attente"):
		status, role = selection.StatusWaiting, ""
	}
	var rows []selection.Outcome
	for _, o := range s.lists.Outcomes {
		if o.CommuneCode == code && o.Status == status && (role == "" || o.Role == role) {
			rows = append(rows, o)
		}
	}
	sortByRank(rows)
	list.Objects = nil
	for _, o := range rows {
		list.Add(s.outcomeRow(o))
	}
	if len(rows) == 0 {
		list.Add(paragraph(trRaw("Personne dans cette liste.")))
	}
	for _, w := range s.lists.Withdrawals {
		list.Add(caption(withdrawalText(w, s.names)))
	}
	list.Refresh()
}

// outcomeRow shows one listed candidate, with the withdrawal button for
// a selected one.
func (s *selectionScreen) outcomeRow(o selection.Outcome) fyne.CanvasObject {
	n := s.names[o.ApplicantID]
	info := container.NewGridWithColumns(2,
		value(fmt.Sprintf("%d. %s · %s · %.2f", o.Rank, o.ApplicantID, n[0], o.Score)),
		arabicLabel(n[1]))
	if o.Status != selection.StatusSelected || !s.sess.svc.Can(office.ActRecordWithdrawal) {
		return info
	}
	w := widget.NewButtonWithIcon(tr("Désistement"), theme.ContentRemoveIcon(),
		func() { s.onWithdraw(o.ApplicantID) })
	return container.NewBorder(nil, nil, nil, w, info)
}

// onWithdraw asks for the reason of a withdrawal, records it and shows
// the replacement.
func (s *selectionScreen) onWithdraw(id string) {
	reason := widget.NewEntry()
	dialog.ShowForm(tr("Désistement de {{.ID}}", map[string]any{"ID": id}), tr("Enregistrer"),
		tr("Annuler"), []*widget.FormItem{widget.NewFormItem(tr("Motif"), reason)},
		func(ok bool) {
			if ok {
				s.withdraw(id, reason.Text)
			}
		}, s.sess.win)
}

// withdraw records a withdrawal and tells who replaces the candidate.
func (s *selectionScreen) withdraw(id, reason string) {
	ctx, svc := s.sess.ctx, s.sess.svc
	async(func() (*selection.Promotion, error) { return svc.Withdraw(ctx, id, reason) },
		func(p *selection.Promotion, err error) {
			if err != nil {
				s.sess.showError("withdrawal", err)
				return
			}
			text := tr("Personne ne peut être promu : la liste d'attente est vide.")
			if p.Promoted != "" {
				from := p.From
				if terr, err := s.sess.svc.Territory(s.sess.ctx); err == nil {
					if c, ok := terr.Commune(p.From); ok {
						from = c.NameFR
					}
				}
				text = tr("{{.Promoted}} prend le poste (liste d'attente de {{.From}}).",
					map[string]any{"Promoted": strings.TrimSpace(p.Promoted + " " +
						s.names[p.Promoted][0]), "From": from})
			}
			dialog.ShowInformation(tr("Désistement enregistré"), text, s.sess.win)
			s.loadLists()
		})
}

// withdrawalText puts a recorded withdrawal in words.
func withdrawalText(w selection.Withdrawal, names map[string][2]string) string {
	by := trRaw("personne")
	if w.ReplacedBy != "" {
		by = w.ReplacedBy + " " + names[w.ReplacedBy][0]
	}
	return trRaw("Désistement de {{.ID}} ({{.Reason}}), remplacé par {{.By}}",
		map[string]any{"ID": w.ApplicantID + " " + names[w.ApplicantID][0], "Reason": w.Reason,
			"By": by})
}

// sortByRank orders outcomes by rank.
func sortByRank(os []selection.Outcome) {
	slices.SortFunc(os, func(a, b selection.Outcome) int { return a.Rank - b.Rank })
}

// shortHash shows the start of a hash.
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
