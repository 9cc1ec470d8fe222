// Package pdf draws Intiqa's reports as printable A4 PDF files with
// fpdf: a header naming the office, the scope and the title; a footer
// with the date, "Page X / Y" and the selection run's hash; tables whose
// headers repeat on every page; bar charts for the statistics. Names
// and labels in Arabic script are shaped and ordered by reports/arabic,
// in DejaVu Sans (embedded from assets/, which covers both scripts).
package pdf

import (
	"fmt"
	"io"
	"sync"

	"codeberg.org/go-pdf/fpdf"

	"intiqa/assets"
	"intiqa/reports"
	"intiqa/reports/arabic"
)

// Layout of a page, in mm.
const (
	margin      = 12.0
	headerSpace = 34.0 // below the top margin, before the body
	footerSpace = 14.0 // above the bottom edge
	lineHeight  = 5.0
)

// Font sizes, in points.
const (
	sizeBody    = 8.5
	sizeSmall   = 7.0
	sizeHeading = 10.0
	sizeTitle   = 13.0
)

const (
	fontFamily = "dejavu"
	pagesAlias = "{nb}" // replaced by the page count when the file is written
	// footerHashFR names the run and its output hash on every page.
	footerHashFR = "Empreinte SHA-256 des résultats de la sélection %s : %s"
)

// doc is an fpdf document with Intiqa's header and footer.
type doc struct {
	f    *fpdf.Fpdf
	meta reports.Meta
	w, h float64 // page size
	// repeat draws what starts every new page of a table (its section
	// heading, its header row), and beforeBreak what ends a page of it;
	// both nil outside a table.
	repeat, beforeBreak func()
}

// fonts reads the bundled DejaVu Sans once, by fpdf style.
var fonts = sync.OnceValues(func() (map[string][]byte, error) {
	out := map[string][]byte{}
	for style, name := range map[string]string{"": assets.FontRegular, "B": assets.FontBold} {
		data, err := assets.Fonts.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read bundled font: %w", err)
		}
		out[style] = data
	}
	return out, nil
})

// newDoc starts an A4 document for meta, landscape or portrait.
func newDoc(meta reports.Meta, landscape bool) (*doc, error) {
	faces, err := fonts()
	if err != nil {
		return nil, err
	}
	orient := "P"
	if landscape {
		orient = "L"
	}
	f := fpdf.New(orient, "mm", "A4", "")
	d := &doc{f: f, meta: meta}
	d.w, d.h = f.GetPageSize()
	for _, style := range []string{"", "B"} {
		f.AddUTF8FontFromBytes(fontFamily, style, faces[style])
	}
	f.SetCreationDate(meta.Printed)
	f.SetModificationDate(meta.Printed)
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetTitle(meta.Title, true)
	f.SetCreator("Intiqa", true)
	f.SetMargins(margin, margin+headerSpace, margin)
	f.SetAutoPageBreak(false, footerSpace)
	f.AliasNbPages(pagesAlias)
	f.SetHeaderFuncMode(d.header, false)
	f.SetFooterFunc(d.footer)
	f.SetLineWidth(0.2)
	f.SetDrawColor(90, 90, 90)
	return d, f.Error()
}

// bottom returns the lowest y the body may reach.
func (d *doc) bottom() float64 { return d.h - footerSpace - 4 }

// pageBreak starts a new page if h mm do not fit on this one, and
// reports whether it did.
func (d *doc) pageBreak(h float64) bool {
	if d.f.PageNo() > 0 && d.f.GetY()+h <= d.bottom() {
		return false
	}
	if d.beforeBreak != nil {
		d.beforeBreak()
	}
	d.f.AddPage()
	if d.repeat != nil {
		d.repeat()
	}
	return true
}

// header draws the office, scope, title and subtitle, French on the left
// and Arabic on the right.
func (d *doc) header() {
	f := d.f
	m := d.meta
	width := d.w - 2*margin
	f.SetXY(margin, margin)
	f.SetTextColor(60, 60, 60)
	d.font("", sizeSmall)
	d.pair(width, 4, m.Office, m.OfficeAR)
	d.font("B", sizeBody)
	d.pair(width, 5, m.Scope, m.ScopeAR)
	f.SetTextColor(0, 0, 0)
	d.font("B", sizeTitle)
	d.pair(width, 8, m.Title, m.TitleAR)
	d.font("", sizeBody)
	d.pair(width, 5, m.Subtitle, m.SubtitleAR)
	y := max(f.GetY()+1, margin+headerSpace-4)
	f.Line(margin, y, d.w-margin, y)
	f.SetXY(margin, margin+headerSpace)
}

// footer draws the date, the page number and the run's hash.
func (d *doc) footer() {
	f := d.f
	width := d.w - 2*margin
	y := d.h - footerSpace
	f.Line(margin, y, d.w-margin, y)
	f.SetXY(margin, y+1)
	d.font("", sizeSmall)
	f.SetTextColor(60, 60, 60)
	date := "Imprimé le " + reports.FrenchDate(d.meta.Printed)
	f.CellFormat(width/2, 4, date, "", 0, "L", false, 0, "")
	page := fmt.Sprintf("Page %d / %s", f.PageNo(), pagesAlias)
	f.CellFormat(width/2, 4, page, "", 1, "R", false, 0, "")
	if d.meta.RunHash != "" {
		f.SetX(margin)
		f.CellFormat(width, 4, fmt.Sprintf(footerHashFR, d.meta.RunID, d.meta.RunHash),
			"", 1, "L", false, 0, "")
	}
	f.SetTextColor(0, 0, 0)
}

// font sets the font style ("" or "B") and size.
func (d *doc) font(style string, size float64) { d.f.SetFont(fontFamily, style, size) }

// pair writes a French text on the left and its Arabic translation on
// the right of a line of width w, then moves to the next line; when
// they do not both fit, the Arabic goes on a line of its own.
func (d *doc) pair(w, h float64, fr, ar string) {
	f := d.f
	x := f.GetX()
	ar = arabic.ForPDF(ar)
	if fr != "" {
		f.CellFormat(w, h, fr, "", 0, "L", false, 0, "")
		if ar != "" && f.GetStringWidth(fr)+f.GetStringWidth(ar)+6 > w {
			f.SetXY(x, f.GetY()+h)
		}
	}
	if ar != "" {
		f.SetX(x)
		f.CellFormat(w, h, ar, "", 0, "R", false, 0, "")
	}
	f.SetXY(x, f.GetY()+h)
}

// write ends the document into w.
func (d *doc) write(w io.Writer) error {
	if err := d.f.Output(w); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}
