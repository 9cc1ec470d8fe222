package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// restartScreen asks the user to start Intiqa again once the data has
// been copied to another folder: the store is closed, so that no work
// goes on in the old folder.
type restartScreen struct {
	dir    string
	onQuit func()
}

func newRestartScreen(dir string, onQuit func()) *restartScreen {
	return &restartScreen{dir: dir, onQuit: onQuit}
}

func (s *restartScreen) build() fyne.CanvasObject {
	quit := widget.NewButtonWithIcon(tr("Fermer Intiqa"), theme.LogoutIcon(), s.onQuit)
	quit.Importance = widget.HighImportance
	text := paragraph(trRaw("Les données de ce poste sont copiées et vérifiées dans le dossier " +
		"ci-dessous, qu'Intiqa ouvrira au prochain démarrage. L'ancien dossier reste tel " +
		"quel ; il contient des données personnelles : effacez-le une fois le nouveau " +
		"vérifié."))
	// The text takes the room left between the title and the folder: it
	// wraps only once laid out.
	card := container.NewBorder(heading(trRaw("Relancez Intiqa")),
		container.NewVBox(folderLabel(s.dir), container.NewCenter(quit)), nil, nil, text)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(560, 220), card))
}

// showRestart ends the session once the store is closed, and asks to
// start Intiqa again on the new data folder.
func (s *Shell) showRestart(dir string) {
	s.stopIdleWatch()
	s.frame, s.locked, s.ds, s.sess = nil, false, nil, nil
	s.show("restart", newRestartScreen(dir, func() { fyne.CurrentApp().Quit() }).build())
}
