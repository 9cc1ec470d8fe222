package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"intiqa/localdb"
	"intiqa/reports/xlsx"
	"intiqa/selection"
)

// importProgressEvery is how many rows import reads between two
// progress lines.
const importProgressEvery = 50_000

// importMemoryLimit is the Go heap's soft limit during an import, unless
// GOMEMLIMIT sets another: a national import makes garbage fast (about
// 2 GB for 488,321 rows) while its live heap stays near 100 MB, and with
// the default pacing alone the heap would grow to twice that, on top of
// SQLite's own memory.
const importMemoryLimit = 160 << 20

// limitImportMemory sets the import's soft memory limit and returns the
// function that restores the previous one.
func limitImportMemory() (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetMemoryLimit(importMemoryLimit)
	return func() { debug.SetMemoryLimit(old) }
}

// importOptions are the command-line options of import.
type importOptions struct {
	db       string
	actor    string
	province string // "" for a national store
	kind     xlsx.Kind
	file     string
}

// runImport loads one contract file into the store: all of it, or,
// when any row is faulty, nothing, with every fault listed on stderr as
// FILE:SHEET:ROW:COLUMN: message.
func runImport(ctx context.Context, e *env, args []string) error {
	opts, err := parseImportFlags(args, e.stderr)
	if err != nil {
		return err
	}
	defer limitImportMemory()()
	start := time.Now()
	res, err := importFile(ctx, opts, importProgress(e.stderr, opts.file, start))
	if err != nil {
		return reportImportError(e.stderr, filepath.Base(opts.file), err)
	}
	fmt.Fprintf(e.stdout, "import : %s, %d lignes : %d créées, %d mises à jour, %d inchangées (%.1f s)\n",
		filepath.Base(opts.file), res.Rows, res.Created, res.Updated, res.Unchanged,
		time.Since(start).Seconds())
	return nil
}

// parseImportFlags reads "[options] applicants|needs|training FILE.xlsx",
// options allowed before, between or after the two arguments.
func parseImportFlags(args []string, stderr io.Writer) (importOptions, error) {
	var opts importOptions
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.db, "db", "", "base SQLite à remplir (obligatoire)")
	fs.StringVar(&opts.actor, "actor", defaultActor(), "auteur inscrit au journal d'audit")
	fs.StringVar(&opts.province, "province", "", "code de province d'une base de portable (ex. 01.511)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage : intiqa-hq import --db FICHIER [--actor NOM] "+
			"applicants|needs|training FICHIER.xlsx")
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
	opts.file = pos[1]
	if opts.db == "" {
		return opts, fmt.Errorf("%w : --db est obligatoire", errUsage)
	}
	return opts, nil
}

// parseInterspersed parses fs over args where flags and positional
// arguments mix, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// defaultActor names who runs the command, for the audit log.
func defaultActor() string {
	if u := os.Getenv("USER"); u != "" {
		return "hq:" + u
	}
	return "intiqa-hq"
}

// importFile reads the contract file of opts and loads it into the
// store.
func importFile(ctx context.Context, opts importOptions,
	progress selection.Progress) (selection.ImportResult, error) {
	switch opts.kind {
	case xlsx.KindApplicants:
		return loadFile(ctx, opts, xlsx.OpenApplicants, (*localdb.DB).ImportApplicants, progress)
	case xlsx.KindNeeds:
		return loadFile(ctx, opts, xlsx.OpenNeeds, (*localdb.DB).ImportNeeds, progress)
	case xlsx.KindTraining:
		return loadFile(ctx, opts, xlsx.OpenTraining, (*localdb.DB).ImportTraining, progress)
	}
	return selection.ImportResult{}, fmt.Errorf("import %s: unknown kind", opts.kind)
}

// importFunc is the shape of the store's Import methods.
type importFunc[T any] func(db *localdb.DB, ctx context.Context, actor string,
	src selection.Source, rows iter.Seq2[selection.Row[T], error],
	progress selection.Progress) (selection.ImportResult, error)

// loadFile opens the file with open, so that a file refused whole is
// refused before the store is touched (or created), then opens the store
// and streams the rows into it with imp.
func loadFile[T any](ctx context.Context, opts importOptions,
	open func(string, xlsx.Limits) (*xlsx.Reader[T], error), imp importFunc[T],
	progress selection.Progress) (selection.ImportResult, error) {
	r, err := open(opts.file, xlsx.DefaultLimits())
	if err != nil {
		return selection.ImportResult{}, err
	}
	defer r.Close()
	db, err := localdb.Open(ctx, opts.db, localdb.Options{Scope: opts.province})
	if err != nil {
		return selection.ImportResult{}, fmt.Errorf("ouverture de la base %s : %w", opts.db, err)
	}
	defer db.Close()
	return imp(db, ctx, opts.actor, r.Source(), r.Rows(), progress)
}

// importProgress returns a Progress writing a line to w every
// importProgressEvery rows.
func importProgress(w io.Writer, file string, start time.Time) selection.Progress {
	next := importProgressEvery
	return func(done int) {
		if done < next {
			return
		}
		next = (done/importProgressEvery + 1) * importProgressEvery
		fmt.Fprintf(w, "import : %s, %d lignes lues (%.0f s)\n",
			filepath.Base(file), done, time.Since(start).Seconds())
	}
}

// reportImportError writes every located fault of a refused file to w,
// one per line as FILE:SHEET:ROW:COLUMN: message, and returns the
// summary that main prints last.
func reportImportError(w io.Writer, file string, err error) error {
	var invalid *selection.InvalidFileError
	switch {
	case errors.As(err, &invalid):
		for _, re := range invalid.Errors {
			fmt.Fprintln(w, oneLine(re.Error()))
		}
		if more := invalid.Total - len(invalid.Errors); more > 0 {
			fmt.Fprintf(w, "… et %d autres erreurs non affichées\n", more)
		}
		return fmt.Errorf("%s refusé : %s, rien n'a été importé", file, countNoun(invalid.Total, "erreur"))
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("import de %s interrompu : rien n'a été importé", file)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("fichier %s introuvable", file)
	}
	return fmt.Errorf("import de %s : %w", file, err)
}

// oneLine keeps a fault on one line whatever the cell held.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// countNoun renders "1 erreur" or "3 erreurs".
func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
