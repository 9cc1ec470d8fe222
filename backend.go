package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"log/slog"
	"os"
	"path/filepath"

	"intiqa/localdb"
	"intiqa/selection"
	"intiqa/selection/synth"
	"intiqa/ui"
)

// The store files of the data directory.
const (
	storeFile = "intiqa.db" // the laptop's store, created at enrollment
	demoFile  = "demo.db"   // the demonstration store
)

// demoSeed is the seed of the demonstration data set: the same on every
// laptop, so that a trainer and trainees see the same applicants.
const demoSeed = 1

// demoActor is the audit log's actor of the demonstration's imports.
const demoActor = "démonstration"

// backend wires the window to the SQLite stores of the data directory.
type backend struct {
	dir string
	log *slog.Logger

	demoProvince string // the province the demonstration generates
}

func newBackend(dir string, log *slog.Logger) *backend {
	return &backend{dir: dir, log: log, demoProvince: synth.DemoProvince()}
}

var _ ui.Backend = (*backend)(nil)

// Open loads the laptop's store, else the demonstration store if it was
// created before; with neither it returns ui.ErrNoStore.
func (b *backend) Open(ctx context.Context, progress func(ui.Progress)) (*ui.Dataset, error) {
	for _, f := range []struct {
		name string
		demo bool
	}{{storeFile, false}, {demoFile, true}} {
		path := filepath.Join(b.dir, f.name)
		if exists, err := fileExists(path); err != nil {
			return nil, err
		} else if exists {
			return b.load(ctx, path, f.demo, progress)
		}
	}
	return nil, ui.ErrNoStore
}

// OpenDemo loads the demonstration store, generating it first if this
// laptop has none.
func (b *backend) OpenDemo(ctx context.Context, progress func(ui.Progress)) (*ui.Dataset, error) {
	path := filepath.Join(b.dir, demoFile)
	exists, err := fileExists(path)
	if err != nil {
		return nil, err
	}
	if !exists {
		if err := b.createDemo(ctx, path, progress); err != nil {
			return nil, err
		}
	}
	return b.load(ctx, path, true, progress)
}

// load reads a store's province and its applicants into a view model.
func (b *backend) load(ctx context.Context, path string, demo bool,
	progress func(ui.Progress)) (*ui.Dataset, error) {
	progress(ui.Progress{Step: ui.StepOpen})
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	defer db.Close()

	// Find the province the store holds.
	terr, err := db.Territory(ctx)
	if err != nil {
		return nil, fmt.Errorf("read territory: %w", err)
	}
	province, ok := terr.Province(db.Scope())
	if !ok {
		return nil, fmt.Errorf("open store: scope %q is not a province", db.Scope())
	}

	// Read its applicants.
	filter := localdb.ApplicantFilter{ProvinceCode: province.Code}
	total, err := db.CountApplicants(ctx, filter)
	if err != nil {
		return nil, fmt.Errorf("count applicants: %w", err)
	}
	m := ui.NewApplicantsModel(terr, province)
	for a, err := range db.Applicants(ctx, filter) {
		if err != nil {
			return nil, fmt.Errorf("read applicants: %w", err)
		}
		m.Append(a)
		progress(ui.Progress{Step: ui.StepLoad, Done: m.Total(), Total: total})
	}
	b.log.Info("store loaded", keyProvince, province.Code, keyRows, m.Total(), keyDemo, demo)
	return &ui.Dataset{Applicants: m, Demo: demo}, nil
}

// createDemo generates the demonstration province and imports it into a
// new store at path. The store is built beside path and renamed into
// place only when complete, so that an interrupted run leaves nothing
// half-made behind.
func (b *backend) createDemo(ctx context.Context, path string, progress func(ui.Progress)) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	partial := path + ".partial"
	if err := removeStore(partial); err != nil {
		return err
	}
	if err := b.fillDemo(ctx, partial, progress); err != nil {
		_ = removeStore(partial)
		return err
	}
	if err := os.Rename(partial, path); err != nil {
		return fmt.Errorf("install demonstration store: %w", err)
	}
	return nil
}

