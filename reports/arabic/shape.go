package arabic

import "unicode/utf8"

// Shape returns s with each Arabic letter replaced by its contextual
// presentation form (isolated, initial, medial or final) and each lam
// followed by an alef by their ligature, in logical order. Marks such as
// harakat are transparent: they neither break nor cause joining, and the
// marks of a lam-alef follow the ligature. Text without Arabic letters
// is returned as it is.
func Shape(s string) string {
	if !hasArabicLetter(s) {
		return s
	}
	return string(shapeRunes([]rune(s)))
}

// hasArabicLetter reports whether s holds a letter Shape changes.
func hasArabicLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0xD8 || s[i] > 0xDB { // not the lead byte of U+0600 to U+06FF
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[i:])
		if _, ok := letterOf(r); ok {
			return true
		}
	}
	return false
}

// shapeRunes returns rs shaped (shorter than rs when ligatures formed).
// It cannot work in place: joining looks at the letters before, which
// must keep their joining types.
func shapeRunes(rs []rune) []rune {
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		l, ok := letterOf(r)
		if !ok {
			out = append(out, r)
			continue
		}
		prev := l.join != joinNone && joinsBefore(rs, i)
		if r == lam {
			if j, lig, ok := ligatureAt(rs, i); ok {
				if prev {
					lig++ // the final form of the ligature
				}
				out = append(out, lig)
				out = append(out, rs[i+1:j]...) // the lam's marks
				for k := j + 1; k < len(rs) && joiningOf(rs[k]) == joinTransparent; k++ {
					out = append(out, rs[k]) // the alef's marks
					j = k
				}
				i = j
				continue
			}
		}
		next := l.join == joinDual && joinsAfter(rs, i)
		out = append(out, formOf(r, pick(prev, next)))
	}
	return out
}

// pick returns the form of a letter joined to the letter before it,
// the letter after it, both or neither.
func pick(prev, next bool) form {
	switch {
	case prev && next:
		return formMedial
	case prev:
		return formFinal
	case next:
		return formInitial
	}
	return formIsolated
}

// joinsBefore reports whether the letter at i joins the one before it:
// the nearest character before i that is not a mark joins on its left.
func joinsBefore(rs []rune, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch joiningOf(rs[j]) {
		case joinTransparent:
			continue
		case joinDual, joinCausing:
			return true
		}
		return false
	}
	return false
}

// joinsAfter reports whether the character after i (marks skipped)
// joins on its right.
func joinsAfter(rs []rune, i int) bool {
	for j := i + 1; j < len(rs); j++ {
		switch joiningOf(rs[j]) {
		case joinTransparent:
			continue
		case joinRight, joinDual, joinCausing:
			return true
		}
		return false
	}
	return false
}

// ligatureAt reports whether the lam at i and an alef after it (marks
// between them skipped) form a ligature; it returns the alef's index and
// the isolated form of the ligature.
func ligatureAt(rs []rune, i int) (int, rune, bool) {
	for j := i + 1; j < len(rs); j++ {
		if joiningOf(rs[j]) == joinTransparent {
			continue
		}
		lig, ok := lamAlef[rs[j]]
		return j, lig, ok
	}
	return 0, 0, false
}
