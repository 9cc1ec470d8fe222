package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"

	"intiqa/selection/office"
)

// statusBar always shows the exchanges with headquarters: pending
// changes, the last sync, conflicts and downloads, with a button to
// sync now.
type statusBar struct {
	sess    *session
	state   *widget.Label
	files   *widget.ProgressBar
	syncNow *widget.Button
}

func newStatusBar(s *session) *statusBar { return &statusBar{sess: s} }

func (b *statusBar) build() fyne.CanvasObject {
	b.state = widget.NewLabel("")
	b.state.Truncation = fyne.TextTruncateEllipsis
	b.files = widget.NewProgressBar()
	b.files.Hide()
	b.syncNow = widget.NewButtonWithIcon(tr("Synchroniser"), theme.ViewRefreshIcon(), b.onSyncNow)
	if b.sess.ds.Sync == nil || !b.sess.svc.Can(office.ActSync) {
		b.syncNow.Disable()
	}
	b.refresh()
	right := container.NewHBox(container.NewGridWrap(fyne.NewSize(160, 20), b.files), b.syncNow)
	if rtl() {
		return container.NewPadded(container.NewBorder(nil, nil, right, nil, b.state))
	}
	return container.NewPadded(container.NewBorder(nil, nil, nil, right, b.state))
}

// refresh shows the sync client's current state.
func (b *statusBar) refresh() {
	if b.sess.ds.Sync == nil {
		text := trRaw("Synchronisation indisponible dans cette version : les décisions " +
			"restent enregistrées sur ce poste.")
		if b.sess.ds.Demo {
			text = trRaw("Démonstration : ce poste ne se synchronise pas avec le siège. " +
				"Toutes les décisions restent sur ce poste.")
		}
		if b.sess.ds.Pending != nil {
			text = trRaw("Modifications en attente : {{.Pending}}",
				map[string]any{"Pending": formatCount(b.sess.ds.Pending())}) + " · " + text
		}
		b.state.SetText(display(text))
		return
	}
	st := b.sess.ds.Sync.State()
	b.state.SetText(display(syncSummary(st)))
	if st.FilesTotal > 0 && st.FilesDone < st.FilesTotal {
		b.files.Max = float64(st.FilesTotal)
		b.files.SetValue(float64(st.FilesDone))
		b.files.Show()
	} else {
		b.files.Hide()
	}
}

// syncSummary puts a sync state in words.
func syncSummary(st SyncState) string {
	last := trRaw("jamais")
	if !st.LastSync.IsZero() {
		last = st.LastSync.Local().Format("02/01/2006 15:04")
	}
	text := trRaw("Modifications en attente : {{.Pending}} · Dernière synchronisation : {{.Last}}",
		map[string]any{"Pending": formatCount(st.Pending), "Last": last})
	if st.Conflicts > 0 {
		text += " · " + trRaw("Conflits à résoudre : {{.N}}", map[string]any{"N": st.Conflicts})
	}
	if st.FilesTotal > 0 && st.FilesDone < st.FilesTotal {
		text += " · " + trRaw("Pièces téléchargées : {{.Done}} / {{.Total}}",
			map[string]any{"Done": formatCount(st.FilesDone), "Total": formatCount(st.FilesTotal)})
	}
	if st.Running {
		text += " · " + trRaw("synchronisation en cours")
	}
	if st.Failed {
		text += " · " + trRaw("la dernière tentative a échoué : vérifiez le réseau, puis réessayez")
	}
	return text
}

// onSyncNow runs a sync with its progress and cancel.
func (b *statusBar) onSyncNow() {
	if b.sess.ds.Sync == nil {
		return
	}
	b.syncNow.Disable()
	b.sess.runJob(tr("Synchronisation avec le siège"), func(ctx context.Context,
		report func(Progress)) error {
		return b.sess.ds.Sync.SyncNow(ctx, report)
	}, func(err error) {
		b.syncNow.Enable()
		b.refresh()
		if err != nil {
			b.sess.showError("sync", err)
		}
	})
}

// syncScreen shows the sync state in full and the queue of conflicts a
// supervisor resolves.
type syncScreen struct {
	sess      *session
	done      string // what the last export or import did; for tests
	state     *wrapped
	identity  *wrapped
	conflicts *fyne.Container
}

func newSyncScreen(s *session) *syncScreen { return &syncScreen{sess: s} }

