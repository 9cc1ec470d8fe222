package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"intiqa/localdb"
	"intiqa/reports"
	"intiqa/reports/pdf"
	"intiqa/reports/xlsx"
	"intiqa/selection"
)

// reportKinds lists the reports of "intiqa-hq report", with what they
// need.
var reportKinds = []struct {
	name, summary string
}{
	{"convocations", "liste des convocations d'une session (--session)"},
	{"attendance", "feuille de présence d'une session, à signer (--session)"},
	{"minutes", "procès-verbal du jury d'une session (--session, --rubric)"},
	{"selected", "candidats retenus par commune et poste (--run, ou celle en vigueur de --scope)"},
	{"waiting", "listes d'attente par commune (--run, ou celle en vigueur de --scope)"},
	{"reviews", "état de l'examen des pièces justificatives"},
	{"stats", "statistiques de la nation, d'une région ou d'une province (--scope)"},
	{"template", "modèle d'import applicants|needs|training, avec ses colonnes expliquées"},
}

// reportOptions are the command-line options of report.
type reportOptions struct {
	kind    string
	db      string
	session string
	run     string
	rubric  string
	scope   string
	date    time.Time
	out     string
	format  string // "pdf" or "xlsx", from out's extension
	arg     string // template: the contract file
}

// runReport writes one report to a PDF or XLSX file.
func runReport(ctx context.Context, e *env, args []string) error {
	opts, err := parseReportFlags(args, e.stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	if opts.kind == "template" {
		kind, _ := xlsx.ParseKind(opts.arg)
		_, err := writeAtomically(opts.out, func(w io.Writer) (int, error) {
			return 0, xlsx.WriteTemplate(w, kind)
		})
		if err != nil {
			return fmt.Errorf("écriture de %s : %w", opts.out, err)
		}
		fmt.Fprintf(e.stdout, "report : modèle %s écrit dans %s\n", kind, opts.out)
		return nil
	}
	if _, err := os.Stat(opts.db); err != nil {
		return fmt.Errorf("base %s introuvable : %w", opts.db, err)
	}
	db, err := localdb.Open(ctx, opts.db, localdb.Options{})
	if err != nil {
		return fmt.Errorf("ouverture de la base %s : %w", opts.db, err)
	}
	defer db.Close()
	rows, err := writeReport(ctx, db, opts)
	if err != nil {
		return err
	}
	e.log.Info("report written", "report", opts.kind, "rows", rows,
		"seconds", time.Since(start).Seconds())
	fmt.Fprintf(e.stdout, "report : %s, %d lignes, écrit dans %s (%.1f s)\n", opts.kind, rows,
		opts.out, time.Since(start).Seconds())
	return nil
}

// parseReportFlags reads "KIND [options] OUT.pdf|OUT.xlsx".
func parseReportFlags(args []string, stderr io.Writer) (reportOptions, error) {
	var opts reportOptions
	var date string
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.db, "db", "", "base SQLite à lire (obligatoire, sauf pour template)")
	fs.StringVar(&opts.session, "session", "", "identifiant de la session d'entretien")
	fs.StringVar(&opts.run, "run", "", "identifiant de l'exécution de la sélection finale")
	fs.StringVar(&opts.rubric, "rubric", "",
		"version de la grille d'entretien (par défaut la dernière)")
	fs.StringVar(&opts.scope, "scope", "", "stats : code de région (09) ou de province (09.163) ; "+
		"par défaut la portée de la base. selected, waiting : province (09.163) dont la "+
		"sélection finale en vigueur est imprimée, sans --run")
	fs.StringVar(&date, "date", "", "date imprimée, AAAA-MM-JJ (par défaut aujourd'hui)")
	fs.Usage = func() { reportUsage(stderr, fs) }
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return opts, fmt.Errorf("%w : %v", errUsage, err)
	}
	if len(pos) == 0 || !knownReport(pos[0]) {
		reportUsage(stderr, fs)
		return opts, fmt.Errorf("%w : type de rapport attendu en premier argument", errUsage)
	}
	opts.kind, pos = pos[0], pos[1:]
	if opts.kind == "template" {
		if len(pos) != 2 {
			return opts, fmt.Errorf("%w : template applicants|needs|training SORTIE.xlsx", errUsage)
		}
		if _, ok := xlsx.ParseKind(pos[0]); !ok {
			return opts, fmt.Errorf("%w : %q : applicants, needs ou training attendu",
				errUsage, pos[0])
		}
		opts.arg, pos = pos[0], pos[1:]
	}
	if len(pos) != 1 {
		return opts, fmt.Errorf("%w : un seul fichier de sortie attendu", errUsage)
	}
	opts.out = pos[0]
	return opts, opts.check(date)
}

