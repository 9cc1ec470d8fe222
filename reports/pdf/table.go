package pdf

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"intiqa/reports"
	"intiqa/reports/arabic"
)

// Heights in mm.
const (
	headerRowHeight = 11.0
	rowHeight       = 6.0
	headingHeight   = 6.0
	signatureHeight = 26.0
)

// Write draws a list report into w: its sections, each under its
// heading, in tables whose header row repeats on every page; then the
// notes and the signature blocks.
func Write(w io.Writer, r *reports.Report) error {
	d, err := newDoc(r.Meta, r.Landscape)
	if err != nil {
		return err
	}
	t := newTable(d, r.Columns, r.RowHeight)
	d.pageBreak(0)
	for i := range r.Sections {
		t.section(&r.Sections[i])
	}
	d.notes(r.Notes)
	d.signatures(r.SignatureLabel, r.SignatureLabelAR, r.Signatures)
	return d.write(w)
}

// table draws the visible columns of a report.
type table struct {
	d      *doc
	cols   []int // indexes of the columns the PDF shows
	widths []float64
	aligns []string
	labels [][2]string
	rowH   float64
	width  float64 // of all the columns
	odd    bool    // zebra stripes
	// top is where the rows drawn since the last header start: their
	// column rules are drawn once, when the block ends.
	top float64
}

// newTable lays the visible columns out over the page's width, keeping
// their proportions.
func newTable(d *doc, cols []reports.Column, rowH float64) *table {
	t := &table{d: d, rowH: rowH}
	if t.rowH == 0 {
		t.rowH = rowHeight
	}
	var sum float64
	for i, c := range cols {
		if c.Width > 0 {
			t.cols = append(t.cols, i)
			sum += c.Width
		}
	}
	if sum == 0 {
		return t // nothing to print but headings and lines
	}
	scale := (d.w - 2*margin) / sum
	for _, i := range t.cols {
		c := cols[i]
		t.widths = append(t.widths, c.Width*scale)
		t.aligns = append(t.aligns, string(rune(c.Align)))
		t.labels = append(t.labels, [2]string{c.Label, c.LabelAR})
		t.width += c.Width * scale
	}
	return t
}

// section draws one section: its heading, lines, header row and rows,
// breaking pages as needed.
func (t *table) section(s *reports.Section) {
	d := t.d
	first := headingHeight + float64(len(s.Lines))*lineHeight
	if len(s.Rows) > 0 {
		first += headerRowHeight + t.rowH
	}
	if s.NewPage && d.f.GetY() > margin+headerSpace+1 {
		d.f.AddPage()
	} else {
		d.pageBreak(first)
	}
	t.heading(s, false)
	for _, l := range s.Lines {
		d.font("", sizeBody)
		d.pair(d.w-2*margin, lineHeight, l, "")
	}
	if len(s.Rows) > 0 {
		t.header()
		d.repeat = func() { t.heading(s, true); t.header() }
		d.beforeBreak = t.rules
		t.odd = false
		d.font("", sizeBody)
		for _, row := range s.Rows {
			if d.pageBreak(t.rowH) {
				d.font("", sizeBody)
			}
			t.row(row)
		}
		t.rules()
		d.repeat, d.beforeBreak = nil, nil
	}
	d.f.SetY(d.f.GetY() + 3)
}

// heading draws a section's heading, marked as continued on later pages.
func (t *table) heading(s *reports.Section, continued bool) {
	d := t.d
	d.font("B", sizeHeading)
	fr := s.Heading
	if continued {
		fr += " (suite)"
	}
	d.pair(d.w-2*margin, headingHeight, fr, s.HeadingAR)
}

// header draws the header row: French labels (on two lines at most)
// over Arabic ones.
func (t *table) header() {
	f := t.d.f
	x, y := margin, f.GetY()
	f.SetFillColor(225, 229, 235)
	for i, w := range t.widths {
		f.Rect(x, y, w, headerRowHeight, "FD")
		t.d.font("B", headerSize(t.d, t.labels[i][0], w-2*f.GetCellMargin()))
		lines := f.SplitText(t.labels[i][0], w) // it leaves the cell margins out
		for k, l := range lines[:min(2, len(lines))] {
			f.SetXY(x, y+0.5+3.2*float64(k))
			f.CellFormat(w, 3.2, fit(t.d, l, w, false), "", 0, "C", false, 0, "")
		}
		if ar := t.labels[i][1]; ar != "" {
			t.d.font("", sizeSmall)
			f.SetXY(x, y+7)
			f.CellFormat(w, 3.5, fit(t.d, arabic.ForPDF(ar), w, true), "", 0, "C", false, 0, "")
		}
		x += w
	}
	f.SetXY(margin, y+headerRowHeight)
	t.top = f.GetY()
}

