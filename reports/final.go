package reports

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"intiqa/selection"
)

// listColumns are the columns of the lists of a final selection. The
// commune and role are section headings in the PDF, columns in the XLSX.
var listColumns = slices.Concat([]Column{
	{Key: "commune_code", Width: 0},
	{Key: "commune", Width: 0},
	{Key: "role", Width: 0},
	{Key: "rank", Label: "Rang", LabelAR: "الرتبة", Width: 14, Align: Right},
}, personColumns, []Column{
	{Key: "score", Label: "Score composite", LabelAR: "النقطة", Width: 28, Align: Right},
})

// Selected builds the list of the candidates a final selection run
// selected, by commune and role (controllers first), in rank order.
func Selected(ctx context.Context, st RunStore, runID string, printed time.Time) (*Report, error) {
	return finalList(ctx, st, runID, selection.StatusSelected, printed)
}

// Waiting builds the ranked waiting lists of a final selection run, by
// commune.
func Waiting(ctx context.Context, st RunStore, runID string, printed time.Time) (*Report, error) {
	return finalList(ctx, st, runID, selection.StatusWaiting, printed)
}

// finalList builds the list of the outcomes of one status.
func finalList(ctx context.Context, st RunStore, runID string, status selection.Status,
	printed time.Time) (*Report, error) {
	run, err := st.Run(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	if run.Kind != selection.RunFinal {
		return nil, fmt.Errorf("run %s is a %s, not a final selection: %w", run.ID, run.Kind,
			ErrWrongRun)
	}
	title, titleAR, name := "Candidats retenus par commune et par poste",
		"المترشحون المقبولون حسب الجماعة والمنصب", "selected"
	if status == selection.StatusWaiting {
		title, titleAR, name = "Listes d'attente par commune", "لوائح الانتظار حسب الجماعة", "waiting"
	}
	meta, terr, err := newMeta(ctx, st, run.Scope, title, titleAR, printed)
	if err != nil {
		return nil, err
	}
	meta.RunID, meta.RunHash = run.ID, run.OutputHash
	meta.Subtitle = fmt.Sprintf("Sélection finale %s, règles %s", run.ID, run.RulesVersion)
	meta.SubtitleAR = "الانتقاء النهائي"

	outcomes, err := st.Outcomes(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("read outcomes: %w", err)
	}
	outcomes = slices.DeleteFunc(outcomes, func(o selection.Outcome) bool {
		return o.Status != status
	})
	slices.SortFunc(outcomes, compareListed)
	r := &Report{Name: name, Meta: meta, Columns: listColumns}
	if err := fillSections(ctx, st, terr, r, outcomes); err != nil {
		return nil, err
	}
	r.Notes = []string{fmt.Sprintf("%s candidats dans %s listes.", Thousands(r.RowCount()),
		Thousands(len(r.Sections)))}
	return r, nil
}

// ErrWrongRun is returned when a list is asked of a run of another kind.
var ErrWrongRun = errors.New("wrong kind of run")

// compareListed orders outcomes by commune, role (controllers first) and
// rank.
func compareListed(a, b selection.Outcome) int {
	roleOrder := func(r selection.Role) int {
		if r == selection.RoleController {
			return 0
		}
		return 1
	}
	return cmp.Or(cmp.Compare(a.CommuneCode, b.CommuneCode),
		cmp.Compare(roleOrder(a.Role), roleOrder(b.Role)), cmp.Compare(a.Rank, b.Rank),
		cmp.Compare(a.ApplicantID, b.ApplicantID))
}

// fillSections adds one section per commune and role of the sorted
// outcomes.
func fillSections(ctx context.Context, st RunStore, terr *selection.Territory, r *Report,
	outcomes []selection.Outcome) error {
	var sec *Section
	for i, o := range outcomes {
		a, err := st.Applicant(ctx, o.ApplicantID)
		if err != nil {
			return fmt.Errorf("read listed applicant: %w", err)
		}
		name, nameAR := communeNames(terr, o.CommuneCode)
		if i == 0 || o.CommuneCode != outcomes[i-1].CommuneCode || o.Role != outcomes[i-1].Role {
			r.Sections = append(r.Sections, sectionOf(name, nameAR, o))
			sec = &r.Sections[len(r.Sections)-1]
		}
		role, _ := RoleLabel(o.Role)
		row := append([]any{o.CommuneCode, name, role, o.Rank}, personCells(a)...)
		sec.Rows = append(sec.Rows, append(row, o.Score))
	}
	return nil
}

// sectionOf starts the section of an outcome's commune and role.
func sectionOf(name, nameAR string, o selection.Outcome) Section {
	s := Section{Heading: fmt.Sprintf("Commune %s (%s)", name, o.CommuneCode),
		HeadingAR: "جماعة " + nameAR}
	if o.Role != "" {
		l := rolePlurals[o.Role]
		s.Heading += " — " + l.fr
		s.HeadingAR += " — " + l.ar
	}
	return s
}
