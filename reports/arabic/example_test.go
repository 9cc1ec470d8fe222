package arabic_test

import (
	"fmt"
	"strings"

	"intiqa/reports/arabic"
)

// A place name with a number, as fpdf must receive it: letters joined,
// the line in visual order (the number stays left to right).
func ExampleForPDF() {
	s := arabic.ForPDF("جماعة 12")
	fmt.Println(arabic.Visual("جماعة 12", arabic.Auto))
	fmt.Printf("%U\n", []rune(s))
	// Output:
	// 12 ةعامج
	// [U+0031 U+0032 U+0020 U+FE94 U+FECB U+FE8E U+FEE4 U+FE9F]
}

// A French line with an Arabic name and a number, as a Fyne label must
// receive it: the runs in visual order (the number follows the Arabic,
// so it reads right to left with it), each Arabic word in logical order
// between left-to-right marks.
func ExampleForFyne() {
	s := arabic.ForFyne("Commune عين الشق (12)")
	fmt.Println(strings.ReplaceAll(s, "\u200E", "|"))
	// Output:
	// Commune (12) |الشق| |عين|
}