// headerSize returns the size, sizeSmall or less, at which every word
// of a bold header label fits width w, so that no word is split.
func headerSize(d *doc, label string, w float64) float64 {
	size := sizeSmall
	for ; size > 5; size -= 0.5 {
		d.font("B", size)
		fits := true
		for _, word := range strings.Fields(label) {
			if d.f.GetStringWidth(word) > w {
				fits = false
				break
			}
		}
		if fits {
			break
		}
	}
	return size
}

// rules draws the vertical rules of the rows drawn since the header.
func (t *table) rules() {
	f := t.d.f
	y := f.GetY()
	if y <= t.top {
		return
	}
	x := margin
	f.Line(x, t.top, x, y)
	for _, w := range t.widths {
		x += w
		f.Line(x, t.top, x, y)
	}
	t.top = y
}

// row draws one row of cells in the body font: text placed as
// CellFormat would place it, and a rule under the row (the column rules
// come with the block, see rules), which costs fpdf far less than a
// bordered cell each.
func (t *table) row(cells []any) {
	f := t.d.f
	y := f.GetY()
	if t.odd {
		f.SetFillColor(244, 246, 248)
		f.Rect(margin, y, t.width, t.rowH, "F")
	}
	t.odd = !t.odd
	_, size := f.GetFontSize()
	baseline := y + t.rowH/2 + 0.3*size
	cm := f.GetCellMargin()
	x := margin
	for i, c := range t.cols {
		w := t.widths[i]
		text, rtl := cellText(cells[c])
		if text != "" {
			text, tw := fitWidth(t.d, text, w, rtl)
			switch t.aligns[i] {
			case "R":
				f.Text(x+w-cm-tw, baseline, text)
			case "C":
				f.Text(x+(w-tw)/2, baseline, text)
			default:
				f.Text(x+cm, baseline, text)
			}
		}
		x += w
	}
	f.Line(margin, y+t.rowH, margin+t.width, y+t.rowH)
	f.SetY(y + t.rowH)
}

// cellText formats a cell for print: numbers the French way, Arabic
// shaped and in visual order; rtl tells text whose base direction is
// right to left.
func cellText(v any) (text string, rtl bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return arabic.ForPDF(x), arabic.BaseRTL(x)
	case int:
		return reports.Thousands(x), false
	case float64:
		return reports.Decimal(x), false
	}
	return fmt.Sprint(v), false
}

// fit shortens text with an ellipsis until it fits width w (less the
// cell margins) in the current font. Right-to-left text, in visual
// order, loses its left end: the end of its logical order.
func fit(d *doc, text string, w float64, rtl bool) string {
	text, _ = fitWidth(d, text, w, rtl)
	return text
}

// fitWidth is fit, returning the width of the text it returns too.
func fitWidth(d *doc, text string, w float64, rtl bool) (string, float64) {
	avail := w - 2*d.f.GetCellMargin()
	if tw := d.f.GetStringWidth(text); tw <= avail {
		return text, tw
	}
	for text != "" {
		var cut string
		if rtl {
			_, size := utf8.DecodeRuneInString(text)
			text = text[size:]
			cut = "…" + text
		} else {
			_, size := utf8.DecodeLastRuneInString(text)
			text = text[:len(text)-size]
			cut = text + "…"
		}
		if tw := d.f.GetStringWidth(cut); tw <= avail {
			return cut, tw
		}
	}
	return "", 0
}

// notes writes lines in small print after the rows.
func (d *doc) notes(lines []string) {
	for _, l := range lines {
		d.pageBreak(lineHeight)
		d.font("", sizeBody)
		d.f.SetX(margin)
		d.f.CellFormat(d.w-2*margin, lineHeight, arabic.ForPDF(l), "", 1, "L", false, 0, "")
	}
}

// signatures draws one signature block per name, side by side.
func (d *doc) signatures(label, labelAR string, names []string) {
	if len(names) == 0 {
		return
	}
	d.f.SetY(d.f.GetY() + 4)
	d.pageBreak(signatureHeight + 2)
	f := d.f
	w := min(70, (d.w-2*margin)/float64(len(names)))
	y := f.GetY()
	for i, name := range names {
		x := margin + float64(i)*w
		f.Rect(x+1, y, w-2, signatureHeight, "D")
		f.SetXY(x+2, y+1)
		d.font("", sizeSmall)
		d.pair(w-4, 4, label, labelAR)
		f.SetX(x + 2)
		d.font("B", sizeBody)
		f.CellFormat(w-4, 5, arabic.ForPDF(name), "", 0, "L", false, 0, "")
	}
	f.SetXY(margin, y+signatureHeight+2)
}
