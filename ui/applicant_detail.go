package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// detailView shows one applicant's file: declared data, documents and
// reviews, training, interviews, and the selection status with its
// explanation.
type detailView struct {
	sess *session
	d    *office.Detail
	terr *selection.Territory
}

func newDetailView(s *session, d *office.Detail) *detailView {
	terr, _ := s.svc.Territory(s.ctx)
	return &detailView{sess: s, d: d, terr: terr}
}

// objects returns the pane's sections.
func (v *detailView) objects() []fyne.CanvasObject {
	a := v.d.Applicant
	name := widget.NewLabelWithStyle(joinNonEmpty(strings.ToUpper(a.LastName), a.FirstName),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.SizeName = "subHeadingText"
	out := []fyne.CanvasObject{
		container.NewGridWithColumns(2, name,
			arabicLabel(joinNonEmpty(a.LastNameAR, a.FirstNameAR))),
		caption(a.ID),
	}
	out = append(out, section(trRaw("Données déclarées")), v.declared())
	out = append(out, section(trRaw("Pièces justificatives")), v.documents())
	out = append(out, section(trRaw("Formation à distance")), v.training())
	out = append(out, section(trRaw("Entretiens")), v.interviews())
	out = append(out, section(trRaw("Sélection")), v.selection())
	return out
}

// section is the title of a part of the pane.
func section(text string) fyne.CanvasObject {
	return container.NewVBox(widget.NewSeparator(), heading(text))
}

// fields lays out pairs of a label and a value.
func fields(pairs ...string) fyne.CanvasObject {
	c := container.New(layout.NewFormLayout())
	for i := 0; i+1 < len(pairs); i += 2 {
		l := widget.NewLabelWithStyle(display(pairs[i]), fyne.TextAlignTrailing,
			fyne.TextStyle{Bold: true})
		val := widget.NewLabel(display(pairs[i+1]))
		val.Wrapping = fyne.TextWrapWord
		c.Add(l)
		c.Add(val)
	}
	return c
}

// orDash shows "—" for an empty value (personal data the role hides).
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// declared shows every field the applicant declared.
func (v *detailView) declared() fyne.CanvasObject {
	a := v.d.Applicant
	birth := ""
	if !a.BirthDate.IsZero() {
		birth = a.BirthDate.Format("02/01/2006")
	}
	var langs []string
	for _, l := range a.Languages {
		langs = append(langs, languageLabel(l))
	}
	pairs := []string{
		tr("CIN"), orDash(a.CIN),
		tr("Sexe"), sexLabel(a.Sex),
		tr("Date de naissance"), orDash(birth),
		tr("Téléphone"), orDash(a.Phone),
		tr("E-mail"), orDash(a.Email),
		tr("Catégorie"), categoryLabel(a.Category),
		tr("Études"), educationLabel(a.Education),
		tr("Expérience d'enquête"), experienceLabel(a.SurveyExperience),
		tr("Technologies"), techLabel(a.TechSkill),
		tr("Langues parlées"), strings.Join(langs, ", "),
	}
	for i, code := range a.Choices {
		pairs = append(pairs, tr("Choix {{.N}}", map[string]any{"N": i + 1}), v.commune(code))
	}
	pairs = append(pairs, tr("Inscription"), a.RegisteredAt.Local().Format("02/01/2006 15:04"))
	return fields(pairs...)
}

// commune names a commune in both scripts.
func (v *detailView) commune(code string) string {
	if v.terr != nil {
		if c, ok := v.terr.Commune(code); ok {
			return c.NameFR + " · " + c.NameAR
		}
	}
	return code
}

// documents lists the documents with their latest verdict.
func (v *detailView) documents() fyne.CanvasObject {
	if len(v.d.Documents) == 0 {
		return paragraph(trRaw("Aucune pièce déposée."))
	}
	var pairs []string
	for _, st := range v.d.Documents {
		verdict := verdictLabel(st.Verdict)
		if st.Verdict == selection.VerdictRejected {
			verdict += " : " + reasonLabel(st.Reason)
		}
		if st.Reviewer != "" {
			verdict += " (" + st.Reviewer + ")"
		}
		if n := len(v.d.Reviews[st.Document.ID]); n > 1 {
			verdict += " · " + trRaw("{{.N}} décisions", map[string]any{"N": n})
		}
		pairs = append(pairs, kindLabel(st.Document.Kind), verdict)
		for _, r := range v.d.Reviews[st.Document.ID] {
			pairs = append(pairs, "", reviewLine(r))
		}
	}
	return fields(pairs...)
}

// reviewLine puts one review of a document's history in words.
func reviewLine(r selection.Review) string {
	text := fmt.Sprintf("%d. %s", r.Version, verdictLabel(r.Verdict))
	if r.Reason != "" {
		text += " : " + reasonLabel(r.Reason)
	}
	return text + " · " + r.Reviewer + " · " + r.ReviewedAt.Local().Format("02/01/2006 15:04")
}

// training shows the remote training's progress.
func (v *detailView) training() fyne.CanvasObject {
	t := v.d.Training
	if t == nil {
		return paragraph(trRaw("Pas de suivi de formation (non invité à la formation à distance)."))
	}
	started := tr("Non")
	if t.Started {
		started = tr("Oui")
	}
	score := "—"
	if t.TestScore != nil {
		score = fmt.Sprintf("%.1f / 100", *t.TestScore)
	}
	return fields(tr("Commencée"), started,
		tr("Modules terminés"), fmt.Sprintf("%d / %d", t.ModulesCompleted, t.ModulesTotal),
		tr("Test final"), score)
}

// interviews shows the convocations and their outcome.
func (v *detailView) interviews() fyne.CanvasObject {
	if len(v.d.Interviews) == 0 {
		return paragraph(trRaw("Aucune convocation."))
	}
	box := container.NewVBox()
	for _, r := range v.d.Interviews {
		att := tr("Présence non relevée")
		if r.Attendance != nil && r.Attendance.Present {
			att = tr("Présent")
		} else if r.Attendance != nil {
			att = tr("Absent")
		}
		result := tr("Résultat du jury non encore arrêté")
		if r.Result != nil {
			result = tr("Note du jury : {{.Score}} / 100",
				map[string]any{"Score": r.Result.Score().String()})
		}
		box.Add(fields(tr("Séance"), r.Session.StartsAt.Local().Format("02/01/2006 15:04")+
			" · "+r.Session.Place, tr("Poste"), roleName(r.Convoked.Role),
			tr("Présence"), att, tr("Résultat"), result))
	}
	return box
}

// selection shows the pre-selection's outcome with its explanation and
// the final selection's outcome.
func (v *detailView) selection() fyne.CanvasObject {
	box := container.NewVBox()
	o := v.d.Preselection
	if o == nil {
		return paragraph(trRaw("Pas encore de pré-sélection."))
	}
	pairs := []string{tr("Pré-sélection"), statusLabel(o.Status)}
	if o.CommuneCode != "" {
		pairs = append(pairs, tr("Commune"), v.commune(o.CommuneCode),
			tr("Rang"), fmt.Sprint(o.Rank))
	}
	pairs = append(pairs, tr("Score de mérite"), fmt.Sprintf("%.2f", o.Score))
	box.Add(fields(pairs...))
	if e := v.d.Explanation; e != nil {
		box.Add(v.explanation(e))
	}
	if f := v.d.Final; f != nil {
		final := []string{tr("Sélection finale"), statusLabel(f.Status),
			tr("Motif"), finalReasonLabel(f.Reason),
			tr("Score composite"), fmt.Sprintf("%.2f", f.Score)}
		if f.Role != "" {
			final = append(final, tr("Poste"), roleName(f.Role))
		}
		if f.Rank > 0 {
			final = append(final, tr("Rang"), fmt.Sprint(f.Rank))
		}
		box.Add(fields(final...))
	} else {
		box.Add(caption(trRaw("La sélection finale n'est pas encore arrêtée.")))
	}
	return box
}

// explanation shows, for each chosen commune, the score's breakdown, the
// rank among those who chose it and its cut-off.
func (v *detailView) explanation(e *selection.Explanation) fyne.CanvasObject {
	box := container.NewVBox(heading(trRaw("Explication")))
	if Language() == LangFrench && e.Rule != "" {
		box.Add(paragraph(e.Rule))
	}
	for _, c := range e.Choices {
		cut := tr("places non toutes pourvues")
		if c.CutOff != nil {
			cut = c.CutOff.String()
		}
		outcome := tr("non retenu ici")
		switch {
		case c.Invited:
			outcome = tr("invité ici")
		case c.Waiting:
			outcome = tr("en liste d'attente ici")
		}
		var parts []string
		for _, p := range c.Merit.Parts {
			parts = append(parts, fmt.Sprintf("%s %d×%d%%", meritLabel(p.Criterion), p.Points,
				p.Weight))
		}
		box.Add(fields(
			tr("Choix {{.N}}", map[string]any{"N": c.Choice}), v.commune(c.CommuneCode),
			tr("Score ici"), c.Merit.Total.String()+" ("+strings.Join(parts, " + ")+")",
			tr("Rang"), fmt.Sprintf("%d / %d", c.Rank, c.Competitors),
			tr("Places"), fmt.Sprint(c.Quota),
			tr("Seuil"), cut,
			tr("Issue"), outcome))
	}
	return box
}

// meritLabel names a merit criterion.
func meritLabel(c string) string {
	switch c {
	case selection.CriterionEducation:
		return tr("études")
	case selection.CriterionExperience:
		return tr("expérience")
	case selection.CriterionTech:
		return tr("technologies")
	case selection.CriterionCategory:
		return tr("catégorie")
	case selection.CriterionLanguage:
		return tr("langue")
	}
	return c
}
