package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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

// heading is a screen's or a card's title.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(display(text), align(), fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// paragraph is running text that wraps.
func paragraph(text string) *widget.Label {
	l := widget.NewLabelWithStyle(display(text), align(), fyne.TextStyle{})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// caption is small, quiet text.
func caption(text string) *widget.Label {
	l := widget.NewLabelWithStyle(display(text), align(), fyne.TextStyle{})
	l.SizeName = theme.SizeNameCaptionText
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return l
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
