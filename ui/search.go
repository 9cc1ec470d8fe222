package ui

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// arabicFolds maps Arabic letters that people type interchangeably to
// one form: alef maksura to yeh, teh marbuta to heh. Alef with hamza or
// madda decomposes to a bare alef and a mark, which foldSearch drops.
var arabicFolds = strings.NewReplacer("ى", "ي", "ة", "ه")

// foldSearch prepares text for a forgiving substring search: lower case,
// no accents on Latin letters, no vowel marks, hamza marks or tatweel on
// Arabic ones, and apostrophes and hyphens as spaces.
func foldSearch(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), r == 'ـ':
			continue
		case r == '\'' || r == '’' || r == '-':
			b.WriteByte(' ')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return arabicFolds.Replace(b.String())
}
