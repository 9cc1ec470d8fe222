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

	"intiqa/selection/office"
)

// reportsScreen offers every report the reports package makes, each in
// its formats, with progress and cancel; a session's reports are made
// for the session picked.
type reportsScreen struct {
	sess     *session
	session  *widget.Select
	sessions []office.SessionSummary
	written  string // the last report's path; for tests
}

func newReportsScreen(s *session) *reportsScreen { return &reportsScreen{sess: s} }

func (s *reportsScreen) build() fyne.CanvasObject {
	head := heading(trRaw("Rapports"))
	if s.sess.ds.Reports == nil {
		return container.NewPadded(container.NewVBox(head, paragraph(trRaw(
			"Les rapports PDF et XLSX (convocations, feuilles d'émargement, procès-verbaux, "+
				"listes des sélectionnés et d'attente, statistiques) ne sont pas inclus dans "+
				"cette version."))))
	}
	s.session = widget.NewSelect(nil, nil)
	s.session.PlaceHolder = tr("Aucune séance")
	s.loadSessions()
	list := container.NewVBox()
	for _, r := range s.sess.ds.Reports.Reports() {
		buttons := container.NewHBox()
		for _, f := range r.Formats {
			buttons.Add(widget.NewButtonWithIcon(formatName(f), theme.DownloadIcon(),
				func() { s.onGenerate(r, f) }))
		}
		list.Add(container.NewBorder(nil, nil, nil, buttons, value(r.title())))
	}
	top := container.NewVBox(head, container.NewBorder(nil, nil,
		widget.NewLabel(tr("Séance des rapports de séance :")), nil, s.session))
	return container.NewPadded(container.NewBorder(top, nil, nil, nil, container.NewVScroll(list)))
}

// loadSessions lists the sessions a session's report may be made for.
func (s *reportsScreen) loadSessions() {
	ctx, svc := s.sess.ctx, s.sess.svc
	async(func() ([]office.SessionSummary, error) { return svc.Sessions(ctx) },
		func(list []office.SessionSummary, err error) {
			if err != nil {
				return // the session's reports then say what is missing
			}
			s.sessions = list
			var opts []string
			for _, x := range list {
				opts = append(opts, display(x.Session.StartsAt.Local().Format("02/01/2006 15:04")+
					" · "+x.Session.Place))
			}
			s.session.SetOptions(opts)
			if len(opts) > 0 {
				s.session.SetSelectedIndex(len(opts) - 1)
			}
		})
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
	req := ReportRequest{ID: r.ID, Format: format}
	if r.PerSession {
		i := s.session.SelectedIndex()
		if i < 0 || i >= len(s.sessions) {
			dialog.ShowInformation(tr("Action impossible"), tr("Choisissez d'abord une séance."),
				s.sess.win)
			return
		}
		req.SessionID = s.sessions[i].Session.ID
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		s.write(r, req, path)
	}, s.sess.win)
	d.SetFileName(fmt.Sprintf("%s-%s.%s", r.ID, time.Now().Format("20060102-1504"), format))
	d.Show()
}

// write generates a report into path, through a temporary file so that
// a cancelled or failed report leaves nothing half-written.
func (s *reportsScreen) write(r Report, req ReportRequest, path string) {
	s.sess.runJob(r.title(), func(ctx context.Context, report func(Progress)) error {
		tmp, err := os.CreateTemp(filepath.Dir(path), ".intiqa-report-*")
		if err != nil {
			return fmt.Errorf("create report file: %w", err)
		}
		defer os.Remove(tmp.Name())
		err = s.sess.ds.Reports.Generate(ctx, req, tmp, report)
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
		s.written = path
		dialog.ShowInformation(tr("Rapport enregistré"), display(path), s.sess.win)
	})
}
