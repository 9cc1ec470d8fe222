package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/reports/arabic"

	"intiqa/selection/office"
)

// errBadCredentials is the service's refusal of a sign-in.
var errBadCredentials = office.ErrBadCredentials

// align returns the alignment of running text in the window's language:
// Arabic reads from the right.
func align() fyne.TextAlign {
	if rtl() {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

// heading is a screen's or a card's title, given in logical order.
func heading(text string) *wrapped {
	l := newWrapped(text, align(), fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// paragraph is running text that wraps, given in logical order.
func paragraph(text string) *wrapped {
	return newWrapped(text, align(), fyne.TextStyle{})
}

// caption is small, quiet text that wraps, given in logical order.
func caption(text string) *wrapped {
	l := newWrapped(text, align(), fyne.TextStyle{})
	l.SizeName = theme.SizeNameCaptionText
	l.Importance = widget.LowImportance
	return l
}

// wrapped is a label of running text that wraps. Fyne wraps text as it
// is drawn, but Arabic text is drawn prepared (see display), its words
// in visual order, so that Fyne's lines would come bottom up; a wrapped
// label therefore breaks the text into lines in logical order for its
// width, and prepares each line.
type wrapped struct {
	widget.Label
	logical string
	width   float32 // the width the lines were broken for
}

func newWrapped(text string, align fyne.TextAlign, style fyne.TextStyle) *wrapped {
	l := &wrapped{}
	l.ExtendBaseWidget(l)
	l.Alignment, l.TextStyle, l.Wrapping = align, style, fyne.TextWrapWord
	l.setLogical(text)
	return l
}

// setLogical shows new text, given in logical order.
func (l *wrapped) setLogical(text string) {
	l.logical, l.width = text, 0
	l.SetText(display(text))
}

// Resize breaks right-to-left text into lines for the new width.
func (l *wrapped) Resize(size fyne.Size) {
	if size.Width != l.width && size.Width > 0 && arabic.HasRTL(l.logical) {
		l.width = size.Width
		textSize := theme.Size(theme.SizeNameText)
		if l.SizeName != "" {
			textSize = theme.Size(l.SizeName)
		}
		l.Text = display(breakLines(l.logical, size.Width-2*theme.InnerPadding()-2, textSize,
			l.TextStyle))
		l.Label.Resize(size)
		l.Refresh()
		return
	}
	l.Label.Resize(size)
}

// breakLines breaks text, in logical order, into lines no wider than
// width, at spaces.
func breakLines(text string, width, size float32, style fyne.TextStyle) string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		cur := ""
		for _, w := range strings.Fields(para) {
			cand := w
			if cur != "" {
				cand = cur + " " + w
			}
			if cur != "" && fyne.MeasureText(cand, size, style).Width > width {
				lines = append(lines, cur)
				cand = w
			}
			cur = cand
		}
		lines = append(lines, cur)
	}
	return strings.Join(lines, "\n")
}

// value is a label for a figure or a datum, truncated when too long.
func value(text string) *widget.Label {
	l := widget.NewLabelWithStyle(display(text), align(), fyne.TextStyle{})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// arabicLabel shows text in Arabic script, right-aligned whatever the
// window's language.
func arabicLabel(text string) *widget.Label {
	l := widget.NewLabelWithStyle(display(text), fyne.TextAlignTrailing, fyne.TextStyle{})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// appTitle is the product's name as the bars show it.
func appTitle() fyne.CanvasObject {
	product := canvas.NewText("Intiqa", theme.Color(theme.ColorNamePrimary))
	product.TextStyle = fyne.TextStyle{Bold: true}
	product.TextSize = theme.TextSubHeadingSize()
	return product
}

// row lays out objects side by side, from the right in Arabic.
func row(objs ...fyne.CanvasObject) *fyne.Container {
	if rtl() {
		rev := make([]fyne.CanvasObject, len(objs))
		for i, o := range objs {
			rev[len(objs)-1-i] = o
		}
		objs = rev
	}
	return container.NewHBox(objs...)
}

// languageNames names each language in itself.
var languageNames = map[string]string{
	LangFrench: "Français", LangArabic: "العربية", LangEnglish: "English",
}

// languagePicker lets the user choose the window's language; the
// choice is kept in the app's preferences.
func languagePicker(s *Shell) fyne.CanvasObject {
	var opts []string
	for _, l := range Languages {
		opts = append(opts, display(languageNames[l]))
	}
	sel := widget.NewSelect(opts, nil)
	sel.SetSelected(display(languageNames[Language()]))
	sel.OnChanged = func(name string) {
		for _, l := range Languages {
			if display(languageNames[l]) == name && l != Language() {
				SetLanguage(l)
				fyne.CurrentApp().Preferences().SetString(prefLanguage, l)
				s.relabel()
				return
			}
		}
	}
	return sel
}

// prefLanguage is the preference key of the chosen language.
const prefLanguage = "language"

// PreferredLanguage applies the language kept in the app's preferences,
// else the given default.
func PreferredLanguage(a fyne.App, fallback string) {
	SetLanguage(a.Preferences().StringWithFallback(prefLanguage, fallback))
}

// confirm asks the user to confirm an action, with the window's own
// labels (Fyne's follow the system's language).
func confirm(win fyne.Window, title, text, action string, onConfirm func()) {
	d := dialog.NewCustomConfirm(title, action, tr("Annuler"), paragraph(text), func(ok bool) {
		if ok {
			onConfirm()
		}
	}, win)
	d.Resize(fyne.NewSize(460, 200))
	d.Show()
}
