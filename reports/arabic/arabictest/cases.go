// Package arabictest holds what the tests of Arabic text share: the
// table of named cases, reference renderings made with pango-view (kept
// as golden PNGs), and an image comparison that tolerates the small
// differences between rasterizers but not a letter out of place or a
// word out of order. It is imported by tests only.
package arabictest

import "golang.org/x/text/unicode/norm"

// Case is one line of text to prepare and draw.
type Case struct {
	Name string
	Text string
	// Idempotent is set when preparing the text twice changes nothing
	// more than once: text with no right-to-left run, whose order
	// reordering keeps.
	Idempotent bool
	// FyneMisorders is set when Fyne 2.7 draws the plain text in the
	// wrong order (Arabic runs with digits or Latin, in a right-to-left
	// line or with brackets).
	FyneMisorders bool
}

// Cases returns the shared table: names, place names, Arabic with
// digits, Latin and brackets, lam-alef ligatures and harakat.
func Cases() []Case {
	return []Case{
		{Name: "PureArabicName", Text: "فاطمة الزهراء بنعلي"},
		{Name: "PlaceWithDigits", Text: "جماعة عين الشق 12", FyneMisorders: true},
		{Name: "MixedLatinParens", Text: "Commune عين الشق (12) – Casablanca", FyneMisorders: true},
		{Name: "ArabicFirstMixed", Text: "مدينة 12 الرباط (Rabat) ٣", FyneMisorders: true},
		{Name: "LamAlef", Text: "السلام لا إلا الآن الأمل"},
		{Name: "Harakat", Text: "مُحَمَّدٌ سَلَامٌ"},
		{Name: "NameLatinArabic", Text: "Benali Fatima بنعلي فاطمة"},
		{Name: "BracketsInArabic", Text: "أيت باها (اشتوكة) 09.163", FyneMisorders: true},
		{Name: "Latin", Text: "Aït Baha – Chtouka (09.163)", Idempotent: true},
	}
}

// Unshape returns s with every presentation form replaced by the
// letters it stands for (a lam-alef ligature by lam and alef), by
// compatibility normalization (NFKC), leaving the order as it is.
func Unshape(s string) string { return norm.NFKC.String(s) }
