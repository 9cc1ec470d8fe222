package ui

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection/office"
)

// backupScreen takes backups of the laptop's data, restores one, and
// chooses the folder the data lives in. The buttons a role may not use
// are disabled; the keeper refuses them in the core anyway.
type backupScreen struct {
	sess *session
	keep Keeper

	folder  *widget.Entry
	nextDir *widget.Label
	next    *wrapped
	done    string // what the last action did; for tests
	backup  *widget.Button
	restore *widget.Button
	choose  *widget.Button
	move    *widget.Button
	reset   *widget.Button
	browse  *widget.Button
}

func newBackupScreen(s *session) *backupScreen {
	return &backupScreen{sess: s, keep: s.ds.Keeper}
}

func (s *backupScreen) build() fyne.CanvasObject {
	head := heading(trRaw("Sauvegarde et données"))
	if s.keep == nil {
		return container.NewPadded(container.NewVBox(head, paragraph(trRaw(
			"Les sauvegardes ne sont pas incluses dans cette version."))))
	}
	safe := container.NewVBox(s.backupPart(), widget.NewSeparator(), s.restorePart())
	folder := s.folderPart()
	cols := container.NewGridWithColumns(2, safe, folder)
	if rtl() {
		cols = container.NewGridWithColumns(2, folder, safe)
	}
	return container.NewPadded(container.NewBorder(head, nil, nil, nil, container.NewVScroll(cols)))
}

// backupPart offers a backup.
func (s *backupScreen) backupPart() fyne.CanvasObject {
	s.backup = widget.NewButtonWithIcon(tr("Créer une sauvegarde…"), theme.DocumentSaveIcon(),
		s.onBackup)
	s.backup.Importance = widget.HighImportance
	if !s.sess.svc.Can(office.ActBackup) {
		s.backup.Disable()
	}
	return container.NewVBox(heading(trRaw("Sauvegarder")), paragraph(trRaw(
		"Une sauvegarde est un seul fichier .zip : une copie cohérente des données de ce poste "+
			"et de ses pièces justificatives, avec l'empreinte SHA-256 de chaque fichier. Elle "+
			"se fait pendant le travail. Rangez-la sur un support sûr : elle contient des "+
			"données personnelles.")), startRow(s.backup))
}

// restorePart offers a restore, to administrators.
func (s *backupScreen) restorePart() fyne.CanvasObject {
	s.restore = widget.NewButtonWithIcon(tr("Restaurer une sauvegarde…"), theme.HistoryIcon(),
		s.onRestore)
	if !s.sess.svc.Can(office.ActRestore) {
		s.restore.Disable()
	}
	return container.NewVBox(heading(trRaw("Restaurer")), paragraph(trRaw(
		"La sauvegarde est d'abord vérifiée en entier (empreintes, intégrité de la base, "+
			"chaîne du journal d'audit) : une sauvegarde abîmée ou incomplète est refusée et "+
			"rien ne change. Sinon elle remplace les données de ce poste, l'ancienne base est "+
			"gardée à côté, et chacun se reconnecte. Les décisions prises depuis la sauvegarde "+
			"et pas encore synchronisées sont perdues. Réservé à l'administrateur.")),
		startRow(s.restore))
}

