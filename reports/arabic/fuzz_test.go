package arabic_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-text/typesetting/unicodedata"
	"golang.org/x/text/unicode/bidi"

	"intiqa/reports/arabic"
	"intiqa/reports/arabic/arabictest"
)

// FuzzPrepare feeds every function with text grown from the shared
// cases. Whatever the text, nothing panics; shaping only swaps letters
// for their presentation forms and is idempotent; reordering is a
// permutation of the text (brackets mirrored, format characters
// dropped); text with no right-to-left character comes back unchanged.
func FuzzPrepare(f *testing.F) {
	for _, c := range arabictest.Cases() {
		f.Add(c.Text)
	}
	f.Add("(\u064E)\u200D\u2067x\u2069 ١,٢ 3.5% -4")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		checkProperties(t, s)
	})
}

// checkProperties checks what holds for any text.
func checkProperties(t *testing.T, s string) {
	t.Helper()

	// Shaping.
	shaped := arabic.Shape(s)
	if again := arabic.Shape(shaped); again != shaped {
		t.Errorf("Shape is not idempotent on %q: %q then %q", s, shaped, again)
	}
	if !slices.Equal(sorted(arabictest.Unshape(shaped)), sorted(arabictest.Unshape(s))) {
		t.Errorf("Shape(%q) = %q holds other letters", s, shaped)
	}

	// Reordering.
	for _, dir := range []arabic.Direction{arabic.Auto, arabic.LeftToRight, arabic.RightToLeft} {
		v := arabic.Visual(s, dir)
		if !utf8.ValidString(v) || !slices.Equal(folded(v, ""), folded(s, "")) {
			t.Errorf("Visual(%q, %d) = %q is not a permutation of it", s, dir, v)
		}
	}
	pdf := arabic.ForPDF(s)
	if !slices.Equal(folded(pdf, ""), folded(shaped, "")) {
		t.Errorf("ForPDF(%q) = %q is not a permutation of its shaping", s, pdf)
	}
	fyne := arabic.ForFyne(s)
	if !slices.Equal(folded(fyne, "\u200E"), folded(s, "\u200E")) {
		t.Errorf("ForFyne(%q) = %q is not a permutation of it", s, fyne)
	}

	// Text without right-to-left characters.
	if !arabic.HasRTL(s) && (pdf != s || fyne != s || arabic.Visual(s, arabic.Auto) != s) {
		t.Errorf("text without right-to-left characters changed: %q", s)
	}
}

// folded returns the characters of s that reordering keeps (not the
// format characters nor the directional marks), sorted,
// each bracket or other mirrored character folded with its mirror, and
// without the characters in drop.
func folded(s, drop string) []rune {
	var out []rune
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		c := p.Class()
		if c == bidi.BN || c > bidi.Control || strings.ContainsRune(drop+"\u200E\u200F\u061C", r) {
			continue
		}
		if m, ok := unicodedata.LookupMirrorChar(r); ok {
			r = min(r, m)
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// sorted returns the characters of s, sorted.
func sorted(s string) []rune {
	rs := []rune(s)
	slices.Sort(rs)
	return rs
}