func (s *syncScreen) build() fyne.CanvasObject {
	s.state = paragraph("")
	s.conflicts = container.NewVBox()
	if s.sess.ds.Sync == nil {
		s.state.setLogical(trRaw("Ce poste ne se synchronise pas : il travaille sur des données de " +
			"démonstration, ou le client de synchronisation n'est pas inclus dans cette version. " +
			"Les décisions restent enregistrées sur ce poste, dans le journal d'audit chaîné."))
		return container.NewPadded(container.NewVBox(heading(trRaw("Synchronisation")), s.state))
	}
	s.state.setLogical(syncSummary(s.sess.ds.Sync.State()))
	s.identity = caption("")
	s.loadIdentity()
	s.loadConflicts()
	export := widget.NewButtonWithIcon(tr("Exporter les décisions vers une clé USB"),
		theme.UploadIcon(), s.onExport)
	imp := widget.NewButtonWithIcon(tr("Importer un paquet du siège"), theme.DownloadIcon(),
		s.onImport)
	if !s.sess.svc.Can(office.ActSync) {
		export.Disable()
		imp.Disable()
	}
	usb := container.NewVBox(heading(trRaw("Sans réseau")), paragraph(trRaw("Un paquet signé "+
		"porte les mêmes échanges sur une clé USB : exportez les décisions de ce poste pour le "+
		"siège, puis importez le paquet de réponse qu'il vous remet.")),
		container.NewHBox(export, imp))
	return container.NewPadded(container.NewBorder(
		container.NewVBox(heading(trRaw("Synchronisation")), s.state, s.identity, usb,
			heading(trRaw("Conflits à résoudre"))), nil, nil, nil,
		container.NewVScroll(s.conflicts)))
}

// loadIdentity shows, in the background, how headquarters knows this
// laptop: what an operator compares with headquarters' list of tokens.
func (s *syncScreen) loadIdentity() {
	ctx := s.sess.ctx
	async(func() (SyncIdentity, error) { return s.sess.ds.Sync.Identity(ctx) },
		func(id SyncIdentity, err error) {
			if err != nil {
				s.sess.showError("sync identity", err)
				return
			}
			s.identity.setLogical(identityText(id))
		})
}

// identityText puts a laptop's identity at headquarters in words.
func identityText(id SyncIdentity) string {
	args := map[string]any{"Token": id.TokenID, "Province": id.Province, "Key": id.Key}
	if id.Key == "" {
		return trRaw("Identité auprès du siège : jeton {{.Token}} · province {{.Province}} · "+
			"clé de signature des paquets pas encore enregistrée : elle le sera à la prochaine "+
			"synchronisation par le réseau", args)
	}
	return trRaw("Identité auprès du siège : jeton {{.Token}} · province {{.Province}} · "+
		"clé de signature des paquets {{.Key}} (à comparer avec « intiqa-hq token list » "+
		"au siège)", args)
}

// loadConflicts lists the conflicts in the background.
func (s *syncScreen) loadConflicts() {
	ctx := s.sess.ctx
	async(func() ([]Conflict, error) { return s.sess.ds.Sync.Conflicts(ctx) },
		func(cs []Conflict, err error) {
			if err != nil {
				s.sess.showError("list conflicts", err)
				return
			}
			s.conflicts.Objects = nil
			if len(cs) == 0 {
				s.conflicts.Add(paragraph(trRaw("Aucun conflit.")))
			}
			for _, c := range cs {
				s.conflicts.Add(s.conflictRow(c))
			}
			s.conflicts.Refresh()
		})
}

// conflictRow shows one conflict with its two decisions.
func (s *syncScreen) conflictRow(c Conflict) fyne.CanvasObject {
	what := decisionKindLabel(c.What)
	text := fmt.Sprintf("%s · %s — %s : %s · %s (%s, %s) : %s", c.ApplicantID, what,
		trRaw("ce poste"), c.Local, trRaw("autre poste"), c.RemoteBy,
		c.RemoteAt.Local().Format(time.DateTime), c.Remote)
	var body fyne.CanvasObject = value(display(text))
	switch {
	case c.Review != nil:
		body = reviewConflictView(c.Review)
	case c.Final != nil:
		body = container.NewVBox(paragraph(finalConflictText(c.Final)),
			caption(trRaw("Une seule sélection finale vaut pour la province. Garder celle de "+
				"ce poste la fait remplacer l'autre, au siège puis sur les autres postes ; "+
				"garder l'autre retire celle de ce poste, avec les désistements enregistrés "+
				"dessus.")))
	}
	keep := widget.NewButton(tr("Garder la décision de ce poste"), func() { s.onResolve(c.ID, true) })
	take := widget.NewButton(tr("Garder l'autre décision"), func() { s.onResolve(c.ID, false) })
	if !s.sess.svc.Can(office.ActResolveConflicts) {
		keep.Disable()
		take.Disable()
	}
	if c.Reason != "" {
		// Refused outright: it can only be given up; the reason shows
		// whole, under the decision.
		keep.Disable()
		text = fmt.Sprintf("%s · %s — %s : %s", c.ApplicantID, what, trRaw("ce poste"), c.Local)
		return container.NewBorder(nil, nil, nil, container.NewHBox(keep, take),
			container.NewVBox(value(display(text)),
				paragraph(trRaw("refusé par le siège")+" : "+c.Reason)))
	}
	return container.NewBorder(nil, nil, nil, container.NewHBox(keep, take), body)
}

