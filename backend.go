package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	gosync "sync"
	"time"

	"intiqa/localdb"
	"intiqa/localdb/demo"
	"intiqa/selection"
	"intiqa/selection/office"
	"intiqa/selection/synth"
	"intiqa/sync"
	"intiqa/ui"
)

// The files of the data directory.
const (
	storeFile = "intiqa.db"      // the laptop's store, created at enrollment
	demoFile  = "demo.db"        // the demonstration store
	docsDir   = "documents"      // the laptop's document files
	demoDocs  = "demo-documents" // the demonstration's document files
)

// demoSeed is the seed of the demonstration data set: the same on every
// laptop, so that a trainer and trainees see the same applicants.
const demoSeed = 1

// backend wires the window to the SQLite stores of the data directory.
type backend struct {
	dir  string
	dirs ui.DataDirs // where the data is, for the Backup screen
	log  *slog.Logger

	demoProvince string // the province the demonstration generates

	ctx context.Context // bounds the background syncs

	mu   gosync.Mutex
	open []*openStore // stores to close on exit
}

// openStore is a store open in the window, with its background work.
type openStore struct {
	db   *localdb.DB
	stop context.CancelFunc // ends the store's background sync
	bg   gosync.WaitGroup
}

// close stops the store's background work, then closes it.
func (o *openStore) close() error {
	o.stop()
	o.bg.Wait()
	return o.db.Close()
}

func newBackend(ctx context.Context, dir string, log *slog.Logger) *backend {
	return &backend{dir: dir, dirs: ui.DataDirs{Current: dir, Default: dir}, log: log,
		demoProvince: synth.DemoProvince(), ctx: ctx}
}

var _ ui.Backend = (*backend)(nil)

// Open loads the laptop's store, else the demonstration store if it was
// created before; with neither it returns ui.ErrNoStore. A data folder
// chosen in the window that is absent (a drive not connected) is
// ui.ErrDataDirMissing: no empty store starts in its place.
func (b *backend) Open(ctx context.Context, progress func(ui.Progress)) (*ui.Dataset, error) {
	if b.dirs.Chosen == b.dir && b.dir != "" {
		if _, err := os.Stat(b.dir); err != nil {
			return nil, fmt.Errorf("data folder %s: %w: %w", b.dir, err, ui.ErrDataDirMissing)
		}
	}
	for _, f := range []struct {
		name, docs string
		demo       bool
	}{{storeFile, docsDir, false}, {demoFile, demoDocs, true}} {
		path := filepath.Join(b.dir, f.name)
		if exists, err := fileExists(path); err != nil {
			return nil, err
		} else if exists {
			return b.load(ctx, path, f.docs, f.demo, progress)
		}
	}
	return nil, ui.ErrNoStore
}

// OpenDemo loads the demonstration store, generating it first if this
// laptop has none, with admin as its administrator.
func (b *backend) OpenDemo(ctx context.Context, admin *selection.User,
	progress func(ui.Progress)) (*ui.Dataset, error) {
	path := filepath.Join(b.dir, demoFile)
	exists, err := fileExists(path)
	if err != nil {
		return nil, err
	}
	if !exists {
		if err := b.createDemo(ctx, path, admin, progress); err != nil {
			return nil, err
		}
	}
	return b.load(ctx, path, demoDocs, true, progress)
}

// Enroll enrolls the laptop with headquarters and fills its store: it
// asks headquarters which province the token is for, creates the store
// of that province with the administrator, enrolls it, then syncs once
// (the province's data and document files). The store is built beside
// its place and renamed into it only when complete.
func (b *backend) Enroll(ctx context.Context, e ui.Enrollment, admin *selection.User,
	progress func(ui.Progress)) (*ui.Dataset, error) {
	progress(ui.Progress{Step: ui.StepEnroll})
	info, err := probeEnrollment(ctx, e.URL, e.Token)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(b.dir, storeFile)
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	partial := path + ".partial"
	if err := removeStore(partial); err != nil {
		return nil, err
	}
	if err := b.fillEnrolled(ctx, partial, info.Province, e, admin, progress); err != nil {
		_ = removeStore(partial)
		return nil, err
	}
	if err := os.Rename(partial, path); err != nil {
		return nil, fmt.Errorf("install store: %w", err)
	}
	b.log.Info("enrolled", keyProvince, info.Province)
	return b.load(ctx, path, docsDir, false, progress)
}

