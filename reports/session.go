package reports

import (
	"context"
	"fmt"
	"strings"
	"time"

	"intiqa/selection"
)

// sessionView is an interview session with its convoked candidates, in
// slot order.
type sessionView struct {
	session    *selection.InterviewSession
	candidates []sessionCandidate
	terr       *selection.Territory
	meta       Meta
}

// sessionCandidate is one convocation with the applicant and, when
// recorded, their attendance.
type sessionCandidate struct {
	conv      selection.Convocation
	applicant *selection.Applicant
	present   *bool
}

// loadSession reads a session, its convocations and attendance.
func loadSession(ctx context.Context, st SessionStore, id, title, titleAR string,
	printed time.Time) (*sessionView, error) {
	s, err := st.Session(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	meta, terr, err := newMeta(ctx, st, s.ProvinceCode, title, titleAR, printed)
	if err != nil {
		return nil, err
	}
	meta.Subtitle = fmt.Sprintf("Session %s — %s — %s", s.ID, FrenchDateTime(s.StartsAt), s.Place)
	meta.SubtitleAR = "جلسة المقابلة"
	convs, err := st.Convocations(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read convocations: %w", err)
	}
	att, err := st.Attendance(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read attendance: %w", err)
	}
	present := make(map[string]bool, len(att))
	for _, a := range att {
		present[a.ApplicantID] = a.Present
	}
	v := &sessionView{session: s, terr: terr, meta: meta}
	for _, c := range convs {
		a, err := st.Applicant(ctx, c.ApplicantID)
		if err != nil {
			return nil, fmt.Errorf("read convoked applicant: %w", err)
		}
		sc := sessionCandidate{conv: c, applicant: a}
		if p, ok := present[c.ApplicantID]; ok {
			sc.present = &p
		}
		v.candidates = append(v.candidates, sc)
	}
	return v, nil
}

// personColumns are the columns naming a candidate in every list.
var personColumns = []Column{
	{Key: "applicant_id", Label: "Identifiant", LabelAR: "المعرف", Width: 22, Align: Left},
	{Key: "cin", Label: "CIN", LabelAR: "ب.ت.و", Width: 20, Align: Left},
	{Key: "name", Label: "Nom et prénom", LabelAR: "", Width: 50, Align: Left},
	{Key: "name_ar", Label: "", LabelAR: "الاسم الكامل", Width: 45, Align: Right},
}

// personCells returns an applicant's cells for personColumns.
func personCells(a *selection.Applicant) []any {
	return []any{a.ID, a.CIN, LatinName(a), ArabicName(a)}
}

// Convocations builds the convocation list of one session: every
// convoked candidate in slot order, with the commune and post.
func Convocations(ctx context.Context, st SessionStore, sessionID string,
	printed time.Time) (*Report, error) {
	v, err := loadSession(ctx, st, sessionID, "Liste des convocations à l'entretien",
		"لائحة المدعوين لإجراء المقابلة", printed)
	if err != nil {
		return nil, err
	}
	cols := append([]Column{
		{Key: "order", Label: "N°", LabelAR: "الرقم", Width: 10, Align: Right},
		{Key: "slot", Label: "Heure", LabelAR: "الساعة", Width: 14, Align: Center},
	}, personColumns...)
	cols = append(cols,
		Column{Key: "commune_1", Label: "Commune (1er choix)", LabelAR: "جماعة الاختيار الأول",
			Width: 40, Align: Left},
		Column{Key: "role", Label: "Poste", LabelAR: "المنصب", Width: 26, Align: Left})
	sec := Section{Heading: "Candidats convoqués", HeadingAR: "المترشحون المدعوون"}
	for i, c := range v.candidates {
		role, _ := RoleLabel(c.conv.Role)
		commune, _ := communeNames(v.terr, firstChoice(c.applicant))
		row := append([]any{i + 1, c.conv.Slot.Format("15:04")}, personCells(c.applicant)...)
		sec.Rows = append(sec.Rows, append(row, commune, role))
	}
	return &Report{Name: "convocations", Meta: v.meta, Columns: cols, Landscape: true,
		Sections: []Section{sec},
		Notes: []string{fmt.Sprintf("%s candidats convoqués. Se présenter muni de la CIN originale.",
			Thousands(len(v.candidates)))}}, nil
}

// Attendance builds the attendance sheet of one session: the convoked
// candidates with the attendance already recorded and a column for each
// candidate's signature.
func Attendance(ctx context.Context, st SessionStore, sessionID string,
	printed time.Time) (*Report, error) {
	v, err := loadSession(ctx, st, sessionID, "Feuille de présence", "ورقة الحضور", printed)
	if err != nil {
		return nil, err
	}
	cols := append([]Column{
		{Key: "order", Label: "N°", LabelAR: "الرقم", Width: 10, Align: Right},
	}, personColumns...)
	cols = append(cols,
		Column{Key: "slot", Label: "Heure", LabelAR: "الساعة", Width: 14, Align: Center},
		Column{Key: "present", Label: "Présent", LabelAR: "حاضر", Width: 18, Align: Center},
		Column{Key: "signature", Label: "Signature", LabelAR: "التوقيع", Width: 58, Align: Left})
	sec := Section{Heading: "Émargement des candidats", HeadingAR: "توقيع المترشحين"}
	for i, c := range v.candidates {
		mark := "☐"
		if c.present != nil {
			mark = map[bool]string{true: "oui", false: "non"}[*c.present]
		}
		row := append([]any{i + 1}, personCells(c.applicant)...)
		sec.Rows = append(sec.Rows, append(row, c.conv.Slot.Format("15:04"), mark, ""))
	}
	return &Report{Name: "attendance", Meta: v.meta, Columns: cols, Landscape: true,
		Sections: []Section{sec}, RowHeight: 11,
		Signatures:     v.session.Panel,
		SignatureLabel: "Le jury", SignatureLabelAR: "لجنة المقابلة"}, nil
}

// firstChoice returns the applicant's first commune.
func firstChoice(a *selection.Applicant) string {
	if len(a.Choices) == 0 {
		return ""
	}
	return a.Choices[0]
}

// Minutes builds the panel's minutes of one session: for each candidate,
// every member's points on each criterion of the rubric, the weighted
// score and the panel's mean; the members sign at the end.
func Minutes(ctx context.Context, st SessionStore, sessionID string, rubric *selection.Rubric,
	printed time.Time) (*Report, error) {
	v, err := loadSession(ctx, st, sessionID, "Procès-verbal du jury d'entretien",
		"محضر لجنة المقابلة", printed)
	if err != nil {
		return nil, err
	}
	v.meta.Subtitle += " — grille " + rubric.Version
	cols := []Column{
		{Key: "applicant_id", Label: "", Width: 0},
		{Key: "name", Width: 0},
		{Key: "name_ar", Width: 0},
		{Key: "member", Label: "Membre du jury", LabelAR: "عضو اللجنة", Width: 40, Align: Left},
	}
	for _, c := range rubric.Criteria {
		cols = append(cols, Column{Key: c.Code, Label: c.LabelFR, LabelAR: c.LabelAR,
			Width: 27, Align: Center})
	}
	cols = append(cols,
		Column{Key: "weighted", Label: "Note pondérée /100", LabelAR: "النقطة المرجحة", Width: 26,
			Align: Right},
		Column{Key: "notes", Label: "Observations", LabelAR: "ملاحظات", Width: 72, Align: Left})
	r := &Report{Name: "minutes", Meta: v.meta, Columns: cols, Landscape: true,
		Signatures:     v.session.Panel,
		SignatureLabel: "Membre du jury", SignatureLabelAR: "عضو اللجنة"}
	for i, c := range v.candidates {
		sec, err := minutesSection(ctx, st, v, rubric, i+1, c)
		if err != nil {
			return nil, err
		}
		r.Sections = append(r.Sections, sec)
	}
	return r, nil
}

// minutesSection is one candidate's part of the minutes.
func minutesSection(ctx context.Context, st SessionStore, v *sessionView,
	rubric *selection.Rubric, n int, c sessionCandidate) (Section, error) {
	a := c.applicant
	role, roleAR := RoleLabel(c.conv.Role)
	sec := Section{Heading: fmt.Sprintf("%d. %s (%s) — %s", n, LatinName(a), a.ID, role),
		HeadingAR: ArabicName(a) + " — " + roleAR}
	if c.present != nil && !*c.present {
		sec.Lines = append(sec.Lines, "Absent : non évalué.")
		return sec, nil
	}
	sheets, err := st.ScoreSheets(ctx, v.session.ID, a.ID)
	if err != nil {
		return sec, fmt.Errorf("read score sheets of %s: %w", a.ID, err)
	}
	var sum float64
	scored := 0
	for _, s := range sheets {
		if !s.Submitted() {
			continue
		}
		w := rubric.WeightedScore(s.Points)
		sum += w
		scored++
		row := []any{a.ID, LatinName(a), ArabicName(a), s.Member}
		var notes []string
		for _, cr := range rubric.Criteria {
			row = append(row, s.Points[cr.Code])
			if note := s.Notes[cr.Code]; note != "" {
				notes = append(notes, note)
			}
		}
		sec.Rows = append(sec.Rows, append(row, round2(w), strings.Join(notes, " ; ")))
	}
	switch scored {
	case 0:
		sec.Lines = append(sec.Lines, "Aucune fiche de notation soumise.")
	default:
		sec.Lines = append(sec.Lines, fmt.Sprintf("Note du jury (moyenne de %d fiches) : %s / 100",
			scored, Decimal(sum/float64(scored))))
	}
	return sec, nil
}

// round2 rounds x to two decimals.
func round2(x float64) float64 {
	return float64(int64(x*100+0.5)) / 100
}
