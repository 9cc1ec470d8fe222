// Package specimen draws small, fake but plausible files for the
// documents of generated applicants: a PNG "photo" of a card or
// certificate, or a one-page PDF. The bytes depend only on the document's
// metadata and the applicant's names, so a document's SHA-256 is stable
// and anyone can make the same file again.
package specimen

import (
	"errors"
	"fmt"
	"strings"

	"intiqa/selection"
)

// Media types the package renders.
const (
	MediaPNG = "image/png"
	MediaPDF = "application/pdf"
)

// ErrMediaType is returned for a media type the package cannot render.
var ErrMediaType = errors.New("unsupported media type")

// Render returns the file of document d of applicant a, in d's media
// type. It matches synth.Renderer.
func Render(d selection.Document, a *selection.Applicant) ([]byte, error) {
	c := cardOf(d, a)
	switch d.MediaType {
	case MediaPNG:
		return renderPNG(c)
	case MediaPDF:
		return renderPDF(c, d)
	}
	return nil, fmt.Errorf("document %s: %q: %w", d.ID, d.MediaType, ErrMediaType)
}

// card is what a specimen shows, in plain ASCII upper case for the
// bitmap font.
type card struct {
	title   string // the kind of document, in French
	issuer  string
	name    string // LAST NAME First name
	lines   []string
	code    string // document ID, drawn as a bar code
	palette int    // index into the band colours
}

// kindTitles names each kind of document as it is titled.
var kindTitles = map[selection.DocumentKind]string{
	selection.DocCIN:                  "CARTE NATIONALE D'IDENTITE",
	selection.DocDiploma:              "DIPLOME",
	selection.DocStudentCard:          "CARTE D'ETUDIANT",
	selection.DocEmployerCertificate:  "ATTESTATION DE TRAVAIL",
	selection.DocRetirementCert:       "ATTESTATION DE RETRAITE",
	selection.DocExperienceCertificat: "ATTESTATION D'EXPERIENCE",
}

func cardOf(d selection.Document, a *selection.Applicant) card {
	c := card{
		title:  kindTitles[d.Kind],
		issuer: "ROYAUME DU MAROC",
		name:   ascii(strings.ToUpper(a.LastName)) + " " + ascii(a.FirstName),
		code:   d.ID,
	}
	for i, k := range selection.DocumentKinds {
		if k == d.Kind {
			c.palette = i
		}
	}
	if c.title == "" {
		c.title = strings.ToUpper(string(d.Kind))
	}
	c.lines = []string{
		"CANDIDAT " + a.ID,
		"NE(E) LE " + a.BirthDate.Format("02/01/2006"),
		"DOCUMENT " + d.ID,
	}
	if d.Kind == selection.DocCIN {
		c.lines[0] = "N. " + a.CIN
	}
	return c
}

// ascii drops the accents of Latin letters (the bitmap and PDF core fonts
// are drawn in ASCII) and any other non-ASCII rune.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case strings.ContainsRune("éèêëÉÈÊË", r):
			b.WriteByte(pick(r, 'e', 'E'))
		case strings.ContainsRune("àâäÀÂÄ", r):
			b.WriteByte(pick(r, 'a', 'A'))
		case strings.ContainsRune("îïÎÏ", r):
			b.WriteByte(pick(r, 'i', 'I'))
		case strings.ContainsRune("ôöÔÖ", r):
			b.WriteByte(pick(r, 'o', 'O'))
		case strings.ContainsRune("ùûüÙÛÜ", r):
			b.WriteByte(pick(r, 'u', 'U'))
		case strings.ContainsRune("çÇ", r):
			b.WriteByte(pick(r, 'c', 'C'))
		}
	}
	return b.String()
}

func pick(r rune, lower, upper byte) byte {
	if strings.ToUpper(string(r)) == string(r) {
		return upper
	}
	return lower
}