// folderPart shows the data folder and lets administrators choose
// another one for the next start.
func (s *backupScreen) folderPart() fyne.CanvasObject {
	d := s.keep.DataDirs()
	s.folder = widget.NewEntry()
	s.folder.SetText(d.Chosen)
	s.folder.SetPlaceHolder(d.Default)
	s.browse = widget.NewButtonWithIcon(tr("Parcourir…"), theme.FolderOpenIcon(), s.onBrowse)
	s.choose = widget.NewButtonWithIcon(tr("Utiliser ce dossier au prochain démarrage"),
		theme.ConfirmIcon(), s.onChoose)
	s.move = widget.NewButtonWithIcon(tr("Copier les données dans ce dossier et l'utiliser"),
		theme.ContentCopyIcon(), s.onMove)
	s.reset = widget.NewButtonWithIcon(tr("Revenir au dossier par défaut"), theme.ContentUndoIcon(),
		s.onReset)
	if !s.sess.svc.Can(office.ActChooseDataDir) {
		for _, w := range []fyne.Disableable{s.folder, s.browse, s.choose, s.move, s.reset} {
			w.Disable()
		}
	}
	s.next = paragraph("")
	s.nextDir = folderLabel("")
	s.showNext(d)
	return container.NewVBox(heading(trRaw("Dossier des données")),
		labelled(trRaw("En service :"), folderLabel(d.Current)),
		labelled(trRaw("Par défaut :"), folderLabel(d.Default)),
		labelled(trRaw("Au prochain démarrage :"), s.nextDir), s.next,
		paragraph(trRaw("Un autre dossier, par exemple sur un disque chiffré, sert à partir du "+
			"prochain démarrage. « Utiliser » le prend tel quel : vide, il démarre vide. "+
			"« Copier » y copie d'abord les données de ce poste, vérifiées, puis ferme la "+
			"session : relancez alors Intiqa. L'ancien dossier reste tel quel. Réservé à "+
			"l'administrateur.")),
		container.NewBorder(nil, nil, nil, s.browse, s.folder),
		// One above the other: side by side they would widen the window.
		container.NewVBox(startRow(s.choose), startRow(s.move), startRow(s.reset)))
}

// startRow lays objects out side by side from where lines start: the
// left, or the right in Arabic, where a button's icon follows its text
// as in the navigation.
func startRow(objs ...fyne.CanvasObject) fyne.CanvasObject {
	if !rtl() {
		return row(objs...)
	}
	for _, o := range objs {
		if b, ok := o.(*widget.Button); ok {
			b.IconPlacement = widget.ButtonIconTrailingText
		}
	}
	return container.NewBorder(nil, nil, nil, row(objs...))
}

// folderLabel shows a path, left to right in every language: a path is
// never drawn inside running Arabic text, whose order would break it.
func folderLabel(path string) *widget.Label {
	p := widget.NewLabelWithStyle(path, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	p.Truncation = fyne.TextTruncateEllipsis
	return p
}

// labelled shows a value after its label, from the right in Arabic.
func labelled(label string, v fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(display(label), align(), fyne.TextStyle{Bold: true})
	if rtl() {
		return container.NewBorder(nil, nil, nil, l, v)
	}
	return container.NewBorder(nil, nil, l, nil, v)
}

// nextDir is the folder the next start uses.
func nextDir(d DataDirs) string {
	if d.Chosen != "" {
		return d.Chosen
	}
	return d.Default
}

// showNext shows which folder the next start uses.
func (s *backupScreen) showNext(d DataDirs) {
	s.nextDir.SetText(nextDir(d))
	if d.Forced {
		s.next.setLogical(trRaw("Sauf si la commande de lancement donne un dossier avec --data, " +
			"comme maintenant."))
		s.next.Show()
	} else {
		s.next.Hide()
	}
}

// onBackup asks where to write the archive.
func (s *backupScreen) onBackup() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		s.backupTo(path)
	}, s.sess.win)
	d.SetFileName("intiqa-" + time.Now().Format("20060102-1504") + ".zip")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
	d.Show()
}

// backupTo writes the archive in the background, with progress and
// cancel.
func (s *backupScreen) backupTo(path string) {
	var sum BackupSummary
	s.sess.runJob(tr("Sauvegarde"), func(ctx context.Context, report func(Progress)) error {
		var err error
		sum, err = s.keep.Backup(ctx, path, report)
		return err
	}, func(err error) {
		if err != nil {
			s.sess.showError("backup", err)
			return
		}
		s.done = backupDone(sum)
		dialog.ShowInformation(tr("Sauvegarde enregistrée"), s.done, s.sess.win)
	})
}

// backupDone tells what a backup holds, and where it is.
func backupDone(sum BackupSummary) string {
	text := trRaw("Sauvegarde écrite : la base et {{.N}} pièces justificatives.",
		map[string]any{"N": formatCount(sum.Documents)})
	if sum.Missing > 0 {
		text += " " + trRaw("{{.N}} pièces pas encore téléchargées sur ce poste n'y sont pas : "+
			"la synchronisation les rapportera.", map[string]any{"N": formatCount(sum.Missing)})
	}
	return display(text) + "\n" + sum.Path
}

