package arabic

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-text/typesetting/unicodedata"
	"golang.org/x/text/unicode/bidi"
)

// unit is a base character and the marks and boundary neutrals that
// follow it at its level, as logical indexes [start, end). Reordering
// moves whole units.
type unit struct {
	start, end int
	level      uint8
}

// groupUnits groups the line's characters into units.
func (l *line) groupUnits() []unit {
	us := l.units[:0]
	for i := range l.runes {
		attached := l.orig[i] == bidi.NSM || l.orig[i] == bidi.BN
		if n := len(us); n > 0 && attached && us[n-1].level == l.levels[i] {
			us[n-1].end = i + 1
			continue
		}
		us = append(us, unit{i, i + 1, l.levels[i]})
	}
	l.units = us
	return us
}

// visualUnits returns the line's units in visual order (rule L2): from
// the highest level down to the lowest odd one, every run at that level
// or above is reversed.
func (l *line) visualUnits() []unit {
	us := l.groupUnits()
	high, lowOdd := uint8(0), uint8(255)
	for _, u := range us {
		high = max(high, u.level)
		if u.level%2 == 1 {
			lowOdd = min(lowOdd, u.level)
		}
	}
	if lowOdd == 255 {
		lowOdd = 1 // no odd level: reversing twice above 0 changes nothing
	}
	for lv := high; lv >= lowOdd && lv > 0; lv-- {
		for k := 0; k < len(us); {
			if us[k].level < lv {
				k++
				continue
			}
			end := k
			for end < len(us) && us[end].level >= lv {
				end++
			}
			slices.Reverse(us[k:end])
			k = end
		}
	}
	return us
}

// appendUnit appends u's characters but the invisible ones. A left-to-right unit keeps its
// logical order. A right-to-left one is reversed, its base mirrored
// (rule L4): its marks come before the base, as UAX #9 leaves them
// without rule L3, because the Arabic marks of DejaVu Sans are drawn to
// the right of their origin, over the glyph that follows them.
func (l *line) appendUnit(b *strings.Builder, u unit) {
	if u.level%2 == 0 {
		for i := u.start; i < u.end; i++ {
			if !l.invisible(i) {
				b.WriteRune(l.runes[i])
			}
		}
		return
	}
	for i := u.end - 1; i >= u.start; i-- {
		r := l.runes[i]
		if l.invisible(i) {
			continue
		}
		if l.orig[i] == bidi.ON { // only neutrals have mirrors
			if m, ok := unicodedata.LookupMirrorChar(r); ok {
				r = m
			}
		}
		b.WriteRune(r)
	}
}

// isExplicit reports whether r is an explicit directional embedding,
// override or isolate, or a directional mark: characters that only
// direct the ordering, which the prepared text no longer needs.
func isExplicit(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200E || r == 0x200F || r == 0x061C
}

// invisible reports whether the character at i is dropped from the
// visual text: a boundary neutral (ZWJ, ZWNJ and the like), an explicit
// formatting character or a directional mark.
func (l *line) invisible(i int) bool {
	return l.orig[i] == bidi.BN || isExplicit(l.runes[i])
}

// HasRTL reports whether s holds a right-to-left character or an
// Arabic number, the only text whose order this package changes.
func HasRTL(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < 0xC0 { // ASCII or a continuation byte
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch classOf(r) {
		case bidi.R, bidi.AL, bidi.AN:
			return true
		}
		i += size
	}
	return false
}

// eachLine calls fn on each line of rs, split at paragraph separators,
// and joins the results with the separators kept.
func eachLine(rs []rune, fn func(b *strings.Builder, rs []rune)) string {
	var b strings.Builder
	b.Grow(4*len(rs) + 16)
	start := 0
	for i, r := range rs {
		if classOf(r) == bidi.B {
			fn(&b, rs[start:i])
			b.WriteRune(r)
			start = i + 1
		}
	}
	fn(&b, rs[start:])
	return b.String()
}

// Visual returns s in visual order for a line drawn left to right, its
// base direction given by dir: right-to-left runs reversed, numbers
// inside them kept left to right, mirrored characters (brackets)
// mirrored, Arabic marks before their base letter (see appendUnit).
// Explicit formatting characters, directional marks and boundary
// neutrals (ZWJ, ZWNJ) are dropped; paragraph separators split s into
// lines resolved apart. Text without right-to-left characters is
// returned as it is.
func Visual(s string, dir Direction) string {
	if !HasRTL(s) {
		return s
	}
	return visual([]rune(s), dir)
}

// visual is Visual on characters known to hold right-to-left text.
func visual(rs []rune, dir Direction) string {
	return eachLine(rs, func(b *strings.Builder, rs []rune) {
		l := resolve(rs, dir)
		defer l.release()
		for _, u := range l.visualUnits() {
			l.appendUnit(b, u)
		}
	})
}

// ForPDF returns s ready for fpdf, which draws characters left to right
// as they come: Arabic letters joined (Shape), then the line put in
// visual order (Visual) with its direction taken from its first strong
// character.
func ForPDF(s string) string {
	if !HasRTL(s) {
		return s
	}
	return visual(shapeRunes([]rune(s)), Auto)
}

// ForFyne returns s ready for a Fyne text object. Fyne 2.7 shapes a
// run of Arabic letters itself but lays the runs of a line out left to
// right in logical order. So the line is put in visual order, except
// that each right-to-left word (letters and their marks) is left in
// logical order for Fyne to shape, and fenced by left-to-right marks
// (U+200E, drawn with no width) so that Fyne sees it as a run of its
// own in a left-to-right line. Text without right-to-left characters is
// returned as it is.
func ForFyne(s string) string {
	if !HasRTL(s) {
		return s
	}
	return eachLine([]rune(s), func(b *strings.Builder, rs []rune) {
		l := resolve(rs, Auto)
		defer l.release()
		us := l.visualUnits()
		for k := 0; k < len(us); {
			if !l.isRTLLetter(us[k]) {
				l.appendUnit(b, us[k])
				k++
				continue
			}
			// A word: units that follow each other, right to left.
			end := k + 1
			for end < len(us) && l.isRTLLetter(us[end]) && us[end].end == us[end-1].start {
				end++
			}
			b.WriteRune(leftMark)
			for j := end - 1; j >= k; j-- {
				l.appendWordUnit(b, us[j])
			}
			b.WriteRune(leftMark)
			k = end
		}
	})
}

// isRTLLetter reports whether u is a right-to-left letter with its
// marks.
func (l *line) isRTLLetter(u unit) bool {
	c := l.orig[u.start]
	return u.level%2 == 1 && (c == bidi.R || c == bidi.AL) && !isExplicit(l.runes[u.start])
}

// appendWordUnit appends a unit of a right-to-left word unchanged but
// for explicit formatting characters: Fyne shapes it, so joiners stay.
func (l *line) appendWordUnit(b *strings.Builder, u unit) {
	for i := u.start; i < u.end; i++ {
		if !isExplicit(l.runes[i]) {
			b.WriteRune(l.runes[i])
		}
	}
}

// BaseRTL reports whether the base direction of s, taken from its
// first strong character, is right to left: text to align right and to
// shorten at its left end.
func BaseRTL(s string) bool {
	for _, r := range s {
		switch classOf(r) {
		case bidi.L:
			return false
		case bidi.R, bidi.AL:
			return true
		}
	}
	return false
}
