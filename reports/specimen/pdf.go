package specimen

import (
	"bytes"
	"fmt"

	"codeberg.org/go-pdf/fpdf"

	"intiqa/selection"
)

// pdfColours are the band colours of the PDF specimens, one per kind.
var pdfColours = [][3]int{
	{0xc1, 0x27, 0x2d}, {0x00, 0x6a, 0x4e}, {0x1f, 0x4e, 0x9c},
	{0xd9, 0x8c, 0x1f}, {0x6b, 0x3f, 0x8f}, {0x3a, 0x7d, 0x8c},
}

// renderPDF lays the card out on an A5 page in the PDF core fonts. Its
// dates are the upload's, so the bytes never depend on the clock.
func renderPDF(c card, d selection.Document) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A5", "")
	pdf.SetCreationDate(d.UploadedAt)
	pdf.SetModificationDate(d.UploadedAt)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	pdf.SetTitle(c.title, false)
	pdf.SetMargins(12, 12, 12)
	pdf.AddPage()

	// Band and title.
	rgb := pdfColours[c.palette%len(pdfColours)]
	pdf.SetFillColor(rgb[0], rgb[1], rgb[2])
	pdf.Rect(0, 0, 148, 28, "F")
	pdf.SetTextColor(255, 255, 255)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.Text(12, 11, c.issuer)
	pdf.SetFont("Helvetica", "B", 14)
	pdf.Text(12, 21, c.title)

	// Holder and lines.
	pdf.SetTextColor(29, 35, 43)
	pdf.SetFont("Helvetica", "", 11)
	pdf.Text(12, 42, "Titulaire :")
	pdf.SetFont("Helvetica", "B", 13)
	pdf.Text(12, 50, c.name)
	pdf.SetFont("Helvetica", "", 10)
	for i, l := range c.lines {
		pdf.Text(12, 62+float64(7*i), l)
	}

	// Stamp and signature.
	pdf.SetDrawColor(rgb[0], rgb[1], rgb[2])
	pdf.SetLineWidth(0.8)
	pdf.Circle(112, 150, 16, "D")
	pdf.SetFont("Helvetica", "I", 8)
	pdf.Text(100, 151, "CACHET")
	pdf.Line(12, 170, 70, 170)
	pdf.Text(12, 175, "Signature")

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return buf.Bytes(), nil
}
