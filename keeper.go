package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"intiqa/localdb"
	"intiqa/localdb/backupzip"
	"intiqa/selection/office"
	"intiqa/ui"
)

// Log attribute keys of the backups.
const (
	keyDocuments = "documents"
	keyMissing   = "missing"
	keyKept      = "kept"
)

// The kinds of store an archive records, so that the demonstration's
// backup never replaces a laptop's store, nor the reverse.
const (
	kindLaptop = "laptop"
	kindDemo   = "demo"
)

func storeKind(isDemo bool) string {
	if isDemo {
		return kindDemo
	}
	return kindLaptop
}

// keeper backs up and restores one open store and its document files,
// and keeps the choice of the data folder, for the window's Backup
// screen. Each action checks the signed-in user's role first.
type keeper struct {
	b     *backend
	store *openStore
	svc   *office.Service
	docs  string // the store's document files
	kind  string // kindLaptop or kindDemo
}

var _ ui.Keeper = (*keeper)(nil)

// DataDirs tells where the data is, and the folder chosen for the next
// start as the settings file has it now.
func (k *keeper) DataDirs() ui.DataDirs {
	d := k.b.dirs
	s, err := readSettings(d.Default)
	if err != nil {
		k.b.log.Warn("read settings", keyErr, err)
		return d
	}
	d.Chosen = s.DataDir
	return d
}

// ChooseDataDir remembers dir as the data folder from the next start
// on, after checking it can hold the data; "" or the default folder
// goes back to the default. Administrators only.
func (k *keeper) ChooseDataDir(dir string) error {
	if _, err := k.svc.Authorize(office.ActChooseDataDir); err != nil {
		return err
	}
	def := k.b.dirs.Default
	if dir != "" && filepath.Clean(dir) != filepath.Clean(def) {
		if err := checkDataDir(dir); err != nil {
			return err
		}
		dir = filepath.Clean(dir)
	} else {
		dir = ""
	}
	if err := writeSettings(def, settings{DataDir: dir}); err != nil {
		return err
	}
	k.b.log.Info("data folder chosen for the next start", keyDir, dir)
	return nil
}

// Backup writes an archive of the store and its document files while
// the store stays in use. Supervisors and administrators.
func (k *keeper) Backup(ctx context.Context, path string, progress func(ui.Progress)) (
	ui.BackupSummary, error) {
	if _, err := k.svc.Authorize(office.ActBackup); err != nil {
		return ui.BackupSummary{}, err
	}
	m, err := backupzip.Write(ctx, k.store.db, k.docs, path, backupzip.Options{Kind: k.kind,
		Progress: stepProgress(ui.StepBackup, progress)})
	if err != nil {
		return ui.BackupSummary{}, err
	}
	k.b.log.Info("backup written", keyDocuments, len(m.Documents), keyMissing, len(m.Missing))
	return summary(path, m), nil
}

