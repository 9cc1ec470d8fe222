package ui

import (
	"strings"

	"intiqa/reports/arabic"
)

// lrm is the left-to-right mark, invisible and of no width.
const lrm = '\u200e'

// arabicDisplay returns text ready for Fyne to draw. Every Arabic string
// the window shows goes through it: names and places in Arabic script,
// and the Arabic translations, mixed with digits or Latin. Fyne 2.7
// shapes a run of Arabic letters itself but lays the runs of a string
// out left to right in logical order, which misplaces the words of a
// string that mixes Arabic with digits or Latin (STYLE.md); the shared
// package reports/arabic puts them in visual order for Fyne.
func arabicDisplay(s string) string { return arabic.ForFyne(s) }

// display prepares any text for the window: text with right-to-left
// letters goes through arabicDisplay, other text is left as is. Prepared
// text starts with a left-to-right mark, and is left as is when given
// again, so that the widgets' helpers may prepare what they are given;
// text composed of several parts must be composed in logical order
// (trRaw) and prepared once whole.
func display(s string) string {
	if strings.HasPrefix(s, string(lrm)) || !arabic.HasRTL(s) {
		return s
	}
	return string(lrm) + arabicDisplay(s)
}