// check validates the options once parsed.
func (o *reportOptions) check(date string) error {
	o.format = strings.TrimPrefix(strings.ToLower(filepath.Ext(o.out)), ".")
	switch {
	case o.format != "pdf" && o.format != "xlsx":
		return fmt.Errorf("%w : %s : le fichier de sortie doit finir par .pdf ou .xlsx",
			errUsage, o.out)
	case o.kind == "template" && o.format != "xlsx":
		return fmt.Errorf("%w : un modèle d'import s'écrit en .xlsx", errUsage)
	case o.kind != "template" && o.db == "":
		return fmt.Errorf("%w : --db est obligatoire", errUsage)
	case needsSession(o.kind) && o.session == "":
		return fmt.Errorf("%w : --session est obligatoire pour %s", errUsage, o.kind)
	}
	o.date = time.Now().UTC()
	if date != "" {
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return fmt.Errorf("%w : --date %q : AAAA-MM-JJ attendu", errUsage, date)
		}
		o.date = d
	}
	return nil
}

func needsSession(kind string) bool {
	return kind == "convocations" || kind == "attendance" || kind == "minutes"
}

func knownReport(name string) bool {
	for _, k := range reportKinds {
		if k.name == name {
			return true
		}
	}
	return false
}

func reportUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "usage : intiqa-hq report RAPPORT --db FICHIER [options] SORTIE.pdf|SORTIE.xlsx")
	fmt.Fprintln(w, "        intiqa-hq report template applicants|needs|training SORTIE.xlsx")
	fmt.Fprintln(w, "rapports :")
	for _, k := range reportKinds {
		fmt.Fprintf(w, "  %-13s %s\n", k.name, k.summary)
	}
	fs.PrintDefaults()
}

// writeReport builds the report of opts from db and writes it to its
// file, returning its number of rows.
func writeReport(ctx context.Context, db *localdb.DB, opts reportOptions) (int, error) {
	if opts.kind == "stats" {
		return writeStatistics(ctx, db, opts)
	}
	r, err := buildReport(ctx, db, opts)
	if err != nil {
		return 0, err
	}
	_, err = writeAtomically(opts.out, func(w io.Writer) (int, error) {
		if opts.format == "xlsx" {
			return xlsx.WriteReport(w, r)
		}
		return r.RowCount(), pdf.Write(w, r)
	})
	if err != nil {
		return 0, fmt.Errorf("écriture de %s : %w", opts.out, err)
	}
	return r.RowCount(), nil
}

// buildReport builds a list report of opts.
func buildReport(ctx context.Context, db *localdb.DB, opts reportOptions) (*reports.Report, error) {
	var r *reports.Report
	var err error
	switch opts.kind {
	case "convocations":
		r, err = reports.Convocations(ctx, db, opts.session, opts.date)
	case "attendance":
		r, err = reports.Attendance(ctx, db, opts.session, opts.date)
	case "minutes":
		var rubric *selection.Rubric
		if rubric, err = readRubric(ctx, db, opts.rubric); err == nil {
			r, err = reports.Minutes(ctx, db, opts.session, rubric, opts.date)
		}
	case "selected", "waiting":
		var run string
		if run, err = finalRunID(ctx, db, opts.run, opts.scope); err == nil && opts.kind == "selected" {
			r, err = reports.Selected(ctx, db, run, opts.date)
		} else if err == nil {
			r, err = reports.Waiting(ctx, db, run, opts.date)
		}
	case "reviews":
		r, err = reports.Reviews(ctx, db, opts.date)
	}
	if err != nil {
		return nil, reportError(ctx, db, opts, err)
	}
	return r, nil
}

