package arabic

import (
	"slices"

	"github.com/go-text/typesetting/unicodedata"
	"golang.org/x/text/unicode/bidi"
)

// maxBracketDepth is the depth of the bracket stack of rule BD16.
const maxBracketDepth = 63

// bracketPair holds the seq positions of a matched opening and closing
// bracket.
type bracketPair struct{ open, close int }

// bracketPairs finds the bracket pairs of the line (rule BD16): an
// opening bracket still neutral after the weak rules, matched with the
// nearest unmatched closing bracket that mirrors it.
func (l *line) bracketPairs() []bracketPair {
	type opener struct {
		closing rune
		pos     int
	}
	var stack []opener
	var pairs []bracketPair
	for k, i := range l.seq {
		if l.at(k) != bidi.ON {
			continue
		}
		p, _ := bidi.LookupRune(l.runes[i])
		if !p.IsBracket() {
			continue
		}
		if p.IsOpeningBracket() {
			if len(stack) == maxBracketDepth {
				break
			}
			closing, _ := unicodedata.LookupMirrorChar(l.runes[i])
			stack = append(stack, opener{closing, k})
			continue
		}
		for j := len(stack) - 1; j >= 0; j-- {
			if stack[j].closing == l.runes[i] {
				pairs = append(pairs, bracketPair{stack[j].pos, k})
				stack = stack[:j]
				break
			}
		}
	}
	slices.SortFunc(pairs, func(a, b bracketPair) int { return a.open - b.open })
	return pairs
}

// resolveBrackets applies rule N0: a bracket pair takes the paragraph's
// direction when the text inside has it; else the opposite direction
// when the text inside and the context before both have it.
func (l *line) resolveBrackets() {
	embedding := l.sos()
	for _, p := range l.bracketPairs() {
		inside := l.strongInside(p, embedding)
		if inside == bidi.ON {
			continue // no strong type inside: left to the neutral rules
		}
		if inside != embedding && l.strongBefore(p.open) != inside {
			inside = embedding
		}
		l.setBracket(p.open, inside)
		l.setBracket(p.close, inside)
	}
}

// strongInside returns the embedding direction if a strong type of it
// lies inside the pair, else the opposite one if some strong type does,
// else ON.
func (l *line) strongInside(p bracketPair, embedding bidi.Class) bidi.Class {
	found := bidi.ON
	for k := p.open + 1; k < p.close; k++ {
		if c, ok := strongOf(l.at(k)); ok {
			if c == embedding {
				return c
			}
			found = c
		}
	}
	return found
}

// strongBefore returns the first strong type before seq position k, or
// the start-of-sequence type.
func (l *line) strongBefore(k int) bidi.Class {
	for j := k - 1; j >= 0; j-- {
		if c, ok := strongOf(l.at(j)); ok {
			return c
		}
	}
	return l.sos()
}

// setBracket sets a bracket's type, and that of the marks after it,
// which rule W1 had made neutral like the bracket.
func (l *line) setBracket(k int, c bidi.Class) {
	l.set(k, c)
	for j := k + 1; j < len(l.seq) && l.orig[l.seq[j]] == bidi.NSM; j++ {
		l.set(j, c)
	}
}
