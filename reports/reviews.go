package reports

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"intiqa/selection"
)

// reviewColumns are the columns of the document review status.
var reviewColumns = slices.Concat([]Column{
	{Key: "commune_code", Width: 0},
	{Key: "commune", Width: 0},
}, personColumns, []Column{
	{Key: "documents", Label: "Pièces", LabelAR: "الوثائق", Width: 14, Align: Right},
	{Key: "accepted", Label: "Acceptées", LabelAR: "مقبولة", Width: 18, Align: Right},
	{Key: "rejected", Label: "Rejetées", LabelAR: "مرفوضة", Width: 18, Align: Right},
	{Key: "pending", Label: "En attente", LabelAR: "قيد الدراسة", Width: 18, Align: Right},
	{Key: "status", Label: "Dossier", LabelAR: "الملف", Width: 20, Align: Left},
	{Key: "detail", Label: "Motifs de rejet", LabelAR: "أسباب الرفض", Width: 52, Align: Left},
})

// fileRow is one applicant's file: their documents' current verdicts.
type fileRow struct {
	applicant *selection.Applicant
	docs      []selection.DocumentReview
}

// Reviews builds the document review status of the store: every
// applicant who uploaded documents, by commune of first choice, with the
// verdict on each document and on the whole file.
func Reviews(ctx context.Context, st ReviewStore, printed time.Time) (*Report, error) {
	meta, terr, err := newMeta(ctx, st, st.Scope(), "État de l'examen des pièces justificatives",
		"وضعية دراسة الوثائق المثبتة", printed)
	if err != nil {
		return nil, err
	}
	files, err := readFiles(ctx, st)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(files, func(a, b fileRow) int {
		return cmp.Or(cmp.Compare(firstChoice(a.applicant), firstChoice(b.applicant)),
			cmp.Compare(a.applicant.ID, b.applicant.ID))
	})
	r := &Report{Name: "reviews", Meta: meta, Columns: reviewColumns, Landscape: true}
	count := map[selection.Verdict]int{}
	for i, f := range files {
		code := firstChoice(f.applicant)
		name, nameAR := communeNames(terr, code)
		if i == 0 || code != firstChoice(files[i-1].applicant) {
			r.Sections = append(r.Sections, Section{
				Heading: fmt.Sprintf("Commune %s (%s)", name, code), HeadingAR: "جماعة " + nameAR})
		}
		row, verdict := fileCells(f)
		count[verdict]++
		sec := &r.Sections[len(r.Sections)-1]
		sec.Rows = append(sec.Rows, append([]any{code, name}, row...))
	}
	r.Notes = []string{fmt.Sprintf("%s dossiers : %s acceptés, %s rejetés, %s en attente.",
		Thousands(len(files)), Thousands(count[selection.VerdictAccepted]),
		Thousands(count[selection.VerdictRejected]), Thousands(count[selection.VerdictPending]))}
	return r, nil
}

// readFiles groups the store's documents by applicant.
func readFiles(ctx context.Context, st ReviewStore) ([]fileRow, error) {
	var files []fileRow
	for dr, err := range st.DocumentReviews(ctx) {
		if err != nil {
			return nil, fmt.Errorf("read document reviews: %w", err)
		}
		if n := len(files); n > 0 && files[n-1].applicant.ID == dr.Document.ApplicantID {
			files[n-1].docs = append(files[n-1].docs, dr)
			continue
		}
		a, err := st.Applicant(ctx, dr.Document.ApplicantID)
		if err != nil {
			return nil, fmt.Errorf("read applicant of a document: %w", err)
		}
		files = append(files, fileRow{applicant: a, docs: []selection.DocumentReview{dr}})
	}
	return files, nil
}

// fileCells returns a file's cells after the commune's, and its verdict.
func fileCells(f fileRow) ([]any, selection.Verdict) {
	count := map[selection.Verdict]int{}
	verdicts := make([]selection.Verdict, len(f.docs))
	var reasons []string
	for i, d := range f.docs {
		verdicts[i] = d.Verdict()
		count[verdicts[i]]++
		if verdicts[i] == selection.VerdictRejected {
			reasons = append(reasons, kindLabels[d.Document.Kind]+" : "+reasonLabels[d.Latest.Reason])
		}
	}
	v := selection.FileVerdict(verdicts)
	row := append(personCells(f.applicant), len(f.docs), count[selection.VerdictAccepted],
		count[selection.VerdictRejected], count[selection.VerdictPending], verdictLabels[v].fr,
		strings.Join(reasons, " ; "))
	return row, v
}
