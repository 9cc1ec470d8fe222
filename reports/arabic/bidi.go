package arabic

import (
	"slices"
	"sync"

	"golang.org/x/text/unicode/bidi"
)

// Direction is the base direction of a line of text.
type Direction uint8

// The base directions a line may be given.
const (
	// Auto takes the direction of the first strong character, left to
	// right when there is none (UAX #9 rules P2 and P3).
	Auto Direction = iota
	LeftToRight
	RightToLeft
)

// line is one line of text being resolved: its characters, their
// original and resolved bidi classes, and their embedding levels.
type line struct {
	runes  []rune
	orig   []bidi.Class // as the Unicode data gives them
	types  []bidi.Class // as the rules resolve them
	levels []uint8
	para   uint8 // the paragraph's embedding level: 0 or 1

	// seq holds the indexes of the characters the resolution sees: all
	// but the boundary neutrals and explicit formatting characters,
	// which rule X9 removes.
	seq []int

	units []unit // buffer of visualUnits
}

// classOf returns r's bidi class, with every explicit formatting
// character folded into BN (this package does not honour them).
func classOf(r rune) bidi.Class {
	if r < 0x80 {
		return asciiClasses[r]
	}
	return lookupClass(r)
}

// lookupClass reads r's class from the Unicode data.
func lookupClass(r rune) bidi.Class {
	p, _ := bidi.LookupRune(r)
	c := p.Class()
	if c > bidi.Control {
		return bidi.BN
	}
	return c
}

// asciiClasses holds the classes of ASCII, the most of any list.
var asciiClasses = func() (t [0x80]bidi.Class) {
	for r := range t {
		t[r] = lookupClass(rune(r))
	}
	return t
}()

// isStrong reports whether a resolved class is L or R for the neutral
// and bracket rules, which count numbers as R.
func strongOf(c bidi.Class) (bidi.Class, bool) {
	switch c {
	case bidi.L:
		return bidi.L, true
	case bidi.R, bidi.AL, bidi.EN, bidi.AN:
		return bidi.R, true
	}
	return c, false
}

// linePool recycles lines: a report resolves tens of thousands of
// names, and a line's slices would otherwise be garbage each time.
var linePool = sync.Pool{New: func() any { return new(line) }}

// resolve runs the bidi algorithm's resolution on one line (no
// paragraph separator inside) and returns it with its levels set. The
// caller gives it back with release.
func resolve(rs []rune, dir Direction) *line {
	l := linePool.Get().(*line)
	n := len(rs)
	l.runes = rs
	l.orig = slices.Grow(l.orig[:0], n)[:n]
	l.types = slices.Grow(l.types[:0], n)[:n]
	l.levels = slices.Grow(l.levels[:0], n)[:n]
	l.seq = slices.Grow(l.seq[:0], n)
	for i, r := range rs {
		c := classOf(r)
		l.orig[i], l.types[i] = c, c
		if c != bidi.BN {
			l.seq = append(l.seq, i)
		}
	}
	l.para = l.paragraphLevel(dir)

	// Weak types, bracket pairs, neutrals, then implicit levels.
	l.resolveWeak()
	l.resolveBrackets()
	l.resolveNeutrals()
	l.resolveImplicit()

	// Boundary neutrals take the level before them; trailing white
	// space and separators take the paragraph's (rule L1).
	l.levelBoundaryNeutrals()
	l.resetTrailing()
	return l
}

// release gives a line back to the pool.
func (l *line) release() {
	l.runes = nil
	linePool.Put(l)
}

// paragraphLevel applies rules P2 and P3, or the given direction.
func (l *line) paragraphLevel(dir Direction) uint8 {
	switch dir {
	case LeftToRight:
		return 0
	case RightToLeft:
		return 1
	}
	for _, i := range l.seq {
		switch l.orig[i] {
		case bidi.L:
			return 0
		case bidi.R, bidi.AL:
			return 1
		}
	}
	return 0
}

// sos returns the type of the line's start and end boundaries: the
// direction of the paragraph level (a single isolating run sequence).
func (l *line) sos() bidi.Class {
	if l.para%2 == 1 {
		return bidi.R
	}
	return bidi.L
}

// at returns the type of the k-th character of seq.
func (l *line) at(k int) bidi.Class { return l.types[l.seq[k]] }

func (l *line) set(k int, c bidi.Class) { l.types[l.seq[k]] = c }

