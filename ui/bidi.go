package ui

import (
	"slices"
	"strings"
	"unicode"
)

// arabicDisplay returns text ready for Fyne to draw. Every Arabic string
// the window shows goes through it: names and places in Arabic script,
// and the Arabic translations, mixed with digits or Latin.
//
// TODO(arabic): route through the shared package reports/arabic once it
// lands on main; until then visualRuns stands in for it.
func arabicDisplay(s string) string { return visualRuns(s) }

// Fyne 2.7 shapes each bidirectional run of a string in its own
// direction (so a run of Arabic reads right to left) but lays the runs
// out left to right in logical order, which misplaces the words of a
// string mixing Arabic with digits or Latin (STYLE.md). visualRuns
// therefore puts the runs in their visual order, as the Unicode
// bidirectional algorithm places them, and leaves each run's letters in
// logical order for Fyne to shape and turn.

// bidiClass is the simplified bidirectional class of a rune.
type bidiClass uint8

const (
	classN  bidiClass = iota // neutral: spaces, punctuation, symbols
	classL                   // strong left to right: Latin and other letters
	classR                   // strong right to left: Arabic letters
	classEN                  // a digit, European or Arabic-Indic
)

func classOf(r rune) bidiClass {
	switch {
	case r >= '0' && r <= '9', r >= '\u0660' && r <= '\u0669', r >= '\u06f0' && r <= '\u06f9':
		return classEN
	case unicode.Is(unicode.Arabic, r) && (unicode.IsLetter(r) || unicode.IsMark(r)):
		return classR
	case unicode.IsLetter(r):
		return classL
	}
	return classN
}

// visualRuns reorders the runs of s into visual order; a string with no
// Arabic letter is returned as is.
func visualRuns(s string) string {
	runes := []rune(s)
	if !slices.ContainsFunc(runes, func(r rune) bool { return classOf(r) == classR }) {
		return s
	}
	levels := bidiLevels(runes)
	order := visualOrder(levels)

	// Put each right-to-left run back in logical order, for Fyne to turn
	// it, with the neutrals at its ends where they are seen, and a
	// left-to-right mark between runs so that Fyne's own bidirectional
	// pass keeps every run and neutral where it is put.
	var b strings.Builder
	b.WriteRune(lrm) // marks the text as prepared
	for i := 0; i < len(order); {
		j := i + 1
		if levels[order[i]]%2 == 0 {
			b.WriteRune(runes[order[i]])
			i = j
			continue
		}
		for j < len(order) && levels[order[j]]%2 == 1 && order[j] == order[j-1]-1 {
			j++
		}
		writeTurned(&b, runes[order[j-1]:order[i]+1])
		i = j
	}
	return b.String()
}

// lrm is the left-to-right mark, invisible and of no width.
const lrm = '\u200e'

// writeTurned writes a right-to-left run, given in logical order, for
// Fyne to turn: its trailing neutrals first (they show on its left), its
// letters, then its leading neutrals, each part fenced by marks.
func writeTurned(b *strings.Builder, run []rune) {
	start, end := 0, len(run)
	for start < end && classOf(run[start]) == classN {
		start++
	}
	for end > start && classOf(run[end-1]) == classN {
		end--
	}
	b.WriteRune(lrm)
	for k := len(run) - 1; k >= end; k-- {
		b.WriteRune(mirror(run[k]))
	}
	b.WriteRune(lrm)
	b.WriteString(string(run[start:end]))
	b.WriteRune(lrm)
	for k := start - 1; k >= 0; k-- {
		b.WriteRune(mirror(run[k]))
	}
	b.WriteRune(lrm)
}

// mirrors pairs the characters that a right-to-left run shows mirrored.
var mirrors = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«',
}

// mirror returns the mirrored form of a neutral drawn out of its
// right-to-left run, which Fyne therefore does not mirror.
func mirror(r rune) rune {
	if m, ok := mirrors[r]; ok {
		return m
	}
	return r
}

// bidiLevels resolves each rune's embedding level: the paragraph takes
// the direction of its first strong letter; digits are left to right
// runs that follow Arabic as Arabic numbers do; a neutral between two
// runs of one direction takes it, else the paragraph's.
func bidiLevels(runes []rune) []int {
	classes := make([]bidiClass, len(runes))
	para := classN
	for i, r := range runes {
		classes[i] = classOf(r)
		if para == classN && (classes[i] == classL || classes[i] == classR) {
			para = classes[i]
		}
	}
	// A single separator between two digits belongs to the number, as in
	// 09.163, 2024-05-15 or 8 038 (grouped with a narrow no-break space).
	for i := 1; i+1 < len(runes); i++ {
		if classes[i-1] == classEN && classes[i+1] == classEN &&
			strings.ContainsRune(".,:/-+\u202f\u00a0", runes[i]) {
			classes[i] = classEN
		}
	}
	rtl := para == classR

	// Digits after Arabic (or in an Arabic paragraph) are Arabic numbers:
	// they weigh as right to left on the neutrals around them.
	arabicNumber := make([]bool, len(runes))
	last := para
	for i, c := range classes {
		switch c {
		case classL, classR:
			last = c
		case classEN:
			arabicNumber[i] = last == classR
		}
	}
	weight := func(i int) bidiClass {
		switch {
		case classes[i] == classEN && arabicNumber[i]:
			return classR
		case classes[i] == classEN:
			return classL
		}
		return classes[i]
	}

	levels := make([]int, len(runes))
	base := 0
	if rtl {
		base = 1
	}
	for i := range runes {
		dir := weight(i)
		if dir == classN {
			dir = neutralDirection(runes, weight, i, para)
		}
		switch {
		case classes[i] == classEN && (rtl || arabicNumber[i]):
			levels[i] = 2 // a left to right run inside a right to left one
		case dir == classR:
			levels[i] = base | 1
		case rtl:
			levels[i] = 2
		default:
			levels[i] = 0
		}
	}
	return levels
}

// neutralDirection resolves the neutral at i from its strong (or number)
// neighbours, the paragraph's direction at either end.
func neutralDirection(runes []rune, weight func(int) bidiClass, i int, para bidiClass) bidiClass {
	before, after := para, para
	for j := i - 1; j >= 0; j-- {
		if w := weight(j); w != classN {
			before = w
			break
		}
	}
	for j := i + 1; j < len(runes); j++ {
		if w := weight(j); w != classN {
			after = w
			break
		}
	}
	if before == after {
		return before
	}
	return para
}

// visualOrder returns the logical indexes of the runes in visual order:
// from the highest level down to 1, every maximal sequence at that level
// or above is reversed.
func visualOrder(levels []int) []int {
	order := make([]int, len(levels))
	for i := range order {
		order[i] = i
	}
	top := slices.Max(levels)
	for lvl := top; lvl >= 1; lvl-- {
		for i := 0; i < len(order); {
			if levels[order[i]] < lvl {
				i++
				continue
			}
			j := i
			for j < len(order) && levels[order[j]] >= lvl {
				j++
			}
			slices.Reverse(order[i:j])
			i = j
		}
	}
	return order
}
