package ui

import (
	"bytes"
	"testing"

	"github.com/go-text/typesetting/font"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

func TestThemeFonts(t *testing.T) {
	th, err := NewTheme()
	if err != nil {
		t.Fatal(err)
	}
	def := theme.DefaultTheme()
	tests := []struct {
		name  string
		style fyne.TextStyle
		want  string
	}{
		{"Regular", fyne.TextStyle{}, "DejaVuSans.ttf"},
		{"Bold", fyne.TextStyle{Bold: true}, "DejaVuSans-Bold.ttf"},
		{"BoldItalic", fyne.TextStyle{Bold: true, Italic: true}, "DejaVuSans-Bold.ttf"},
		{"ItalicUpright", fyne.TextStyle{Italic: true}, "DejaVuSans.ttf"},
		{"Monospace", fyne.TextStyle{Monospace: true}, def.Font(fyne.TextStyle{Monospace: true}).Name()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := th.Font(tt.style)
			if r.Name() != tt.want || len(r.Content()) == 0 {
				t.Errorf("Font(%+v) = %q (%d bytes); want %q", tt.style, r.Name(),
					len(r.Content()), tt.want)
			}
		})
	}
	if th.Color(theme.ColorNamePrimary, theme.VariantLight) !=
		def.Color(theme.ColorNamePrimary, theme.VariantLight) {
		t.Error("the theme changes colours; it should change only the font")
	}
}

// TestThemeFontsCoverArabic checks that the bundled fonts draw every
// letter of the Arabic names Intiqa shows, and Latin with accents.
func TestThemeFontsCoverArabic(t *testing.T) {
	th, err := NewTheme()
	if err != nil {
		t.Fatal(err)
	}
	const text = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئىة" + "ÀÂÇÉÈÊËÎÏÔÙÛÜàâçéèêëîïôùûüŸÿ" + "\u202f"
	for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
		r := th.Font(style)
		face, err := font.ParseTTF(bytes.NewReader(r.Content()))
		if err != nil {
			t.Fatalf("%s: %v", r.Name(), err)
		}
		for _, ch := range text {
			if _, ok := face.NominalGlyph(ch); !ok {
				t.Errorf("%s has no glyph for %q", r.Name(), ch)
			}
		}
	}
}