// fillDemo generates the demonstration data set into a new store at
// path.
func (b *backend) fillDemo(ctx context.Context, path string, progress func(ui.Progress)) error {
	province := b.demoProvince
	g, err := synth.New(demoSeed, province)
	if err != nil {
		return fmt.Errorf("generate demonstration: %w", err)
	}
	db, err := localdb.Open(ctx, path, localdb.Options{Scope: province})
	if err != nil {
		return fmt.Errorf("create demonstration store: %w", err)
	}
	err = importDemo(ctx, db, g, progress)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close demonstration store: %w", cerr)
	}
	if err == nil {
		b.log.Info("demonstration generated", keyProvince, province, keyRows, g.Count())
	}
	return err
}

// importDemo imports the generator's applicants, needs and training
// progress into db, as the contract files would bring them.
func importDemo(ctx context.Context, db *localdb.DB, g *synth.Generator,
	progress func(ui.Progress)) error {
	// Generate and import the applicants.
	applicants := collect(ctx, g.Applicants(), g.Count(), ui.StepGenerate, progress)
	if err := ctx.Err(); err != nil {
		return err
	}
	src := selection.Source{File: "synth", Sheet: "applicants"}
	if _, err := db.ImportApplicants(ctx, demoActor, src, rowsOf(applicants),
		stepProgress(ui.StepImportApplicants, len(applicants), progress)); err != nil {
		return fmt.Errorf("import demonstration applicants: %w", err)
	}

	// Import the communes' needs.
	needs := g.Needs()
	needRows := make([]*selection.Need, len(needs))
	for i := range needs {
		needRows[i] = &needs[i]
	}
	src = selection.Source{File: "synth", Sheet: "needs"}
	if _, err := db.ImportNeeds(ctx, demoActor, src, rowsOf(needRows),
		stepProgress(ui.StepImportNeeds, len(needRows), progress)); err != nil {
		return fmt.Errorf("import demonstration needs: %w", err)
	}

	// Generate and import the training progress.
	training := collect(ctx, g.Training(), 0, ui.StepImportTraining, progress)
	if err := ctx.Err(); err != nil {
		return err
	}
	src = selection.Source{File: "synth", Sheet: "training"}
	if _, err := db.ImportTraining(ctx, demoActor, src, rowsOf(training),
		stepProgress(ui.StepImportTraining, len(training), progress)); err != nil {
		return fmt.Errorf("import demonstration training: %w", err)
	}
	return nil
}

// collect gathers a generated sequence, reporting progress against an
// expected total (0 if unknown), and stops early when ctx is done.
func collect[T any](ctx context.Context, seq iter.Seq[T], total int, step ui.Step,
	progress func(ui.Progress)) []T {
	out := make([]T, 0, total)
	for v := range seq {
		if ctx.Err() != nil {
			break
		}
		out = append(out, v)
		progress(ui.Progress{Step: step, Done: len(out), Total: total})
	}
	return out
}

// rowsOf presents generated values as the rows of an exchange file: the
// header is line 1, so the i-th value is line i+2.
func rowsOf[T any](vals []T) iter.Seq2[selection.Row[T], error] {
	return func(yield func(selection.Row[T], error) bool) {
		for i, v := range vals {
			if !yield(selection.Row[T]{Line: i + 2, Value: v}, nil) {
				return
			}
		}
	}
}

// stepProgress reports the start of an import step and returns the
// import's progress callback, adapted to the window's.
func stepProgress(step ui.Step, total int, progress func(ui.Progress)) selection.Progress {
	progress(ui.Progress{Step: step, Total: total})
	return func(done int) { progress(ui.Progress{Step: step, Done: done, Total: total}) }
}

// fileExists reports whether path names an existing file.
func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("look for store: %w", err)
}

// removeStore deletes a SQLite file and its journal files, if present.
func removeStore(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove unfinished store: %w", err)
		}
	}
	return nil
}
