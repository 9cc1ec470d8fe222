package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"intiqa/reports/xlsx"
	"intiqa/selection/synth"
)

// genOptions are the command-line options of gen.
type genOptions struct {
	seed  uint64
	scope string // "" for national
	out   string
	docs  bool
	db    string
}

// genRun is one run of gen: its options, generator and outputs.
type genRun struct {
	opts genOptions
	gen  *synth.Generator
	env  *env
	sums map[string]string // SHA-256 of each contract file written, by file name
}

// Sizes that decide when gen reports progress.
const (
	genProgressMin   = 50_000 // streams shorter than this report nothing
	genProgressEvery = 50_000
	genCancelEvery   = 1_000
)

// runGen writes a generated data set: the three contract XLSX files, and
// optionally the documents' files and a store filled with the data set.
func runGen(ctx context.Context, e *env, args []string) error {
	opts, err := parseGenFlags(args, e.stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	g, err := synth.New(opts.seed, opts.scope)
	if errors.Is(err, synth.ErrUnknownScope) {
		return fmt.Errorf("%w : --scale : province %q inconnue (code d'une province ayant des "+
			"communes, ex. province:%s)", errUsage, opts.scope, synth.DemoProvince())
	}
	if err != nil {
		return fmt.Errorf("prepare data set: %w", err)
	}
	if err := os.MkdirAll(opts.out, 0o755); err != nil {
		return fmt.Errorf("create output folder: %w", err)
	}
	r := &genRun{opts: opts, gen: g, env: e, sums: map[string]string{}}

	// Contract files, then documents, then the store.
	counts, err := r.writeContractFiles(ctx)
	if err != nil {
		return err
	}
	if opts.docs {
		if counts.documents, err = r.writeDocuments(ctx); err != nil {
			return err
		}
	}
	if opts.db != "" {
		if err := r.fillStore(ctx); err != nil {
			return err
		}
	}

	store := ""
	if opts.db != "" {
		store = ", base " + opts.db + " remplie"
	}
	fmt.Fprintf(e.stdout, "gen : %d candidats, %d communes (%d postes), %d suivis de formation, "+
		"%d documents écrits dans %s%s en %.1f s\n", counts.applicants, counts.communes,
		counts.posts, counts.training, counts.documents, opts.out, store, time.Since(start).Seconds())
	return nil
}

// parseGenFlags reads gen's command line.
func parseGenFlags(args []string, stderr io.Writer) (genOptions, error) {
	var opts genOptions
	var seed, scale string
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&seed, "seed", "1", "graine du générateur (entier positif)")
	fs.StringVar(&scale, "scale", "national", "national ou province:CODE (ex. province:"+
		synth.DemoProvince()+")")
	fs.StringVar(&opts.out, "out", "", "dossier de sortie (obligatoire)")
	fs.BoolVar(&opts.docs, "docs", false, "écrit aussi les fichiers des documents et documents.csv")
	fs.StringVar(&opts.db, "db", "", "remplit aussi cette base SQLite (documents si --docs)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage : intiqa-hq gen --out DOSSIER [--seed N] "+
			"[--scale national|province:CODE] [--docs] [--db FICHIER]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return opts, fmt.Errorf("%w : %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("%w : argument inattendu %q", errUsage, fs.Arg(0))
	}
	var err error
	if opts.seed, err = strconv.ParseUint(seed, 10, 64); err != nil {
		return opts, fmt.Errorf("%w : --seed %q n'est pas un entier positif", errUsage, seed)
	}
	if opts.scope, err = parseScale(scale); err != nil {
		return opts, err
	}
	if opts.out == "" {
		return opts, fmt.Errorf("%w : --out est obligatoire", errUsage)
	}
	return opts, nil
}

// parseScale turns "national" into "" and "province:CODE" into CODE.
func parseScale(s string) (string, error) {
	if s == "national" {
		return "", nil
	}
	code, ok := strings.CutPrefix(s, "province:")
	if !ok || code == "" {
		return "", fmt.Errorf("%w : --scale %q : national ou province:CODE attendu", errUsage, s)
	}
	return code, nil
}

// genCounts is what a run wrote, for its summary line.
type genCounts struct {
	applicants, communes, posts, training, documents int
}

// writeContractFiles writes applicants.xlsx, needs.xlsx and training.xlsx.
func (r *genRun) writeContractFiles(ctx context.Context) (genCounts, error) {
	var c genCounts
	err := r.writeFile("applicants.xlsx", func(w io.Writer) (err error) {
		rows := watched(ctx, r.gen.Applicants(), r.progress("candidats", r.gen.Count()))
		c.applicants, err = xlsx.WriteApplicants(w, rows)
		return err
	})
	if err != nil {
		return c, err
	}
	needs := r.gen.Needs()
	for _, n := range needs {
		c.posts += n.Total()
	}
	c.communes = len(needs)
	err = r.writeFile("needs.xlsx", func(w io.Writer) error { return xlsx.WriteNeeds(w, needs) })
	if err != nil {
		return c, err
	}
	err = r.writeFile("training.xlsx", func(w io.Writer) (err error) {
		rows := watched(ctx, r.gen.Training(), r.progress("formation", r.gen.InvitedCount()))
		c.training, err = xlsx.WriteTraining(w, rows)
		return err
	})
	return c, err
}

// writeFile writes one file of the output folder through a temporary file
// renamed at the end, and records its SHA-256.
func (r *genRun) writeFile(name string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(r.opts.out, "."+name+"-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed

	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(tmp, h), 1<<20)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp makes it private
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(r.opts.out, name))
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	r.sums[name] = hex.EncodeToString(h.Sum(nil))
	return nil
}

// watched adapts a generated stream for a writer or an import: it ends
// with the context's error when the run is cancelled, and calls progress
// (when not nil) after each value.
func watched[T any](ctx context.Context, seq iter.Seq[T],
	progress func(done int)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		done := 0
		for v := range seq {
			if done%genCancelEvery == 0 {
				if err := ctx.Err(); err != nil {
					var zero T
					yield(zero, err)
					return
				}
			}
			if !yield(v, nil) {
				return
			}
			done++
			if progress != nil {
				progress(done)
			}
		}
	}
}

// progress returns a reporter of a long stream's progress on stderr, or
// nil for a short one.
func (r *genRun) progress(label string, total int) func(done int) {
	if total < genProgressMin {
		return nil
	}
	return func(done int) {
		if done%genProgressEvery == 0 || done == total {
			fmt.Fprintf(r.env.stderr, "gen : %s %d/%d\n", label, done, total)
		}
	}
}