// Restore checks the archive whole, beside the store, before changing
// anything; then it closes the store and puts the archive's store and
// document files in place, keeping the replaced store. Administrators
// only.
func (k *keeper) Restore(ctx context.Context, path string, progress func(ui.Progress)) (
	_ ui.BackupSummary, closed bool, _ error) {
	u, err := k.svc.Authorize(office.ActRestore)
	if err != nil {
		return ui.BackupSummary{}, false, err
	}
	staging, err := os.MkdirTemp(k.b.dir, ".intiqa-restore-*")
	if err != nil {
		return ui.BackupSummary{}, false, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(staging)

	// The archive, checked whole, and meant for this store.
	st, err := backupzip.Unpack(ctx, path, filepath.Join(staging, "staged"),
		backupzip.UnpackOptions{Progress: stepProgress(ui.StepCheckBackup, progress), DocsDir: k.docs})
	if errors.Is(err, backupzip.ErrBadArchive) {
		return ui.BackupSummary{}, false, fmt.Errorf("%w: %w", ui.ErrBadBackup, err)
	}
	if err != nil {
		return ui.BackupSummary{}, false, err
	}
	if err := k.matches(st.Manifest); err != nil {
		return ui.BackupSummary{}, false, err
	}

	// The store closed, then the archive in place: past this point the
	// restore runs to its end, cancelled or not.
	if err := ctx.Err(); err != nil {
		return ui.BackupSummary{}, false, err
	}
	progress(ui.Progress{Step: ui.StepRestore})
	dbPath := k.store.db.Path()
	if err := k.b.closeStore(k.store); err != nil {
		return ui.BackupSummary{}, true, fmt.Errorf("restore: close store: %w", err)
	}
	ctx = context.WithoutCancel(ctx)
	kept, err := st.Install(ctx, dbPath, k.docs)
	if err != nil {
		return ui.BackupSummary{}, true, fmt.Errorf("restore: %w", err)
	}
	if err := recordRestore(ctx, dbPath, u.Name, st.Manifest, kept); err != nil {
		return ui.BackupSummary{}, true, err
	}
	k.b.log.Info("backup restored", keyDocuments, len(st.Manifest.Documents), keyKept, kept)
	return summary(path, st.Manifest), true, nil
}

// matches refuses an archive of another store: another kind or another
// province.
func (k *keeper) matches(m *backupzip.Manifest) error {
	if m.Kind != k.kind || m.Scope != k.store.db.Scope() {
		return fmt.Errorf("restore: archive of a %s store of %q, this one is a %s store of %q: %w",
			m.Kind, m.Scope, k.kind, k.store.db.Scope(), ui.ErrBackupMismatch)
	}
	return nil
}

// summary tells what an archive holds.
func summary(path string, m *backupzip.Manifest) ui.BackupSummary {
	return ui.BackupSummary{Path: path, CreatedAt: m.CreatedAt, Version: m.Version,
		Documents: len(m.Documents), Missing: len(m.Missing)}
}

// stepProgress adapts an archive's progress to the window's.
func stepProgress(step ui.Step, progress func(ui.Progress)) backupzip.Progress {
	return func(done, total int) { progress(ui.Progress{Step: step, Done: done, Total: total}) }
}

// RestoreNew fills the data folder, which holds no store yet, from a
// backup archive checked whole first, and opens it. The archive's kind
// says which store it is: the laptop's or the demonstration.
func (b *backend) RestoreNew(ctx context.Context, path string, progress func(ui.Progress)) (
	*ui.Dataset, error) {
	for _, name := range []string{storeFile, demoFile} {
		if exists, err := fileExists(filepath.Join(b.dir, name)); err != nil {
			return nil, err
		} else if exists {
			return nil, fmt.Errorf("restore into %s: %w", b.dir, ui.ErrStorePresent)
		}
	}
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	staging, err := os.MkdirTemp(b.dir, ".intiqa-restore-*")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(staging)
	st, err := backupzip.Unpack(ctx, path, filepath.Join(staging, "staged"),
		backupzip.UnpackOptions{Progress: stepProgress(ui.StepCheckBackup, progress)})
	if errors.Is(err, backupzip.ErrBadArchive) {
		return nil, fmt.Errorf("%w: %w", ui.ErrBadBackup, err)
	}
	if err != nil {
		return nil, err
	}

	// The archive's store in its place, then opened.
	name, docs := storeFile, docsDir
	switch st.Manifest.Kind {
	case kindDemo:
		name, docs = demoFile, demoDocs
	case kindLaptop:
	default:
		return nil, fmt.Errorf("restore: archive of a %q store: %w", st.Manifest.Kind,
			ui.ErrBackupMismatch)
	}
	progress(ui.Progress{Step: ui.StepRestore})
	path = filepath.Join(b.dir, name)
	if _, err := st.Install(ctx, path, filepath.Join(b.dir, docs)); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := recordRestore(ctx, path, actorFirstRun, st.Manifest, ""); err != nil {
		return nil, err
	}
	b.log.Info("backup restored", keyDocuments, len(st.Manifest.Documents), keyProvince,
		st.Manifest.Scope)
	return b.load(ctx, path, docs, st.Manifest.Kind == kindDemo, progress)
}

// actorFirstRun records a restore made at the first run, before any
// account of the laptop exists to sign in with.
const actorFirstRun = "first-run"

// recordRestore appends the restore to the restored store's audit chain.
func recordRestore(ctx context.Context, path, actor string, m *backupzip.Manifest,
	kept string) error {
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		return fmt.Errorf("record restore: %w", err)
	}
	r := localdb.RestoreRecord{ArchiveCreatedAt: m.CreatedAt, ArchiveVersion: m.Version}
	if kept != "" {
		r.Kept = filepath.Base(kept)
	}
	err = db.RecordRestore(ctx, actor, r)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("record restore: %w", err)
	}
	return nil
}