// fillEnrolled creates an enrolled store at path and syncs it once.
func (b *backend) fillEnrolled(ctx context.Context, path, province string, e ui.Enrollment,
	admin *selection.User, progress func(ui.Progress)) error {
	db, err := localdb.Open(ctx, path, localdb.Options{Scope: province})
	if err != nil {
		return fmt.Errorf("create store: %w", err)
	}
	defer db.Close()
	if err := db.PutUser(ctx, "system", admin); err != nil {
		return fmt.Errorf("store administrator: %w", err)
	}
	if _, err := sync.Enroll(ctx, db, admin.Name, e.URL, e.Token, syncOptions(b.log)); err != nil {
		return err
	}
	c, err := sync.NewClient(db, filepath.Join(b.dir, docsDir), syncOptions(b.log))
	if err != nil {
		return err
	}
	return c.Sync(ctx, func(p sync.Progress) {
		progress(ui.Progress{Step: ui.StepSync, Done: p.Done, Total: p.Total})
	})
}

// load opens a store and the service over it.
func (b *backend) load(ctx context.Context, path, docs string, isDemo bool,
	progress func(ui.Progress)) (*ui.Dataset, error) {
	progress(ui.Progress{Step: ui.StepOpen})
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	storeCtx, stop := context.WithCancel(b.ctx)
	o := &openStore{db: db, stop: stop}
	b.mu.Lock()
	b.open = append(b.open, o)
	b.mu.Unlock()
	docsPath := filepath.Join(b.dir, docs)
	svc := office.New(db, localdb.Files{Dir: docsPath}, office.Options{})
	if _, err := svc.Province(ctx); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	b.log.Info("store loaded", keyProvince, db.Scope(), keyDemo, isDemo)
	ds := &ui.Dataset{Office: svc, Demo: isDemo,
		Reports: &reporter{db: db, svc: svc, now: time.Now},
		Keeper:  &keeper{b: b, store: o, svc: svc, docs: docsPath, kind: storeKind(isDemo)}}
	ds.Pending = func() int {
		n, err := db.PendingCount(b.ctx)
		if err != nil {
			b.log.Warn("count pending changes", keyErr, err)
		}
		return n
	}
	if isDemo {
		ds.DemoPassword = demo.Password
		return ds, nil
	}
	s, err := openSync(db, filepath.Join(b.dir, docs), svc, b.log)
	switch {
	case errors.Is(err, sync.ErrNotEnrolled):
		b.log.Warn("store not enrolled: no sync")
	case err != nil:
		return nil, fmt.Errorf("open sync: %w", err)
	default:
		ds.Sync = s
		o.bg.Go(func() { s.background(storeCtx) })
	}
	return ds, nil
}

// Close closes the stores opened.
func (b *backend) Close() error {
	b.mu.Lock()
	open := b.open
	b.open = nil
	b.mu.Unlock()
	var errs []error
	for _, o := range open {
		errs = append(errs, o.close())
	}
	return errors.Join(errs...)
}

// closeStore closes one open store, before a restore replaces it.
func (b *backend) closeStore(o *openStore) error {
	b.mu.Lock()
	b.open = slices.DeleteFunc(b.open, func(x *openStore) bool { return x == o })
	b.mu.Unlock()
	return o.close()
}

// createDemo generates the demonstration province into a new store at
// path. The store is built beside path and renamed into place only when
// complete, so that an interrupted run leaves nothing half-made behind.
func (b *backend) createDemo(ctx context.Context, path string, admin *selection.User,
	progress func(ui.Progress)) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	partial := path + ".partial"
	if err := removeStore(partial); err != nil {
		return err
	}
	files := localdb.Files{Dir: filepath.Join(b.dir, demoDocs)}
	err := demo.Build(ctx, partial, files, demo.Options{Province: b.demoProvince, Seed: demoSeed,
		Admin: admin, Decisions: true, Progress: demoProgress(progress)})
	if err != nil {
		_ = removeStore(partial)
		return err
	}
	if err := os.Rename(partial, path); err != nil {
		return fmt.Errorf("install demonstration store: %w", err)
	}
	b.log.Info("demonstration generated", keyProvince, b.demoProvince)
	return nil
}

// demoProgress adapts the demonstration's progress to the window's.
func demoProgress(progress func(ui.Progress)) demo.Progress {
	steps := map[demo.Step]ui.Step{
		demo.StepGenerate: ui.StepGenerate, demo.StepApplicants: ui.StepImportApplicants,
		demo.StepNeeds: ui.StepImportNeeds, demo.StepTraining: ui.StepImportTraining,
		demo.StepDocuments: ui.StepDocuments, demo.StepPreselection: ui.StepPreselection,
		demo.StepDecisions: ui.StepDecisions,
	}
	return func(s demo.Step, done, total int) {
		progress(ui.Progress{Step: steps[s], Done: done, Total: total})
	}
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
