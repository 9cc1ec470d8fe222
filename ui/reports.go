package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// reportsScreen offers every report the reports package makes, each in
// its formats, with progress and cancel.
type reportsScreen struct {
	sess *session
}

func newReportsScreen(s *session) *reportsScreen { return &reportsScreen{sess: s} }

func (s *reportsScreen) build() fyne.CanvasObject {
	head := heading(tr("Rapports"))
	if s.sess.ds.Reports == nil {
		return container.NewPadded(container.NewVBox(head, paragraph(tr(
			"Les rapports PDF et XLSX (convocations, feuilles d'émargement, procès-verbaux, "+
				"listes des sélectionnés et d'attente, statistiques) ne sont pas inclus dans "+
				"cette version."))))
	}
	list := container.NewVBox()
	for _, r := range s.sess.ds.Reports.Reports() {
		buttons := container.NewHBox()
		for _, f := range r.Formats {
			buttons.Add(widget.NewButtonWithIcon(formatName(f), theme.DownloadIcon(),
				func() { s.onGenerate(r, f) }))
		}
		list.Add(container.NewBorder(nil, nil, nil, buttons, value(r.title())))
	}
	return container.NewPadded(container.NewBorder(head, nil, nil, nil, container.NewVScroll(list)))
}

func formatName(f string) string {
	switch f {
	case "pdf":
		return "PDF"
	case "xlsx":
		return "XLSX"
	}
	return f
}

// onGenerate asks where to save a report, then writes it in the
// background with its progress and cancel.
func (s *reportsScreen) onGenerate(r Report, format string) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		s.write(r, format, path)
	}, s.sess.win)
	d.SetFileName(fmt.Sprintf("%s-%s.%s", r.ID, time.Now().Format("20060102-1504"), format))
	d.Show()
}

// write generates a report into path, through a temporary file so that
// a cancelled or failed report leaves nothing half-written.
func (s *reportsScreen) write(r Report, format, path string) {
	s.sess.runJob(r.title(), func(ctx context.Context, report func(Progress)) error {
		tmp, err := os.CreateTemp(filepath.Dir(path), ".intiqa-report-*")
		if err != nil {
			return fmt.Errorf("create report file: %w", err)
		}
		defer os.Remove(tmp.Name())
		err = s.sess.ds.Reports.Generate(ctx, r.ID, format, tmp, report)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		return os.Rename(tmp.Name(), path)
	}, func(err error) {
		if err != nil {
			s.sess.showError("generate report", err)
			return
		}
		dialog.ShowInformation(tr("Rapport enregistré"), display(path), s.sess.win)
	})
}