// resolveWeak applies rules W1 to W7.
func (l *line) resolveWeak() {
	n := len(l.seq)

	// W1: a mark takes the type of the character before it.
	for k := range n {
		if l.at(k) == bidi.NSM {
			if k == 0 {
				l.set(k, l.sos())
			} else {
				l.set(k, l.at(k-1))
			}
		}
	}

	// W2, W3: European numbers after Arabic letters are Arabic numbers;
	// Arabic letters are then R.
	last := l.sos()
	for k := range n {
		switch c := l.at(k); c {
		case bidi.L, bidi.R, bidi.AL:
			last = c
		case bidi.EN:
			if last == bidi.AL {
				l.set(k, bidi.AN)
			}
		}
	}
	for k := range n {
		if l.at(k) == bidi.AL {
			l.set(k, bidi.R)
		}
	}

	// W4: a single separator between two numbers of one kind joins them.
	for k := 1; k+1 < n; k++ {
		before, c, after := l.at(k-1), l.at(k), l.at(k+1)
		switch {
		case c == bidi.ES && before == bidi.EN && after == bidi.EN,
			c == bidi.CS && before == bidi.EN && after == bidi.EN:
			l.set(k, bidi.EN)
		case c == bidi.CS && before == bidi.AN && after == bidi.AN:
			l.set(k, bidi.AN)
		}
	}

	// W5: terminators next to a European number are part of it.
	l.resolveTerminators()

	// W6: remaining separators and terminators are neutral.
	for k := range n {
		switch l.at(k) {
		case bidi.ES, bidi.ET, bidi.CS:
			l.set(k, bidi.ON)
		}
	}

	// W7: European numbers after L text are L.
	last = l.sos()
	for k := range n {
		switch c := l.at(k); c {
		case bidi.L, bidi.R:
			last = c
		case bidi.EN:
			if last == bidi.L {
				l.set(k, bidi.L)
			}
		}
	}
}

// resolveTerminators applies rule W5: a sequence of European
// terminators before or after a European number becomes EN.
func (l *line) resolveTerminators() {
	n := len(l.seq)
	for k := 0; k < n; {
		if l.at(k) != bidi.ET {
			k++
			continue
		}
		end := k
		for end < n && l.at(end) == bidi.ET {
			end++
		}
		if (k > 0 && l.at(k-1) == bidi.EN) || (end < n && l.at(end) == bidi.EN) {
			for j := k; j < end; j++ {
				l.set(j, bidi.EN)
			}
		}
		k = end
	}
}

// isNeutral reports whether a resolved class is a neutral or isolate
// for rules N1 and N2.
func isNeutral(c bidi.Class) bool {
	switch c {
	case bidi.B, bidi.S, bidi.WS, bidi.ON:
		return true
	}
	return false
}

// resolveNeutrals applies rules N1 and N2: a sequence of neutrals takes
// the direction of the text on both sides when they agree (numbers
// count as R), and the paragraph's direction otherwise.
func (l *line) resolveNeutrals() {
	n := len(l.seq)
	for k := 0; k < n; {
		if !isNeutral(l.at(k)) {
			k++
			continue
		}
		end := k
		for end < n && isNeutral(l.at(end)) {
			end++
		}
		before, after := l.sos(), l.sos()
		if k > 0 {
			before, _ = strongOf(l.at(k - 1))
		}
		if end < n {
			after, _ = strongOf(l.at(end))
		}
		c := l.sos()
		if before == after {
			c = before
		}
		for j := k; j < end; j++ {
			l.set(j, c)
		}
		k = end
	}
}

// resolveImplicit applies rules I1 and I2.
func (l *line) resolveImplicit() {
	for _, i := range l.seq {
		lv := l.para
		switch c := l.types[i]; {
		case lv%2 == 0 && c == bidi.R:
			lv++
		case lv%2 == 0 && (c == bidi.AN || c == bidi.EN):
			lv += 2
		case lv%2 == 1 && (c == bidi.L || c == bidi.AN || c == bidi.EN):
			lv++
		}
		l.levels[i] = lv
	}
}

// levelBoundaryNeutrals gives each character rule X9 removed the level
// of the character before it (the paragraph's at the start).
func (l *line) levelBoundaryNeutrals() {
	lv := l.para
	for i, c := range l.orig {
		if c == bidi.BN {
			l.levels[i] = lv
		} else {
			lv = l.levels[i]
		}
	}
}

// resetTrailing applies rule L1 to a single line: segment separators,
// and white space before them or at the end of the line, take the
// paragraph level.
func (l *line) resetTrailing() {
	trailing := true
	for i := len(l.runes) - 1; i >= 0; i-- {
		switch l.orig[i] {
		case bidi.S, bidi.B:
			l.levels[i] = l.para
			trailing = true
		case bidi.WS, bidi.BN:
			if trailing {
				l.levels[i] = l.para
			}
		default:
			trailing = false
		}
	}
}
