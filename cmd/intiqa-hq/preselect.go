package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"intiqa/localdb"
	"intiqa/reports/xlsx"
	"intiqa/selection"
)

// preselectOptions are the command-line options of preselect.
type preselectOptions struct {
	src   selectionSource
	seed  string
	rules string // "" for the default rules
	out   string
	actor string
}

// runPreselect runs the pre-selection on a store or on the contract
// files, writes preselection.xlsx and, from a store, records the run in
// it.
func runPreselect(ctx context.Context, e *env, args []string) error {
	opts, err := parsePreselectFlags(args, e.stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	rules, err := loadRules(opts.rules)
	if err != nil {
		return err
	}
	in, err := loadInputs(ctx, opts.src)
	if err != nil {
		return reportInputError(e.stderr, err)
	}
	loaded := time.Now()

	p, err := selection.Preselect(selection.PreselectInput{
		Rules: rules, Seed: opts.seed, Applicants: in.applicants, Needs: in.needs})
	if err != nil {
		return fmt.Errorf("pré-sélection : %w", err)
	}
	run := p.Run
	run.ID = preselectionRunID(&run)
	run.Scope, run.StartedAt, run.CreatedBy = in.scope, start.UTC(), opts.actor
	ran := time.Since(loaded)

	if _, err := writeAtomically(opts.out, func(w io.Writer) (int, error) {
		return xlsx.WritePreselection(w, &run, p.Outcomes)
	}); err != nil {
		return fmt.Errorf("écriture de %s : %w", opts.out, err)
	}
	if opts.src.db != "" {
		if err := storeRun(ctx, opts.src.db, opts.actor, &run, p.Outcomes); err != nil {
			return err
		}
	}
	printPreselection(e.stdout, &run, p.Outcomes, opts.out, ran, time.Since(start))
	return nil
}

// parsePreselectFlags reads the options of preselect.
func parsePreselectFlags(args []string, stderr io.Writer) (preselectOptions, error) {
	var opts preselectOptions
	fs := flag.NewFlagSet("preselect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.src.db, "db", "", "base SQLite des candidats et des besoins")
	fs.StringVar(&opts.src.applicants, "applicants", "", "applicants.xlsx, au lieu de --db")
	fs.StringVar(&opts.src.needs, "needs", "", "needs.xlsx, au lieu de --db")
	fs.StringVar(&opts.seed, "seed", "", "graine publiée du tirage au sort (obligatoire)")
	fs.StringVar(&opts.rules, "rules", "", "fichier de règles JSON (par défaut, les règles livrées)")
	fs.StringVar(&opts.out, "out", "", "fichier preselection.xlsx à écrire (obligatoire)")
	fs.StringVar(&opts.actor, "actor", defaultActor(), "auteur inscrit au journal d'audit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage : intiqa-hq preselect (--db FICHIER | --applicants A.xlsx "+
			"--needs N.xlsx) --seed GRAINE [--rules FICHIER] --out preselection.xlsx")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return opts, fmt.Errorf("%w : %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return opts, fmt.Errorf("%w : argument inattendu %q", errUsage, fs.Arg(0))
	case opts.seed == "":
		return opts, fmt.Errorf("%w : --seed est obligatoire", errUsage)
	case opts.out == "":
		return opts, fmt.Errorf("%w : --out est obligatoire", errUsage)
	}
	return opts, opts.src.check()
}

// loadRules reads and validates a rules file, or returns the default
// rules when name is empty.
func loadRules(name string) (*selection.Rules, error) {
	if name == "" {
		return selection.DefaultRules(), nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("lecture des règles : %w", err)
	}
	r, err := selection.ParseRules(data)
	if err != nil {
		return nil, fmt.Errorf("%s : %w", filepath.Base(name), err)
	}
	return r, nil
}

// preselectionRunID names a run by its inputs: the same rules, seed and
// data always make the same run, stored once.
func preselectionRunID(r *selection.Run) string {
	return "pre-" + r.InputHash[:16]
}

// storeRun records the run and its outcomes in the store, unless the
// store holds it already (the same inputs, so the same outcomes).
func storeRun(ctx context.Context, path, actor string, run *selection.Run,
	outcomes []selection.Outcome) error {
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		return fmt.Errorf("ouverture de la base %s : %w", path, err)
	}
	defer db.Close()
	old, err := db.Run(ctx, run.ID)
	switch {
	case err == nil && old.OutputHash == run.OutputHash:
		return nil
	case err == nil:
		return fmt.Errorf("le run %s est déjà enregistré avec un autre résultat (%s) : "+
			"la base a peut-être été modifiée hors d'Intiqa", run.ID, old.OutputHash)
	case !errors.Is(err, localdb.ErrNotFound):
		return fmt.Errorf("lecture du run %s : %w", run.ID, err)
	}
	if err := db.SaveRun(ctx, actor, run, outcomes); err != nil {
		return fmt.Errorf("enregistrement du run %s : %w", run.ID, err)
	}
	return nil
}

// printPreselection summarizes a run: its record, then the count of each
// status.
func printPreselection(w io.Writer, run *selection.Run, outcomes []selection.Outcome,
	out string, ran, total time.Duration) {
	counts := map[selection.Status]int{}
	for _, o := range outcomes {
		counts[o.Status]++
	}
	fmt.Fprintf(w, "pré-sélection %s : %d candidats, %s communes, graine %q\n",
		run.ID, len(outcomes), run.Params["communes"], run.Seed)
	for _, s := range selection.PreselectionStatuses {
		fmt.Fprintf(w, "  %-12s %7d\n", s, counts[s])
	}
	fmt.Fprintf(w, "  règles      %s (%s)\n", run.RulesVersion, run.RulesHash)
	fmt.Fprintf(w, "  entrées     %s\n  résultat    %s\n", run.InputHash, run.OutputHash)
	fmt.Fprintf(w, "écrit dans %s (sélection %.2f s, en tout %.1f s)\n",
		out, ran.Seconds(), total.Seconds())
}

// reportInputError writes every located fault of refused input files to
// w, one per line, and returns the summary that main prints last.
func reportInputError(w io.Writer, err error) error {
	var invalid *selection.InvalidFileError
	if !errors.As(err, &invalid) || len(invalid.Errors) == 0 {
		return err
	}
	return reportImportError(w, invalid.Errors[0].File, err)
}

// verifyOptions are the command-line options of verify-run.
type verifyOptions struct {
	src    selectionSource
	result string
	rules  string
}

// errDiffers marks a verification that found a difference.
var errDiffers = errors.New("le résultat diffère de la réexécution")

// runVerifyRun reruns the pre-selection that a preselection.xlsx file
// records, from the inputs given, and checks that the rerun gives the
// same file: the same rules, inputs, outcomes and output hash.
func runVerifyRun(ctx context.Context, e *env, args []string) error {
	opts, err := parseVerifyFlags(args, e.stderr)
	if err != nil {
		return err
	}
	recorded, got, err := readResult(opts.result)
	if err != nil {
		return reportInputError(e.stderr, err)
	}
	rules, err := loadRules(opts.rules)
	if err != nil {
		return err
	}
	in, err := loadInputs(ctx, opts.src)
	if err != nil {
		return reportInputError(e.stderr, err)
	}
	p, err := selection.Preselect(selection.PreselectInput{
		Rules: rules, Seed: recorded.Seed, Applicants: in.applicants, Needs: in.needs})
	if err != nil {
		return fmt.Errorf("réexécution : %w", err)
	}
	diffs := compareRuns(recorded, &p.Run, selection.OutcomesHash(got))
	if d := p.Compare(got); d != nil {
		diffs = append(diffs, "première différence : "+d.Error())
	}
	if len(diffs) > 0 {
		for _, d := range diffs {
			fmt.Fprintln(e.stdout, d)
		}
		return errDiffers
	}
	fmt.Fprintf(e.stdout, "vérifié : %s est identique à la réexécution (%d candidats, résultat %s)\n",
		filepath.Base(opts.result), len(got), p.Run.OutputHash)
	return nil
}

// parseVerifyFlags reads the options of verify-run.
func parseVerifyFlags(args []string, stderr io.Writer) (verifyOptions, error) {
	var opts verifyOptions
	fs := flag.NewFlagSet("verify-run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.src.db, "db", "", "base SQLite des candidats et des besoins")
	fs.StringVar(&opts.src.applicants, "applicants", "", "applicants.xlsx, au lieu de --db")
	fs.StringVar(&opts.src.needs, "needs", "", "needs.xlsx, au lieu de --db")
	fs.StringVar(&opts.result, "result", "", "fichier preselection.xlsx à vérifier (obligatoire)")
	fs.StringVar(&opts.rules, "rules", "", "fichier de règles JSON (par défaut, les règles livrées)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage : intiqa-hq verify-run (--db FICHIER | --applicants A.xlsx "+
			"--needs N.xlsx) --result preselection.xlsx [--rules FICHIER]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return opts, fmt.Errorf("%w : %v", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return opts, fmt.Errorf("%w : argument inattendu %q", errUsage, fs.Arg(0))
	case opts.result == "":
		return opts, fmt.Errorf("%w : --result est obligatoire", errUsage)
	}
	return opts, opts.src.check()
}

// readResult reads a preselection.xlsx file: its run record and its
// outcomes, checked cell by cell and for applicants given twice.
func readResult(name string) (*selection.Run, []selection.Outcome, error) {
	run, err := xlsx.ReadRun(name, xlsx.DefaultLimits())
	if err != nil {
		return nil, nil, err
	}
	if run.Kind != selection.RunPreselection {
		return nil, nil, fmt.Errorf("%s : run de type %q, pas une pré-sélection",
			filepath.Base(name), run.Kind)
	}
	r, err := xlsx.OpenPreselection(name, xlsx.DefaultLimits())
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	seen := map[string]int{}
	check := func(row selection.Row[*selection.Outcome]) []*selection.FieldError {
		id := row.Value.ApplicantID
		if first, dup := seen[id]; dup && id != "" {
			return append(row.Problems, &selection.FieldError{Field: "applicant_id", Value: id,
				Problem: selection.ProblemDuplicate, Detail: fmt.Sprintf("déjà à la ligne %d", first)})
		}
		seen[id] = row.Line
		return row.Problems
	}
	outs, err := readChecked(context.Background(), r.Source(), r.Rows(), check)
	if err != nil {
		return nil, nil, err
	}
	got := make([]selection.Outcome, len(outs))
	for i, o := range outs {
		got[i] = *o
	}
	return run, got, nil
}

// compareRuns lists how a recorded run differs from its rerun: rules,
// seed-bearing inputs, and the output hash that the file's own outcomes
// must have.
func compareRuns(recorded, rerun *selection.Run, fileHash string) []string {
	var diffs []string
	if recorded.RulesHash != rerun.RulesHash {
		diffs = append(diffs, fmt.Sprintf("règles : le run a été fait avec %s (version %s), "+
			"la vérification utilise %s (version %s) : donner le même fichier par --rules",
			recorded.RulesHash, recorded.RulesVersion, rerun.RulesHash, rerun.RulesVersion))
	}
	if recorded.InputHash != rerun.InputHash {
		diffs = append(diffs, fmt.Sprintf("entrées : le run en a l'empreinte %s, "+
			"celles données ont %s : candidats, besoins, règles ou graine diffèrent",
			recorded.InputHash, rerun.InputHash))
	}
	if fileHash != recorded.OutputHash {
		diffs = append(diffs, fmt.Sprintf("résultat : les lignes du fichier ont l'empreinte %s, "+
			"sa feuille run annonce %s : le fichier a été modifié", fileHash, recorded.OutputHash))
	}
	return diffs
}

// runRules prints the shipped rules file, to publish or edit, or, with
// --check FILE, validates a rules file and prints its version and hash.
func runRules(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	check := fs.String("check", "", "fichier de règles à valider")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage : intiqa-hq rules [--check FICHIER]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w : %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w : argument inattendu %q", errUsage, fs.Arg(0))
	}
	if *check == "" {
		_, err := e.stdout.Write(selection.DefaultRulesJSON())
		return err
	}
	r, err := loadRules(*check)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "règles valides : version %s, empreinte %s\n", r.Version, r.Hash())
	return nil
}
