package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	"intiqa/selection/office"
	"intiqa/ui"
)

// adminPassword is the password of the tests' administrators.
const adminPassword = "un mot de passe long"

// mustAdminService returns a service over a new store of its own, with
// an administrator signed in.
func mustAdminService(tb testing.TB) *office.Service {
	tb.Helper()
	ctx := context.Background()
	db, err := localdb.Open(ctx, filepath.Join(tb.TempDir(), "intiqa.db"),
		localdb.Options{Scope: mustSmallestProvince(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	admin := mustAdmin(tb)
	if err := db.PutUser(ctx, "system", admin); err != nil {
		tb.Fatal(err)
	}
	svc := office.New(db, localdb.Files{Dir: tb.TempDir()}, office.Options{})
	if _, err := svc.SignIn(ctx, admin.Name, adminPassword); err != nil {
		tb.Fatal(err)
	}
	return svc
}

func mustAdmin(tb testing.TB) *selection.User {
	tb.Helper()
	admin, err := office.NewAccount("admin", "Admin", selection.UserAdmin, adminPassword, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return admin
}

// mustDemoDataset opens the demonstration of the smallest province in
// a new data folder, the administrator of the first run signed in.
func mustDemoDataset(tb testing.TB) (*backend, *ui.Dataset) {
	tb.Helper()
	b := mustBackend(tb)
	tb.Cleanup(func() { b.Close() })
	ds, err := b.OpenDemo(context.Background(), mustAdmin(tb), func(ui.Progress) {})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := ds.Office.SignIn(context.Background(), "admin", adminPassword); err != nil {
		tb.Fatal(err)
	}
	return b, ds
}

// TestKeeperBackupRestore backs the demonstration up from the window's
// keeper, changes the store, restores the archive and opens it again:
// the change is gone, the replaced store kept, the files in place.
func TestKeeperBackupRestore(t *testing.T) {
	ctx := context.Background()
	b, ds := mustDemoDataset(t)
	archive := filepath.Join(t.TempDir(), "sauvegarde.zip")
	sum, err := ds.Keeper.Backup(ctx, archive, func(ui.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Documents == 0 || sum.Missing != 0 || sum.Version == "" {
		t.Errorf("backup summary %+v", sum)
	}
	err = ds.Office.CreateUser(ctx, "apres", "Après", selection.UserPanel, adminPassword)
	if err != nil {
		t.Fatal(err)
	}

	// Restored: the store is closed, replaced, and opens again.
	_, closed, err := ds.Keeper.Restore(ctx, archive, func(ui.Progress) {})
	if err != nil || !closed {
		t.Fatalf("restore: closed %v, %v", closed, err)
	}
	again, err := b.Open(ctx, func(ui.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	_, err = again.Office.SignIn(ctx, "apres", adminPassword)
	if !errors.Is(err, office.ErrBadCredentials) {
		t.Errorf("the account made after the backup signs in: %v", err)
	}
	if _, err := again.Office.SignIn(ctx, "admin", adminPassword); err != nil {
		t.Fatal(err)
	}
	audit, err := again.Office.AuditTail(ctx, 2)
	if err != nil || audit.Broken != nil {
		t.Fatalf("audit after the restore: %v, %v", err, audit.Broken)
	}
	if last := audit.Entries[0]; last.Action != "store.restore" || last.Actor != "admin" {
		t.Errorf("the entry before the sign-in: %s by %s; want store.restore by admin",
			last.Action, last.Actor)
	}
	kept, _ := filepath.Glob(filepath.Join(b.dir, demoFile+".before-restore-*"))
	if len(kept) != 1 {
		t.Errorf("replaced stores kept: %v", kept)
	}
	if left, _ := filepath.Glob(filepath.Join(b.dir, ".intiqa-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestKeeperRefusals refuses, in the core, a restore and a folder choice
// to a supervisor, a damaged archive and another kind of store to the
// administrator, each leaving the store open and unchanged.
func TestKeeperRefusals(t *testing.T) {
	ctx := context.Background()
	b, ds := mustDemoDataset(t)
	archive := filepath.Join(t.TempDir(), "sauvegarde.zip")
	if _, err := ds.Keeper.Backup(ctx, archive, func(ui.Progress) {}); err != nil {
		t.Fatal(err)
	}

	// A damaged archive: cut short.
	data := mustRead(t, archive)
	cut := filepath.Join(t.TempDir(), "coupee.zip")
	if err := os.WriteFile(cut, data[:len(data)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}
	_, closed, err := ds.Keeper.Restore(ctx, cut, func(ui.Progress) {})
	if !errors.Is(err, ui.ErrBadBackup) || closed {
		t.Errorf("restore of a truncated archive: closed %v, %v; want ErrBadBackup", closed, err)
	}

	// An archive of the demonstration offered to a laptop's store.
	k := ds.Keeper.(*keeper)
	k.kind = kindLaptop
	_, closed, err = k.Restore(ctx, archive, func(ui.Progress) {})
	if !errors.Is(err, ui.ErrBackupMismatch) || closed {
		t.Errorf("restore of another kind: closed %v, %v; want ErrBackupMismatch", closed, err)
	}
	k.kind = kindDemo

	// A supervisor may back up, not restore nor move the data.
	if _, err := ds.Office.SignIn(ctx, "superviseur", ds.DemoPassword); err != nil {
		t.Fatal(err)
	}
	_, err = ds.Keeper.Backup(ctx, filepath.Join(t.TempDir(), "s.zip"), func(ui.Progress) {})
	if err != nil {
		t.Errorf("a supervisor's backup: %v", err)
	}
	_, _, err = ds.Keeper.Restore(ctx, archive, func(ui.Progress) {})
	if !errors.Is(err, office.ErrForbidden) {
		t.Errorf("a supervisor's restore: %v; want ErrForbidden", err)
	}
	if err := ds.Keeper.ChooseDataDir(t.TempDir()); !errors.Is(err, office.ErrForbidden) {
		t.Errorf("a supervisor's folder choice: %v; want ErrForbidden", err)
	}
	_, err = os.Stat(filepath.Join(b.dirs.Default, settingsFile))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("settings written after a refusal: %v", err)
	}

	// The store is open, and was never replaced.
	if _, err := ds.Office.CountApplicants(ctx); err != nil {
		t.Errorf("the store after the refusals: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(b.dir, "*before-restore*"))
	staged, _ := filepath.Glob(filepath.Join(b.dir, ".intiqa-*"))
	if len(left)+len(staged) > 0 {
		t.Errorf("the refusals left %v %v", left, staged)
	}
}

// TestRestoreNew fills an empty data folder from an archive, then
// refuses to do it again over the store now there.
func TestRestoreNew(t *testing.T) {
	ctx := context.Background()
	_, ds := mustDemoDataset(t)
	archive := filepath.Join(t.TempDir(), "sauvegarde.zip")
	sum, err := ds.Keeper.Backup(ctx, archive, func(ui.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	b := mustBackend(t)
	t.Cleanup(func() { b.Close() })
	_, err = b.RestoreNew(ctx, archive[:len(archive)-4]+".absent.zip", func(ui.Progress) {})
	if !errors.Is(err, ui.ErrBadBackup) {
		t.Errorf("restore of a missing file: %v; want ErrBadBackup", err)
	}
	got, err := b.RestoreNew(ctx, archive, func(ui.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Demo || got.Office.Scope() != ds.Office.Scope() {
		t.Errorf("restored: demo %v, scope %q", got.Demo, got.Office.Scope())
	}
	if _, err := got.Office.SignIn(ctx, "admin", adminPassword); err != nil {
		t.Errorf("the archive's administrator: %v", err)
	}
	files, _ := os.ReadDir(filepath.Join(b.dir, demoDocs))
	if len(files) != sum.Documents {
		t.Errorf("%d document files restored; the archive holds %d", len(files), sum.Documents)
	}
	_, err = b.RestoreNew(ctx, archive, func(ui.Progress) {})
	if !errors.Is(err, ui.ErrStorePresent) {
		t.Errorf("a second restore: %v; want ErrStorePresent", err)
	}
}

// TestOpenChosenFolderMissing refuses to start on a chosen folder that
// is absent, rather than start an empty store.
func TestOpenChosenFolderMissing(t *testing.T) {
	b := mustBackend(t)
	b.dirs = ui.DataDirs{Current: b.dir, Default: t.TempDir(), Chosen: b.dir}
	_, err := b.Open(context.Background(), func(ui.Progress) {})
	if !errors.Is(err, ui.ErrDataDirMissing) || !strings.Contains(err.Error(), b.dir) {
		t.Errorf("Open of an absent chosen folder = %v; want ErrDataDirMissing", err)
	}
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// TestKeeperMoveDataDir copies the data into a new folder, remembered
// for the next start, where it opens whole; the old folder stays, the
// store is closed. A supervisor, and a folder holding a store, are
// refused.
func TestKeeperMoveDataDir(t *testing.T) {
	ctx := context.Background()
	b, ds := mustDemoDataset(t)
	b.dirs.Default = t.TempDir()
	if _, err := ds.Office.SignIn(ctx, "superviseur", ds.DemoPassword); err != nil {
		t.Fatal(err)
	}
	n, err := ds.Office.CountApplicants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "chiffre", "intiqa")

	// Refused to a supervisor, and over a store.
	closed, err := ds.Keeper.MoveDataDir(ctx, target, func(ui.Progress) {})
	if !errors.Is(err, office.ErrForbidden) || closed {
		t.Errorf("a supervisor's move: closed %v, %v; want ErrForbidden", closed, err)
	}
	if _, err := ds.Office.SignIn(ctx, "admin", adminPassword); err != nil {
		t.Fatal(err)
	}
	occupied := t.TempDir()
	if err := os.WriteFile(filepath.Join(occupied, storeFile), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = ds.Keeper.MoveDataDir(ctx, occupied, func(ui.Progress) {})
	if !errors.Is(err, ui.ErrStorePresent) {
		t.Errorf("a move over a store: %v; want ErrStorePresent", err)
	}
	_, err = ds.Keeper.MoveDataDir(ctx, b.dir, func(ui.Progress) {})
	if !errors.Is(err, ui.ErrDataDirUnusable) {
		t.Errorf("a move onto the folder in use: %v; want ErrDataDirUnusable", err)
	}

	// A failure at the last step (the settings cannot be written) leaves
	// no store in the new folder, and the old one open.
	def := b.dirs.Default
	b.dirs.Default = filepath.Join(occupied, storeFile) // a file: no folder there
	if closed, err := ds.Keeper.MoveDataDir(ctx, target, func(ui.Progress) {}); err == nil || closed {
		t.Fatalf("a move whose settings fail: closed %v, %v", closed, err)
	}
	if _, err := os.Stat(filepath.Join(target, demoFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed move left a store: %v", err)
	}
	b.dirs.Default = def

	// Copied, remembered, the store closed.
	closed, err = ds.Keeper.MoveDataDir(ctx, target, func(ui.Progress) {})
	if err != nil || !closed {
		t.Fatalf("move: closed %v, %v", closed, err)
	}
	if s, err := readSettings(b.dirs.Default); err != nil || s.DataDir != target {
		t.Errorf("settings after the move: %+v, %v", s, err)
	}
	if _, err := os.Stat(filepath.Join(b.dir, demoFile)); err != nil {
		t.Errorf("the old folder's store: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(target, ".intiqa-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}

	// The next start opens the copy, whole.
	next := mustBackend(t)
	t.Cleanup(func() { next.Close() })
	next.dir, next.dirs = target, ui.DataDirs{Current: target, Default: b.dirs.Default, Chosen: target}
	again, err := next.Open(ctx, func(ui.Progress) {})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := again.Office.SignIn(ctx, "superviseur", again.DemoPassword); err != nil {
		t.Fatal(err)
	}
	if got, err := again.Office.CountApplicants(ctx); err != nil || got != n {
		t.Errorf("the copy holds %d applicants (%v); want %d", got, err, n)
	}
	files, _ := os.ReadDir(filepath.Join(target, demoDocs))
	if len(files) == 0 {
		t.Error("no document file copied")
	}
}
