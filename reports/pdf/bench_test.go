package pdf_test

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"intiqa/assets"
	"intiqa/reports"
	"intiqa/reports/pdf"
	"intiqa/reports/reportstest"
	"intiqa/selection"
	"intiqa/selection/synth"
)

// benchRows is the size of the list of selected candidates benchmarked:
// the largest province's laptop holds up to 60,000 applicants.
const benchRows = 60_000

// selectedList builds a list of benchRows selected candidates from the
// national generator's first applicants, by commune and role, as
// reports.Selected lays them out.
func selectedList(tb testing.TB) *reports.Report {
	tb.Helper()
	g, err := synth.New(reportstest.Seed, "")
	if err != nil {
		tb.Fatal(err)
	}
	var apps []*selection.Applicant
	for a := range g.Applicants() {
		apps = append(apps, a)
		if len(apps) == benchRows {
			break
		}
	}
	slices.SortStableFunc(apps, func(a, b *selection.Applicant) int {
		return cmp.Compare(a.Choices[0], b.Choices[0])
	})
	r := &reports.Report{Name: "selected", Meta: reports.Meta{Office: reports.OfficeFR,
		OfficeAR: reports.OfficeAR, Scope: "Niveau national", ScopeAR: "المستوى الوطني",
		Title: "Candidats retenus par commune et par poste", TitleAR: "المترشحون المقبولون",
		RunID: "final-bench", RunHash: fmt.Sprintf("%064x", 42), Printed: reportstest.Printed}}
	r.Columns = benchColumns
	rank := 0
	for i, a := range apps {
		role := selection.RoleEnumerator
		if i%5 == 0 {
			role = selection.RoleController
		}
		if i == 0 || a.Choices[0] != apps[i-1].Choices[0] {
			c, _ := g.Territory().Commune(a.Choices[0])
			r.Sections = append(r.Sections, reports.Section{
				Heading:   fmt.Sprintf("Commune %s (%s) — %s", c.NameFR, c.Code, role),
				HeadingAR: "جماعة " + c.NameAR})
			rank = 0
		}
		rank++
		s := &r.Sections[len(r.Sections)-1]
		s.Rows = append(s.Rows, []any{a.Choices[0], "", string(role), rank, a.ID, a.CIN,
			reports.LatinName(a), reports.ArabicName(a), float64(7000-rank) / 100})
	}
	return r
}

// benchColumns are the columns of the list of selected candidates.
var benchColumns = []reports.Column{
	{Key: "commune_code"}, {Key: "commune"}, {Key: "role"},
	{Key: "rank", Label: "Rang", LabelAR: "الرتبة", Width: 14, Align: reports.Right},
	{Key: "applicant_id", Label: "Identifiant", LabelAR: "المعرف", Width: 22},
	{Key: "cin", Label: "CIN", LabelAR: "ب.ت.و", Width: 20},
	{Key: "name", Label: "Nom et prénom", Width: 50},
	{Key: "name_ar", LabelAR: "الاسم الكامل", Width: 45, Align: reports.Right},
	{Key: "score", Label: "Score composite", LabelAR: "النقطة", Width: 28, Align: reports.Right},
}

// plainTable draws the same rows with fpdf alone: the same font, one
// bordered cell per visible value as it comes (no shaping, no
// reordering, no fitting), a new page when the page is full. It is the
// floor the report is measured against.
func plainTable(w io.Writer, r *reports.Report) error {
	font, err := assets.Fonts.ReadFile(assets.FontRegular)
	if err != nil {
		return err
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("dejavu", "", font)
	f.SetFont("dejavu", "", 8.5)
	f.SetAutoPageBreak(true, 18)
	f.AddPage()
	widths := []float64{14, 22, 20, 50, 45, 28}
	for _, s := range r.Sections {
		for _, row := range s.Rows {
			for i, v := range row[3:] {
				f.CellFormat(widths[i], 6, fmt.Sprint(v), "1", 0, "L", false, 0, "")
			}
			f.Ln(6)
		}
	}
	return f.Output(w)
}

// BenchmarkSelectedPDF measures the PDF list of 60,000 selected
// candidates (shaped, ordered, with headings, repeated headers and
// footers) against plainTable on the same rows, in the same run, and
// reports both and their ratio. Targets: 2 s, and 1.5 times the plain
// table. Run it with -benchtime=3x.
func BenchmarkSelectedPDF(b *testing.B) {
	r := selectedList(b)
	var ours, plain time.Duration
	for b.Loop() {
		start := time.Now()
		if err := plainTable(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		plain += time.Since(start)
		start = time.Now()
		if err := pdf.Write(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(start)
	}
	b.ReportMetric(ours.Seconds()/float64(b.N), "report-s")
	b.ReportMetric(plain.Seconds()/float64(b.N), "plain-s")
	b.ReportMetric(ours.Seconds()/plain.Seconds(), "ratio")
}
