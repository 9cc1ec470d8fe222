package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"intiqa/localdb"
	"intiqa/reports/xlsx"
)

// exportOptions are the command-line options of export.
type exportOptions struct {
	db   string
	kind xlsx.Kind
	out  string
}

// runExport writes the store's applicants, needs or training progress to
// a contract XLSX file. The file is written beside its final name and
// renamed when complete, so that a crash never leaves half a file; like
// any file of personal data, it is readable by its owner only.
func runExport(ctx context.Context, e *env, args []string) error {
	opts, err := parseExportFlags(args, e.stderr)
	if err != nil {
		return err
	}
	if _, err := os.Stat(opts.db); err != nil {
		return fmt.Errorf("base %s introuvable : %w", opts.db, err)
	}
	db, err := localdb.Open(ctx, opts.db, localdb.Options{})
	if err != nil {
		return fmt.Errorf("ouverture de la base %s : %w", opts.db, err)
	}
	defer db.Close()

	start := time.Now()
	n, err := writeAtomically(opts.out, func(w io.Writer) (int, error) {
		return exportTo(ctx, w, db, opts.kind)
	})
	if err != nil {
		return fmt.Errorf("export vers %s : %w", opts.out, err)
	}
	fmt.Fprintf(e.stdout, "export : %d lignes écrites dans %s (%.1f s)\n",
		n, opts.out, time.Since(start).Seconds())
	return nil
}

// parseExportFlags reads "--db FILE applicants|needs|training OUT.xlsx".
func parseExportFlags(args []string, stderr io.Writer) (exportOptions, error) {
	var opts exportOptions
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.db, "db", "", "base SQLite à lire (obligatoire)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage : intiqa-hq export --db FICHIER applicants|needs|training SORTIE.xlsx")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return opts, fmt.Errorf("%w : %v", errUsage, err)
	}
	if len(pos) != 2 {
		return opts, fmt.Errorf("%w : deux arguments attendus, applicants|needs|training et le fichier",
			errUsage)
	}
	var ok bool
	if opts.kind, ok = xlsx.ParseKind(pos[0]); !ok {
		return opts, fmt.Errorf("%w : %q : applicants, needs ou training attendu", errUsage, pos[0])
	}
	opts.out = pos[1]
	if opts.db == "" {
		return opts, fmt.Errorf("%w : --db est obligatoire", errUsage)
	}
	return opts, nil
}

// exportTo writes the rows of kind from db to w and returns their number.
func exportTo(ctx context.Context, w io.Writer, db *localdb.DB, kind xlsx.Kind) (int, error) {
	switch kind {
	case xlsx.KindApplicants:
		return xlsx.WriteApplicants(w, db.Applicants(ctx, localdb.ApplicantFilter{}))
	case xlsx.KindNeeds:
		needs, err := db.Needs(ctx)
		if err != nil {
			return 0, err
		}
		return len(needs), xlsx.WriteNeeds(w, needs)
	case xlsx.KindTraining:
		return xlsx.WriteTraining(w, db.Training(ctx))
	}
	return 0, fmt.Errorf("export %s: unknown kind", kind)
}

// writeAtomically runs write on a temporary file beside name, then
// syncs it and renames it to name; on any failure the temporary file is
// removed and name is left as it was.
func writeAtomically(name string, write func(io.Writer) (int, error)) (n int, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if n, err = write(bw); err != nil {
		return 0, err
	}
	if err = bw.Flush(); err != nil {
		return 0, fmt.Errorf("write file: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return 0, fmt.Errorf("sync file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return 0, fmt.Errorf("close file: %w", err)
	}
	if err = os.Rename(tmp.Name(), name); err != nil {
		return 0, fmt.Errorf("rename file: %w", err)
	}
	return n, nil
}
