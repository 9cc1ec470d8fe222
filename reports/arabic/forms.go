package arabic

// joining is how a character joins its neighbours (Unicode's
// Joining_Type, ArabicShaping.txt).
type joining uint8

const (
	joinNone        joining = iota // U: joins neither side
	joinRight                      // R: joins the preceding letter only
	joinDual                       // D: joins both sides
	joinCausing                    // C: tatweel, ZWJ: makes both sides join
	joinTransparent                // T: marks, skipped when joining
)

// form is the position of a letter in its word.
type form uint8

const (
	formIsolated form = iota
	formFinal
	formInitial
	formMedial
)

// letter is an Arabic letter's joining type and the first of its
// presentation forms; the forms follow in the order isolated, final,
// initial, medial, as both presentation-form blocks lay them out.
type letter struct {
	join  joining
	first rune
}

// letters maps the Arabic letters names are written with to their
// presentation forms: the basic letters (Presentation Forms-B) and the
// letters of Persian and Maghrebi usage (Presentation Forms-A).
var letters = map[rune]letter{
	0x0621: {joinNone, 0xFE80},  // hamza
	0x0622: {joinRight, 0xFE81}, // alef with madda above
	0x0623: {joinRight, 0xFE83}, // alef with hamza above
	0x0624: {joinRight, 0xFE85}, // waw with hamza above
	0x0625: {joinRight, 0xFE87}, // alef with hamza below
	0x0626: {joinDual, 0xFE89},  // yeh with hamza above
	0x0627: {joinRight, 0xFE8D}, // alef
	0x0628: {joinDual, 0xFE8F},  // beh
	0x0629: {joinRight, 0xFE93}, // teh marbuta
	0x062A: {joinDual, 0xFE95},  // teh
	0x062B: {joinDual, 0xFE99},  // theh
	0x062C: {joinDual, 0xFE9D},  // jeem
	0x062D: {joinDual, 0xFEA1},  // hah
	0x062E: {joinDual, 0xFEA5},  // khah
	0x062F: {joinRight, 0xFEA9}, // dal
	0x0630: {joinRight, 0xFEAB}, // thal
	0x0631: {joinRight, 0xFEAD}, // reh
	0x0632: {joinRight, 0xFEAF}, // zain
	0x0633: {joinDual, 0xFEB1},  // seen
	0x0634: {joinDual, 0xFEB5},  // sheen
	0x0635: {joinDual, 0xFEB9},  // sad
	0x0636: {joinDual, 0xFEBD},  // dad
	0x0637: {joinDual, 0xFEC1},  // tah
	0x0638: {joinDual, 0xFEC5},  // zah
	0x0639: {joinDual, 0xFEC9},  // ain
	0x063A: {joinDual, 0xFECD},  // ghain
	0x0641: {joinDual, 0xFED1},  // feh
	0x0642: {joinDual, 0xFED5},  // qaf
	0x0643: {joinDual, 0xFED9},  // kaf
	0x0644: {joinDual, 0xFEDD},  // lam
	0x0645: {joinDual, 0xFEE1},  // meem
	0x0646: {joinDual, 0xFEE5},  // noon
	0x0647: {joinDual, 0xFEE9},  // heh
	0x0648: {joinRight, 0xFEED}, // waw
	0x0649: {joinDual, 0xFEEF},  // alef maksura (no initial or medial form in block B)
	0x064A: {joinDual, 0xFEF1},  // yeh
	0x0671: {joinRight, 0xFB50}, // alef wasla
	0x067E: {joinDual, 0xFB56},  // peh
	0x0686: {joinDual, 0xFB7A},  // tcheh
	0x0698: {joinRight, 0xFB8A}, // jeh
	0x06A4: {joinDual, 0xFB6A},  // veh
	0x06A9: {joinDual, 0xFB8E},  // keheh
	0x06AD: {joinDual, 0xFBD3},  // ng
	0x06AF: {joinDual, 0xFB92},  // gaf
	0x06CC: {joinDual, 0xFBFC},  // farsi yeh
}

// letterTable is letters indexed from U+0600, for lookups in a loop.
var letterTable = func() (t [0x100]letter) {
	for r, l := range letters {
		t[r-0x600] = l
	}
	return t
}()

// letterOf returns the letter r is, if Shape knows it.
func letterOf(r rune) (letter, bool) {
	if r < 0x600 || r > 0x6FF {
		return letter{}, false
	}
	l := letterTable[r-0x600]
	return l, l.first != 0
}

// alefMaksuraJoined holds the initial and medial forms of alef maksura,
// which block B lacks (Presentation Forms-A has them).
var alefMaksuraJoined = [2]rune{0xFBE8, 0xFBE9}

// lamAlef maps the alef that follows a lam to the isolated form of their
// ligature; the final form is the next code point.
var lamAlef = map[rune]rune{
	0x0622: 0xFEF5,
	0x0623: 0xFEF7,
	0x0625: 0xFEF9,
	0x0627: 0xFEFB,
}

const (
	lam      = 0x0644
	tatweel  = 0x0640
	zwnj     = 0x200C
	zwj      = 0x200D
	leftMark = 0x200E // LEFT-TO-RIGHT MARK
)

// joiningOf returns how r joins its neighbours.
func joiningOf(r rune) joining {
	if l, ok := letterOf(r); ok {
		return l.join
	}
	switch {
	case r == tatweel || r == zwj:
		return joinCausing
	case isArabicMark(r):
		return joinTransparent
	}
	return joinNone
}

// isArabicMark reports whether r is a combining mark of the Arabic
// block (harakat, shadda, sukun, superscript alef, Quranic marks) or a
// generic combining diacritic, all transparent to joining.
func isArabicMark(r rune) bool {
	switch {
	case r >= 0x0610 && r <= 0x061A, r >= 0x064B && r <= 0x065F, r == 0x0670,
		r >= 0x06D6 && r <= 0x06DC, r >= 0x06DF && r <= 0x06E4, r >= 0x06E7 && r <= 0x06E8,
		r >= 0x06EA && r <= 0x06ED, r >= 0x0300 && r <= 0x036F:
		return true
	}
	return false
}

// formOf returns the presentation form of letter r in form f.
func formOf(r rune, f form) rune {
	l, ok := letterOf(r)
	if !ok {
		return r
	}
	if l.join == joinRight && f >= formInitial {
		f -= 2 // a right-joining letter has no initial or medial form
	}
	if r == 0x0649 && f >= formInitial {
		return alefMaksuraJoined[f-formInitial]
	}
	return l.first + rune(f)
}
