package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// welcomeScreen greets a computer that holds no store yet and offers the
// demonstration.
type welcomeScreen struct {
	onOpenDemo func()
}

func newWelcomeScreen(onOpenDemo func()) *welcomeScreen {
	return &welcomeScreen{onOpenDemo: onOpenDemo}
}

func (s *welcomeScreen) build() fyne.CanvasObject {
	// TODO(enroll): enrolling the laptop with HQ creates its real store;
	// until that issue lands only the demonstration can be opened.
	title := widget.NewLabelWithStyle(lang.L("Bienvenue dans Intiqa"),
		fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	text := widget.NewLabel(lang.L("Ce poste ne contient encore aucune donnée. " +
		"Il les recevra lors de son inscription auprès du siège. " +
		"En attendant, vous pouvez découvrir Intiqa sur une province de démonstration, " +
		"générée sans aucune personne réelle."))
	text.Wrapping = fyne.TextWrapWord
	text.Alignment = fyne.TextAlignCenter
	demo := widget.NewButtonWithIcon(lang.L("Ouvrir la démonstration"),
		theme.NavigateNextIcon(), s.onOpenDemo)
	demo.Importance = widget.HighImportance
	box := container.NewVBox(title, text, container.NewCenter(demo))
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(560, 220), box))
}

// errorScreen tells the user that the data could not be opened and what
// to do; the cause goes to the log, never to the screen.
type errorScreen struct {
	onRetry func()
}

func newErrorScreen(onRetry func()) *errorScreen {
	return &errorScreen{onRetry: onRetry}
}

func (s *errorScreen) build() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(lang.L("Les données n'ont pas pu être ouvertes"),
		fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	text := widget.NewLabel(lang.L("Réessayez. Si le problème persiste, " +
		"transmettez le journal de l'application à l'assistance du siège."))
	text.Wrapping = fyne.TextWrapWord
	text.Alignment = fyne.TextAlignCenter
	retry := widget.NewButtonWithIcon(lang.L("Réessayer"), theme.ViewRefreshIcon(), s.onRetry)
	box := container.NewVBox(widget.NewIcon(theme.ErrorIcon()), title, text,
		container.NewCenter(retry))
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(520, 200), box))
}