// writeStatistics writes the statistics of opts' scope.
func writeStatistics(ctx context.Context, db *localdb.DB, opts reportOptions) (int, error) {
	scope := opts.scope
	if scope == "" {
		scope = db.Scope()
	}
	s, err := reports.BuildStatistics(ctx, db, scope,
		selection.DefaultRules().Preselection.QuotaMultiplier, opts.date)
	if err != nil {
		return 0, reportError(ctx, db, opts, err)
	}
	_, err = writeAtomically(opts.out, func(w io.Writer) (int, error) {
		if opts.format == "xlsx" {
			return len(s.Areas), xlsx.WriteStatistics(w, s)
		}
		return len(s.Areas), pdf.WriteStatistics(w, s)
	})
	if err != nil {
		return 0, fmt.Errorf("écriture de %s : %w", opts.out, err)
	}
	return len(s.Areas), nil
}

// readRubric returns the rubric of the given version, or the latest.
func readRubric(ctx context.Context, db *localdb.DB, version string) (*selection.Rubric, error) {
	if version == "" {
		return db.LatestRubric(ctx)
	}
	return db.Rubric(ctx, version)
}

// finalRunID returns the given run; else the final selection in force in
// the province given as scope; else the latest final selection, those
// in force in their province first.
func finalRunID(ctx context.Context, db *localdb.DB, id, scope string) (string, error) {
	if id != "" {
		return id, nil
	}
	if scope != "" {
		run, err := db.FinalRunInForce(ctx, scope)
		if errors.Is(err, selection.ErrNotFound) {
			return "", fmt.Errorf("%w pour la province %q", errNoFinalRun, scope)
		}
		return run, err
	}
	run, err := db.LatestRun(ctx, selection.RunFinal)
	if errors.Is(err, selection.ErrNotFound) {
		return "", errNoFinalRun
	}
	if err != nil {
		return "", err
	}
	return run.ID, nil
}

// errNoFinalRun is returned when a list of a final selection is asked of
// a store that holds none.
var errNoFinalRun = errors.New("aucune sélection finale dans la base")

// reportError says in French what went wrong and what to do.
func reportError(ctx context.Context, db *localdb.DB, opts reportOptions, err error) error {
	switch {
	case errors.Is(err, errNoFinalRun):
		return fmt.Errorf("%s : lancez d'abord la sélection finale, ou indiquez --run", err)
	case errors.Is(err, reports.ErrWrongRun):
		return fmt.Errorf("l'exécution %s n'est pas une sélection finale", opts.run)
	case errors.Is(err, reports.ErrUnknownScope):
		return fmt.Errorf("--scope %q : ni une région ni une province", opts.scope)
	case errors.Is(err, selection.ErrNotFound) && needsSession(opts.kind):
		return fmt.Errorf("session %q introuvable (sessions de la base : %s)", opts.session,
			sessionList(ctx, db))
	case errors.Is(err, selection.ErrNotFound) && opts.run != "":
		return fmt.Errorf("exécution de sélection %q introuvable dans la base", opts.run)
	case errors.Is(err, selection.ErrNotFound):
		return fmt.Errorf("donnée introuvable dans la base (%v)", err)
	}
	return fmt.Errorf("rapport %s : %w", opts.kind, err)
}

// sessionList names the store's sessions, for an error message.
func sessionList(ctx context.Context, db *localdb.DB) string {
	ss, err := db.Sessions(ctx)
	if err != nil || len(ss) == 0 {
		return "aucune"
	}
	var ids []string
	for _, s := range ss {
		ids = append(ids, s.ID)
	}
	return strings.Join(ids, ", ")
}
