package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// errorScreen tells the user that the data could not be opened and what
// to do; the cause goes to the log, never to the screen.
type errorScreen struct {
	onRetry func()
	text    string // what to do, ready to draw; the generic advice when empty
}

func newErrorScreen(onRetry func()) *errorScreen {
	return &errorScreen{onRetry: onRetry}
}

func (s *errorScreen) build() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(tr("Les données n'ont pas pu être ouvertes"),
		fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	advice := s.text
	if advice == "" {
		advice = tr("Réessayez. Si le problème persiste, " +
			"transmettez le journal de l'application à l'assistance du siège.")
	}
	text := widget.NewLabel(advice)
	text.Wrapping = fyne.TextWrapWord
	text.Alignment = fyne.TextAlignCenter
	retry := widget.NewButtonWithIcon(tr("Réessayer"), theme.ViewRefreshIcon(), s.onRetry)
	box := container.NewVBox(widget.NewIcon(theme.ErrorIcon()), title, text,
		container.NewCenter(retry))
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(520, 200), box))
}