// onRestore asks for the archive, then for confirmation.
func (s *backupScreen) onRestore() {
	dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.confirmRestore(path)
	}, s.sess.win).Show()
}

// confirmRestore asks before restoring the archive at path.
func (s *backupScreen) confirmRestore(path string) {
	confirm(s.sess.win, tr("Restaurer une sauvegarde"), trRaw("Les données de ce poste "+
		"seront remplacées par cette sauvegarde, vérifiée d'abord ; l'ancienne base est gardée "+
		"à côté.")+"\n"+filepath.Base(path), tr("Restaurer"), func() { s.restoreFrom(path) })
}

// restoreFrom checks and restores an archive in the background; once
// the store is replaced the window opens the data again, and everybody
// signs in again.
func (s *backupScreen) restoreFrom(path string) {
	var sum BackupSummary
	var closed bool
	s.sess.runJob(tr("Restauration"), func(ctx context.Context, report func(Progress)) error {
		var err error
		sum, closed, err = s.keep.Restore(ctx, path, report)
		return err
	}, func(err error) {
		if closed {
			s.sess.shell.reopen()
		}
		if err != nil {
			s.sess.showError("restore", err)
			return
		}
		s.done = display(trRaw("Sauvegarde du {{.At}} restaurée ({{.N}} pièces justificatives). "+
			"Connectez-vous avec un compte de cette sauvegarde.", map[string]any{
			"At": sum.CreatedAt.Local().Format("02/01/2006 15:04"), "N": formatCount(sum.Documents)}))
		dialog.ShowInformation(tr("Sauvegarde restaurée"), s.done, s.sess.win)
	})
}

// onBrowse picks the folder.
func (s *backupScreen) onBrowse() {
	dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		s.folder.SetText(u.Path())
	}, s.sess.win).Show()
}

// onChoose remembers the folder typed or picked for the next start.
func (s *backupScreen) onChoose() { s.chooseDir(strings.TrimSpace(s.folder.Text)) }

// onMove asks before copying the data into the folder typed or picked.
func (s *backupScreen) onMove() {
	dir := strings.TrimSpace(s.folder.Text)
	if dir == "" {
		dialog.ShowInformation(tr("Action impossible"),
			tr("Saisissez ou choisissez d'abord le nouveau dossier."), s.sess.win)
		return
	}
	confirm(s.sess.win, tr("Copier les données"), trRaw("Les données de ce poste seront "+
		"copiées et vérifiées dans ce dossier, qui servira au prochain démarrage ; la session "+
		"se fermera ensuite.")+"\n"+dir, tr("Copier"), func() { s.moveTo(dir) })
}

// moveTo copies the data into dir in the background; once the store is
// closed the window asks to start Intiqa again.
func (s *backupScreen) moveTo(dir string) {
	var closed bool
	s.sess.runJob(tr("Copie des données"), func(ctx context.Context, report func(Progress)) error {
		var err error
		closed, err = s.keep.MoveDataDir(ctx, dir, report)
		return err
	}, func(err error) {
		if closed {
			s.sess.shell.showRestart(dir)
		}
		if err != nil {
			s.sess.showError("move data", err)
		}
	})
}

// onReset goes back to the system's default folder at the next start.
func (s *backupScreen) onReset() { s.chooseDir("") }

// chooseDir remembers dir, in the background (the folder may be on a
// slow drive), and tells which folder the next start uses.
func (s *backupScreen) chooseDir(dir string) {
	async(func() (DataDirs, error) {
		if err := s.keep.ChooseDataDir(dir); err != nil {
			return DataDirs{}, err
		}
		return s.keep.DataDirs(), nil
	}, func(d DataDirs, err error) {
		if err != nil {
			s.sess.showError("choose data folder", err)
			return
		}
		s.folder.SetText(d.Chosen)
		s.showNext(d)
		s.done = tr("Au prochain démarrage :") + "\n" + nextDir(d)
		dialog.ShowInformation(tr("Dossier des données"), s.done, s.sess.win)
	})
}
