package pdf

import (
	"io"

	"intiqa/reports"
	"intiqa/reports/arabic"
)

// series is one kind of bar of a chart, with its colour.
type series struct {
	label string
	rgb   [3]int
}

// barGroup is one label of a chart with a value per series.
type barGroup struct {
	label  string
	values []int
}

// Chart colours.
var (
	blue   = [3]int{31, 78, 156}
	orange = [3]int{217, 140, 31}
	green  = [3]int{0, 106, 78}
	grey   = [3]int{130, 136, 144}
)

// WriteStatistics draws the statistics into w: each table of SEED.md
// followed by its bar chart.
func WriteStatistics(w io.Writer, s *reports.Statistics) error {
	d, err := newDoc(s.Meta, false)
	if err != nil {
		return err
	}
	d.pageBreak(0)
	tables := s.Tables()

	// Applicants by category.
	drawStatsTable(d, tables[0])
	var cats []barGroup
	for _, c := range s.Categories {
		cats = append(cats, barGroup{c.Label, []int{c.Applicants}})
	}
	d.barChart([]series{{"Candidats", blue}}, cats)

	// Applications against needs, by area.
	drawStatsTable(d, tables[1])
	var areas []barGroup
	for _, a := range s.Areas {
		areas = append(areas, barGroup{a.Name,
			[]int{a.Applications, a.TrainingNeeds, a.Invited, a.FieldNeeds}})
	}
	d.barChart([]series{{"Candidatures", blue}, {"Besoins en formation", orange},
		{"Invités à la formation", green}, {"Besoins terrain", grey}}, areas)

	// Document files.
	drawStatsTable(d, tables[2])
	f := s.Files
	d.barChart([]series{{"Dossiers", blue}}, []barGroup{
		{"Déposés", []int{f.Files}}, {"Examinés", []int{f.Examined}},
		{"Acceptés", []int{f.Accepted}}, {"Rejetés", []int{f.Rejected}},
		{"En cours d'examen", []int{f.Pending}},
	})
	return d.write(w)
}

// drawStatsTable draws one table of the statistics as a section.
func drawStatsTable(d *doc, st reports.StatsTable) {
	t := newTable(d, st.Columns, 0)
	t.section(&reports.Section{Heading: st.Title, HeadingAR: st.TitleAR, Rows: st.Rows})
}

// Chart layout, in mm.
const (
	chartLabelWidth = 48.0
	chartValueWidth = 18.0
	barHeight       = 3.2
	groupGap        = 1.6
)

// barChart draws horizontal bars, one group per label and one bar per
// series in each group, scaled to the largest value, with a legend.
func (d *doc) barChart(ss []series, groups []barGroup) {
	f := d.f
	largest := 1
	for _, g := range groups {
		for _, v := range g.values {
			largest = max(largest, v)
		}
	}
	barSpace := d.w - 2*margin - chartLabelWidth - chartValueWidth
	groupH := float64(len(ss))*barHeight + groupGap
	d.pageBreak(lineHeight + 2*groupH)
	if len(ss) > 1 {
		d.legend(ss)
	}
	for _, g := range groups {
		d.pageBreak(groupH)
		y := f.GetY()
		d.font("", sizeSmall)
		f.SetXY(margin, y)
		f.CellFormat(chartLabelWidth, groupH-groupGap, fit(d, arabic.ForPDF(g.label),
			chartLabelWidth, false), "", 0, "R", false, 0, "")
		for i, v := range g.values {
			c := ss[i].rgb
			f.SetFillColor(c[0], c[1], c[2])
			by := y + float64(i)*barHeight
			bw := barSpace * float64(v) / float64(largest)
			f.Rect(margin+chartLabelWidth+1, by+0.3, max(bw, 0.2), barHeight-0.6, "F")
			f.SetXY(margin+chartLabelWidth+2+bw, by)
			f.CellFormat(chartValueWidth, barHeight, reports.Thousands(v), "", 0, "L", false, 0, "")
		}
		f.SetXY(margin, y+groupH)
	}
	f.SetY(f.GetY() + 4)
}

// legend draws one coloured square and label per series.
func (d *doc) legend(ss []series) {
	f := d.f
	x, y := margin+chartLabelWidth+1, f.GetY()
	d.font("", sizeSmall)
	for _, s := range ss {
		f.SetFillColor(s.rgb[0], s.rgb[1], s.rgb[2])
		f.Rect(x, y+1, 3, 3, "F")
		w := f.GetStringWidth(s.label) + 4
		f.SetXY(x+4, y)
		f.CellFormat(w, lineHeight, s.label, "", 0, "L", false, 0, "")
		x += w + 6
	}
	f.SetXY(margin, y+lineHeight+1)
}
