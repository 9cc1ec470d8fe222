package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"intiqa/localdb"
	"intiqa/reports"
	"intiqa/reports/pdf"
	"intiqa/reports/xlsx"
	"intiqa/selection"
	"intiqa/selection/office"
	"intiqa/ui"
)

// reporter makes the reports of package reports from the laptop's store,
// for the window's Reports menu.
type reporter struct {
	db  *localdb.DB
	svc *office.Service
	now func() time.Time
}

var _ ui.Reporter = (*reporter)(nil)

// errNoFinal is returned for a list of the final selection before any.
var errNoFinal = errors.New("no committed final selection")

// laptopReports are the reports a province laptop makes, with their
// titles in the window's languages.
var laptopReports = []ui.Report{
	{ID: "convocations", PerSession: true, Formats: []string{"pdf", "xlsx"},
		Titles: map[string]string{"fr": "Liste des convocations de la séance",
			"ar": "لائحة استدعاءات الحصة", "en": "Session convocation list"}},
	{ID: "attendance", PerSession: true, Formats: []string{"pdf", "xlsx"},
		Titles: map[string]string{"fr": "Feuille d'émargement de la séance",
			"ar": "ورقة توقيع الحضور للحصة", "en": "Session attendance sheet"}},
	{ID: "minutes", PerSession: true, Formats: []string{"pdf", "xlsx"},
		Titles: map[string]string{"fr": "Procès-verbal du jury de la séance",
			"ar": "محضر لجنة الحصة", "en": "Panel minutes of the session"}},
	{ID: "selected", Formats: []string{"pdf", "xlsx"},
		Titles: map[string]string{"fr": "Candidats sélectionnés par commune",
			"ar": "المترشحون المنتقون حسب الجماعة", "en": "Selected candidates by commune"}},
	{ID: "waiting", Formats: []string{"pdf", "xlsx"},
		Titles: map[string]string{"fr": "Listes d'attente par commune",
			"ar": "لوائح الانتظار حسب الجماعة", "en": "Waiting lists by commune"}},
	{ID: "reviews", Formats: []string{"pdf", "xlsx"},
		Titles: map[string]string{"fr": "État de l'examen des pièces justificatives",
			"ar": "وضعية فحص الوثائق المثبتة", "en": "Document review status"}},
	{ID: "stats", Formats: []string{"pdf", "xlsx"},
		Titles: map[string]string{"fr": "Statistiques de la province",
			"ar": "إحصائيات الإقليم", "en": "Province statistics"}},
}

// Reports lists the reports on offer.
func (r *reporter) Reports() []ui.Report { return laptopReports }

// Generate builds one report from the store and writes it in its
// format; the role's right to print is checked first.
func (r *reporter) Generate(ctx context.Context, req ui.ReportRequest, w io.Writer,
	progress func(ui.Progress)) error {
	if _, err := r.svc.Authorize(office.ActPrintReports); err != nil {
		return err
	}
	progress(ui.Progress{Step: ui.StepReport, Done: 0, Total: 2})
	if req.ID == "stats" {
		return r.statistics(ctx, req.Format, w, progress)
	}
	rep, err := r.build(ctx, req)
	if err != nil {
		return fmt.Errorf("build report %s: %w", req.ID, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	progress(ui.Progress{Step: ui.StepReport, Done: 1, Total: 2})
	if req.Format == "xlsx" {
		_, err = xlsx.WriteReport(w, rep)
	} else {
		err = pdf.Write(w, rep)
	}
	if err != nil {
		return fmt.Errorf("write report %s: %w", req.ID, err)
	}
	progress(ui.Progress{Step: ui.StepReport, Done: 2, Total: 2})
	return nil
}

// build builds a list report.
func (r *reporter) build(ctx context.Context, req ui.ReportRequest) (*reports.Report, error) {
	printed := r.now()
	switch req.ID {
	case "convocations":
		return reports.Convocations(ctx, r.db, req.SessionID, printed)
	case "attendance":
		return reports.Attendance(ctx, r.db, req.SessionID, printed)
	case "minutes":
		rubric, err := r.db.LatestRubric(ctx)
		if errors.Is(err, localdb.ErrNotFound) {
			rubric, err = selection.DefaultRubric(), nil
		}
		if err != nil {
			return nil, err
		}
		return reports.Minutes(ctx, r.db, req.SessionID, rubric, printed)
	case "selected", "waiting":
		run, err := r.db.LatestRun(ctx, selection.RunFinal)
		if errors.Is(err, localdb.ErrNotFound) {
			return nil, errNoFinal
		}
		if err != nil {
			return nil, err
		}
		if req.ID == "selected" {
			return reports.Selected(ctx, r.db, run.ID, printed)
		}
		return reports.Waiting(ctx, r.db, run.ID, printed)
	case "reviews":
		return reports.Reviews(ctx, r.db, printed)
	}
	return nil, fmt.Errorf("report %q: %w", req.ID, selection.ErrNotFound)
}

// statistics writes the province's statistics.
func (r *reporter) statistics(ctx context.Context, format string, w io.Writer,
	progress func(ui.Progress)) error {
	s, err := reports.BuildStatistics(ctx, r.db, r.db.Scope(),
		selection.DefaultRules().Preselection.QuotaMultiplier, r.now())
	if err != nil {
		return fmt.Errorf("build statistics: %w", err)
	}
	progress(ui.Progress{Step: ui.StepReport, Done: 1, Total: 2})
	if format == "xlsx" {
		err = xlsx.WriteStatistics(w, s)
	} else {
		err = pdf.WriteStatistics(w, s)
	}
	if err != nil {
		return fmt.Errorf("write statistics: %w", err)
	}
	progress(ui.Progress{Step: ui.StepReport, Done: 2, Total: 2})
	return nil
}
