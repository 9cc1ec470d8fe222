package arabic_test

import (
	"fmt"
	"strings"
	"testing"

	"intiqa/reports/arabic"
	"intiqa/reports/arabic/arabictest"
)

// runes spells a string as code points, for messages about forms that
// look alike.
func runes(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, "%04X ", r)
	}
	return strings.TrimSpace(b.String())
}

func TestShape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Initial medial final", "بنعلي", "\uFE91\uFEE8\uFECC\uFEE0\uFEF2"},
		{"Right-joining letters break the word", "دار", "\uFEA9\uFE8D\uFEAD"},
		{"Isolated hamza", "ء", "\uFE80"},
		{"Hamza after a joining letter", "فء", "\uFED1\uFE80"},
		{"Lam-alef isolated", "لا", "\uFEFB"},
		{"Lam-alef final", "سلا", "\uFEB3\uFEFC"},
		{"Lam-alef with madda and hamzas", "لآ لأ لإ", "\uFEF5 \uFEF7 \uFEF9"},
		{"Harakat are transparent", "مُحَمَّد",
			"\uFEE3\u064F\uFEA4\u064E\uFEE4\u064E\u0651\uFEAA"},
		{"Marks of a lam-alef follow it", "لَا", "\uFEFB\u064E"},
		{"Alef breaks the word, teh marbuta final", "فاطمة", "\uFED3\uFE8E\uFEC3\uFEE4\uFE94"},
		{"Tatweel joins", "بـب", "\uFE91\u0640\uFE90"},
		{"ZWNJ breaks joining", "ب\u200Cب", "\uFE8F\u200C\uFE8F"},
		{"Alef maksura joined", "علىه", "\uFECB\uFEE0\uFBE9\uFEEA"},
		{"Latin untouched", "Aït Baha 12", "Aït Baha 12"},
		{"Already shaped untouched", "\uFE91\uFEE8", "\uFE91\uFEE8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := arabic.Shape(tt.in); got != tt.want {
				t.Errorf("Shape(%q) = %s; want %s", tt.in, runes(got), runes(tt.want))
			}
		})
	}
}

func TestVisual(t *testing.T) {
	tests := []struct {
		name string
		in   string
		dir  arabic.Direction
		want string
	}{
		{"PureArabic", "عين الشق", arabic.Auto, "قشلا نيع"},
		{"ArabicWithDigits", "مدينة 12 الرباط", arabic.Auto, "طابرلا 12 ةنيدم"},
		{"DecimalInArabic", "أيت باها 09.163", arabic.Auto, "09.163 اهاب تيأ"},
		{"LatinLineArabicRun", "Ville مدينة 12 الرباط fin", arabic.Auto,
			"Ville طابرلا 12 ةنيدم fin"},
		{"BracketsMirrored", "أيت (اشتوكة)", arabic.Auto, "(ةكوتشا) تيأ"},
		{"BracketsInLatinLine", "Commune عين (12) fin", arabic.Auto, "Commune (12) نيع fin"},
		{"BracketPairTakesLatin", "Ville (فاس) 12", arabic.Auto, "Ville (ساف) 12"},
		{"ArabicIndicDigits", "رقم ١٢٣", arabic.Auto, "١٢٣ مقر"},
		{"PercentAfterArabicNumber", "نسبة 45%", arabic.Auto, "%45 ةبسن"},
		{"MarksBeforeBase", "بَب", arabic.Auto, "بَب"},
		{"ForcedRightToLeft", "abc def", arabic.RightToLeft, "abc def"},
		{"ForcedRTLMixed", "abc عين", arabic.RightToLeft, "نيع abc"},
		{"ForcedLTRArabic", "عين abc", arabic.LeftToRight, "نيع abc"},
		{"DirectionalMarksDropped", "\u200Fabc", arabic.Auto, "abc"},
		{"TwoLines", "عين\nالشق", arabic.Auto, "نيع\nقشلا"},
		{"NoRightToLeft", "Aït (Baha) 12", arabic.Auto, "Aït (Baha) 12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := arabic.Visual(tt.in, tt.dir); got != tt.want {
				t.Errorf("Visual(%q) = %q (%s); want %q", tt.in, got, runes(got), tt.want)
			}
		})
	}
}

// TestMarksBeforeBase spells the harakat case out: in a right-to-left
// run the marks of a letter come before it in visual order, where
// DejaVu Sans draws them over the letter that follows.
func TestMarksBeforeBase(t *testing.T) {
	got := arabic.Visual("بَن", arabic.Auto)
	if want := "\u0646\u064E\u0628"; got != want {
		t.Errorf("Visual = %s; want %s", runes(got), runes(want))
	}
}

func TestForFyne(t *testing.T) {
	const lrm = "\u200E"
	tests := []struct {
		name, in, want string
	}{
		{"PureArabicWords", "عين الشق", lrm + "الشق" + lrm + " " + lrm + "عين" + lrm},
		{"ArabicWithDigits", "مدينة 12", "12 " + lrm + "مدينة" + lrm},
		{"LatinLine", "Commune عين (12)", "Commune (12) " + lrm + "عين" + lrm},
		{"HarakatKept", "مُحَمَّد", lrm + "مُحَمَّد" + lrm},
		{"JoinerKept", "ب\u200Dب", lrm + "ب\u200Dب" + lrm},
		{"NoRightToLeft", "Aït Baha", "Aït Baha"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := arabic.ForFyne(tt.in); got != tt.want {
				t.Errorf("ForFyne(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestCases runs the shared cases through every function and checks the
// properties the fuzz target checks.
func TestCases(t *testing.T) {
	for _, c := range arabictest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			checkProperties(t, c.Text)
			if c.Idempotent {
				once := arabic.ForPDF(c.Text)
				if twice := arabic.ForPDF(once); twice != once {
					t.Errorf("ForPDF twice = %q; once = %q", twice, once)
				}
			}
		})
	}
}

func TestHasRTL(t *testing.T) {
	for in, want := range map[string]bool{
		"": false, "Aït Baha": false, "12 (3)": false, "عين": true, "x ١": true,
		"\u200F": true, "\uFEFB": true,
	} {
		if got := arabic.HasRTL(in); got != want {
			t.Errorf("HasRTL(%q) = %v; want %v", in, got, want)
		}
	}
}

func BenchmarkForPDF(b *testing.B) {
	texts := []string{"فاطمة الزهراء", "Benali", "بنعلي", "جماعة عين الشق 12", "Casablanca"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		arabic.ForPDF(texts[i%len(texts)])
	}
}

func TestBaseRTL(t *testing.T) {
	for in, want := range map[string]bool{
		"": false, "12 عين": true, "Aït عين": false, "(عين) abc": true, "12": false,
	} {
		if got := arabic.BaseRTL(in); got != want {
			t.Errorf("BaseRTL(%q) = %v; want %v", in, got, want)
		}
	}
}
