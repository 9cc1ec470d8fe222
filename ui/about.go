package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"intiqa/assets"
)

// aboutBox tells which Intiqa this is: its version (assets.Version, the
// one the packages carry), the data folder in use, and the credits the
// licences ask for.
type aboutBox struct {
	dataDir string
	dlg     dialog.Dialog
	visible bool
}

func newAboutBox(dataDir string) *aboutBox { return &aboutBox{dataDir: dataDir} }

func (a *aboutBox) build() fyne.CanvasObject {
	version := widget.NewLabelWithStyle(display(trRaw("Version {{.Version}}",
		map[string]any{"Version": assets.Version})), align(), fyne.TextStyle{Bold: true})
	dir := a.dataDir
	if dir == "" {
		dir = "—"
	}
	folder := widget.NewLabelWithStyle(dir, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	folder.Wrapping = fyne.TextWrapBreak
	return container.NewVBox(
		container.NewHBox(appTitle()),
		paragraph(trRaw("Sélection du personnel de terrain du recensement : équitable, "+
			"transparente, chaque commune pourvue.")),
		version,
		heading(trRaw("Dossier des données")), folder,
		heading(trRaw("Sources et licences")),
		// NOTE: the credit is a licence term, shown verbatim in French.
		caption(creditLine),
		caption(trRaw("Polices DejaVu Sans : licence Bitstream Vera ; les modifications de "+
			"DejaVu sont dans le domaine public.")),
	)
}

// show opens the box over win.
func (a *aboutBox) show(win fyne.Window) {
	a.dlg = dialog.NewCustom(tr("À propos d'Intiqa"), tr("Fermer"), a.build(), win)
	a.dlg.Resize(fyne.NewSize(560, 440))
	a.dlg.SetOnClosed(func() { a.visible = false })
	a.visible = true
	a.dlg.Show()
}

// shown reports whether the box is on the window.
func (a *aboutBox) shown() bool {
	return a.dlg != nil && a.visible
}