// reviewConflictView puts a conflict on a document's review in words:
// whose document, which one, and the two verdicts.
func reviewConflictView(r *ReviewConflict) fyne.CanvasObject {
	head := r.ApplicantID
	if r.Name != "" {
		head = r.Name + " (" + r.ApplicantID + ")"
	}
	head += " · " + kindLabel(r.Document)
	return container.NewVBox(paragraph(head), arabicLabel(r.NameAR),
		paragraph(trRaw("ce poste")+" : "+reviewText(r.Local)+" · "+trRaw("autre poste")+" : "+
			reviewText(r.Remote)))
}

// reviewText describes one verdict of a review conflict.
func reviewText(v selection.Review) string {
	verdict := verdictLabel(v.Verdict)
	if v.Reason != "" {
		verdict += " (" + reasonLabel(v.Reason) + ")"
	}
	return trRaw("{{.Verdict}}, par {{.By}} le {{.At}}", map[string]any{"Verdict": verdict,
		"By": v.Reviewer, "At": v.ReviewedAt.Local().Format("02/01/2006 15:04")})
}

// finalConflictText puts a conflict on the province's final selection in
// words: the two runs.
func finalConflictText(f *FinalConflict) string {
	return trRaw("Sélection finale de la province") + " — " + trRaw("ce poste") + " : " +
		finalRunText(f.Local) + " · " + trRaw("autre poste") + " : " + finalRunText(f.Remote)
}

// finalRunText describes one final selection run of a conflict.
func finalRunText(r FinalRun) string {
	data := map[string]any{"By": r.By, "At": r.At.Local().Format("02/01/2006 15:04"),
		"Selected": formatCount(r.Selected), "Waiting": formatCount(r.Waiting)}
	if r.Selected < 0 {
		return trRaw("lancée par {{.By}} le {{.At}}", data)
	}
	return trRaw("lancée par {{.By}} le {{.At}} (sélectionnés : {{.Selected}}, "+
		"liste d'attente : {{.Waiting}})", data)
}

// onResolve settles a conflict and reloads the queue.
func (s *syncScreen) onResolve(id string, keepLocal bool) {
	ctx := s.sess.ctx
	async(func() (struct{}, error) {
		return struct{}{}, s.sess.ds.Sync.Resolve(ctx, id, keepLocal)
	}, func(_ struct{}, err error) {
		if err != nil {
			s.sess.showError("resolve conflict", err)
		}
		s.loadConflicts()
	})
}

// onExport asks where to write the bundle of pending decisions.
func (s *syncScreen) onExport() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		s.exportTo(path)
	}, s.sess.win)
	d.SetFileName("intiqa-" + time.Now().Format("20060102-1504") + ".bundle")
	d.Show()
}

// exportTo writes the bundle of pending decisions to path, through a
// temporary file, in the background.
func (s *syncScreen) exportTo(path string) {
	var n int
	s.sess.runJob(tr("Export des décisions"), func(ctx context.Context, report func(Progress)) error {
		report(Progress{Step: StepSync})
		var err error
		n, err = writeAtomically(path, func(w io.Writer) (int, error) {
			return s.sess.ds.Sync.ExportBundle(ctx, w)
		})
		return err
	}, func(err error) {
		if err != nil {
			s.sess.showError("export bundle", err)
			return
		}
		s.done = tr("{{.N}} décisions exportées dans {{.Path}}.",
			map[string]any{"N": formatCount(n), "Path": path})
		dialog.ShowInformation(tr("Paquet écrit"), s.done, s.sess.win)
	})
}

// onImport asks for the bundle headquarters wrote for this laptop.
func (s *syncScreen) onImport() {
	dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.importFrom(path)
	}, s.sess.win).Show()
}

// importFrom applies a bundle file in the background.
func (s *syncScreen) importFrom(path string) {
	var res BundleResult
	s.sess.runJob(tr("Import du paquet du siège"), func(ctx context.Context, report func(Progress)) error {
		report(Progress{Step: StepSync})
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("open bundle: %w", err)
		}
		defer f.Close()
		res, err = s.sess.ds.Sync.ImportBundle(ctx, f)
		return err
	}, func(err error) {
		if err != nil {
			s.sess.showError("import bundle", err)
			return
		}
		s.done = tr("{{.Answers}} réponses du siège et {{.Changes}} changements de la province appliqués.",
			map[string]any{"Answers": formatCount(res.Answers), "Changes": formatCount(res.Changes)})
		dialog.ShowInformation(tr("Paquet importé"), s.done, s.sess.win)
		s.state.setLogical(syncSummary(s.sess.ds.Sync.State()))
		s.loadConflicts()
	})
}

// writeAtomically writes a file through a temporary one beside it, so
// that a failed or cancelled write leaves nothing behind.
func writeAtomically(path string, write func(io.Writer) (int, error)) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".intiqa-*")
	if err != nil {
		return 0, fmt.Errorf("create file: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return n, os.Rename(tmp.Name(), path)
}
