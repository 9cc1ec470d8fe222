package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// barSeries is one series of a bar chart: its name and colour.
type barSeries struct {
	name  string
	color color.Color
}

// barChart is a horizontal bar chart: one row per label, one bar per
// series, each with its value written after it.
type barChart struct {
	widget.BaseWidget
	labels []string
	series []barSeries
	values [][]int // by row, then series
}

// newBarChart returns a chart of values by row and series.
func newBarChart(labels []string, series []barSeries, values [][]int) *barChart {
	c := &barChart{labels: labels, series: series, values: values}
	c.ExtendBaseWidget(c)
	return c
}

// Sizes of the chart, in Fyne units.
const (
	chartLabelWidth = 190
	chartValueWidth = 64
	chartBarHeight  = 14
	chartRowGap     = 8
	chartLegend     = 22
)

// CreateRenderer draws the chart with canvas primitives.
func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barRenderer{chart: c}
	text := theme.Color(theme.ColorNameForeground)
	size := theme.TextSize() * 0.9
	for _, s := range c.series {
		if len(c.series) == 1 {
			break // the card's title names a single series
		}
		sw := canvas.NewRectangle(s.color)
		name := canvas.NewText(display(s.name), text)
		name.TextSize = size
		r.legend = append(r.legend, sw, name)
	}
	for i, l := range c.labels {
		t := canvas.NewText(display(l), text)
		t.TextSize = size
		r.labels = append(r.labels, t)
		var bars []*canvas.Rectangle
		var vals []*canvas.Text
		for k, s := range c.series {
			bars = append(bars, canvas.NewRectangle(s.color))
			v := canvas.NewText(formatCount(c.values[i][k]), text)
			v.TextSize = size
			vals = append(vals, v)
		}
		r.bars = append(r.bars, bars)
		r.vals = append(r.vals, vals)
	}
	return r
}

// barRenderer lays the chart out.
type barRenderer struct {
	chart  *barChart
	legend []fyne.CanvasObject
	labels []*canvas.Text
	bars   [][]*canvas.Rectangle
	vals   [][]*canvas.Text
}

func (r *barRenderer) rowHeight() float32 {
	return float32(len(r.chart.series))*chartBarHeight + chartRowGap
}

func (r *barRenderer) Layout(size fyne.Size) {
	x := float32(0)
	for i := 0; i+1 < len(r.legend); i += 2 {
		r.legend[i].Resize(fyne.NewSize(12, 12))
		r.legend[i].Move(fyne.NewPos(x, 4))
		name := r.legend[i+1].(*canvas.Text)
		name.Move(fyne.NewPos(x+16, 0))
		x += 16 + name.MinSize().Width + 16
	}
	top := float32(0)
	if len(r.chart.series) > 1 {
		top = chartLegend
	}
	most := 1
	for _, vs := range r.chart.values {
		for _, v := range vs {
			most = max(most, v)
		}
	}
	span := max(1, size.Width-chartLabelWidth-chartValueWidth)
	for i, l := range r.labels {
		y := top + float32(i)*r.rowHeight()
		l.Move(fyne.NewPos(0, y))
		l.Resize(fyne.NewSize(chartLabelWidth-8, chartBarHeight))
		for k, b := range r.bars[i] {
			w := span * float32(r.chart.values[i][k]) / float32(most)
			by := y + float32(k)*chartBarHeight
			b.Move(fyne.NewPos(chartLabelWidth, by+1))
			b.Resize(fyne.NewSize(w, chartBarHeight-2))
			r.vals[i][k].Move(fyne.NewPos(chartLabelWidth+w+4, by-1))
		}
	}
}

func (r *barRenderer) MinSize() fyne.Size {
	top := float32(0)
	if len(r.chart.series) > 1 {
		top = chartLegend
	}
	return fyne.NewSize(chartLabelWidth+chartValueWidth+160,
		top+float32(len(r.labels))*r.rowHeight())
}

func (r *barRenderer) Refresh() {
	for _, l := range r.labels {
		l.Refresh()
	}
}

func (r *barRenderer) Objects() []fyne.CanvasObject {
	out := append([]fyne.CanvasObject{}, r.legend...)
	for i, l := range r.labels {
		out = append(out, l)
		for k := range r.bars[i] {
			out = append(out, r.bars[i][k], r.vals[i][k])
		}
	}
	return out
}

func (r *barRenderer) Destroy() {}

// Chart colours: the theme's primary for what is done, muted tones for
// what is aimed at.
var (
	colourDone    = color.NRGBA{R: 0x1e, G: 0x88, B: 0xe5, A: 0xff}
	colourTarget  = color.NRGBA{R: 0xb0, G: 0xbe, B: 0xc5, A: 0xff}
	colourGood    = color.NRGBA{R: 0x43, G: 0xa0, B: 0x47, A: 0xff}
	colourPending = color.NRGBA{R: 0xfb, G: 0x8c, B: 0x00, A: 0xff}
)
