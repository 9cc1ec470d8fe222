package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"intiqa/assets"
	"intiqa/localdb"
	"intiqa/localdb/backupzip"
	"intiqa/localdb/demo"
	"intiqa/selection"
	"intiqa/selection/office"
)

// archiveKeeper is the window's keeper for the tests: it backs up and
// restores the test's real store with the real archive package, after
// the same role checks as the app's (whose own tests are in the main
// package), and keeps the folder chosen in memory.
type archiveKeeper struct {
	db     *localdb.DB
	svc    *office.Service
	docs   string
	dirs   DataDirs
	closed bool
}

func (k *archiveKeeper) DataDirs() DataDirs { return k.dirs }

func (k *archiveKeeper) ChooseDataDir(dir string) error {
	if _, err := k.svc.Authorize(office.ActChooseDataDir); err != nil {
		return err
	}
	k.dirs.Chosen = dir
	return nil
}

func (k *archiveKeeper) MoveDataDir(_ context.Context, dir string, _ func(Progress)) (
	bool, error) {
	if _, err := k.svc.Authorize(office.ActChooseDataDir); err != nil {
		return false, err
	}
	k.dirs.Chosen, k.closed = dir, true // the copy itself is the app's, tested in package main
	return true, k.db.Close()
}

func (k *archiveKeeper) Backup(ctx context.Context, path string, progress func(Progress)) (
	BackupSummary, error) {
	if _, err := k.svc.Authorize(office.ActBackup); err != nil {
		return BackupSummary{}, err
	}
	m, err := backupzip.Write(ctx, k.db, k.docs, path, backupzip.Options{Kind: "demo",
		Progress: func(done, total int) {
			progress(Progress{Step: StepBackup, Done: done, Total: total})
		}})
	if err != nil {
		return BackupSummary{}, err
	}
	return BackupSummary{Path: path, CreatedAt: m.CreatedAt, Version: m.Version,
		Documents: len(m.Documents)}, nil
}

func (k *archiveKeeper) Restore(ctx context.Context, path string, _ func(Progress)) (
	BackupSummary, bool, error) {
	if _, err := k.svc.Authorize(office.ActRestore); err != nil {
		return BackupSummary{}, false, err
	}
	st, err := backupzip.Unpack(ctx, path, filepath.Join(filepath.Dir(k.db.Path()), ".staged"),
		backupzip.UnpackOptions{DocsDir: k.docs})
	if err != nil {
		return BackupSummary{}, false, errors.Join(ErrBadBackup, err)
	}
	defer st.Remove()
	k.closed = true
	if err := k.db.Close(); err != nil {
		return BackupSummary{}, true, err
	}
	if _, err := st.Install(ctx, k.db.Path(), k.docs); err != nil {
		return BackupSummary{}, true, err
	}
	return BackupSummary{Path: path, CreatedAt: st.Manifest.CreatedAt,
		Documents: len(st.Manifest.Documents)}, true, nil
}

// mustKeeping returns a harness over a copy of the demonstration whose
// dataset has an archiveKeeper; the backend opens the store again after
// a restore.
func mustKeeping(tb testing.TB) (*harness, *archiveKeeper) {
	tb.Helper()
	ds, db, _ := mustDataset(tb, false)
	_, files := builtFixture(tb, false)
	docs := filepath.Join(tb.TempDir(), "documents")
	if err := os.CopyFS(docs, os.DirFS(files.Dir)); err != nil {
		tb.Fatal(err)
	}
	k := &archiveKeeper{db: db, svc: ds.Office, docs: docs,
		dirs: DataDirs{Current: "/home/amina/.local/share/intiqa",
			Default: "/home/amina/.local/share/intiqa"}}
	ds.Keeper = k
	open := func(ctx context.Context, _ func(Progress)) (*Dataset, error) {
		if !k.closed {
			return ds, nil
		}
		again, err := localdb.Open(ctx, db.Path(), localdb.Options{})
		if err != nil {
			return nil, err
		}
		tb.Cleanup(func() { again.Close() })
		svc := office.New(again, localdb.Files{Dir: docs}, office.Options{})
		k.db, k.svc, k.closed = again, svc, false
		return &Dataset{Office: svc, Demo: true, DemoPassword: demo.Password, Keeper: k}, nil
	}
	h := mustHarness(tb, &fakeBackend{open: open,
		openDemo: func(ctx context.Context, _ *selection.User, p func(Progress)) (*Dataset, error) {
			return open(ctx, p)
		}})
	h.shell.SetDataDir(k.dirs.Current)
	h.shell.Start(context.Background(), false)
	return h, k
}

// signIn signs a demonstration account in through the window.
func (h *harness) signIn(tb testing.TB, user string) {
	tb.Helper()
	if err := h.shell.Command("signin " + user + " " + demo.Password); err != nil {
		tb.Fatal(err)
	}
	if h.shell.ds.Office.User() == nil {
		tb.Fatalf("%s not signed in:\n%s", user, h.log)
	}
}

// TestAboutBox shows the version the packages carry, the data folder
// and the credits, in French and in Arabic, from the top bar's button.
func TestAboutBox(t *testing.T) {
	h, _, _, _ := mustSignedIn(t, "coordinateur", false)
	h.shell.SetDataDir("/media/chiffre/intiqa")
	for _, lang := range []string{LangFrench, LangArabic} {
		if err := h.shell.Command("lang " + lang); err != nil {
			t.Fatal(err)
		}
		test.Tap(h.shell.frame.about)
		h.mustShow(t, "about")
		version := display(trRaw("Version {{.Version}}", map[string]any{"Version": assets.Version}))
		for _, want := range []string{version, "/media/chiffre/intiqa", tr("À propos d'Intiqa"),
			"Haut-Commissariat", "Bitstream Vera"} {
			if !strings.Contains(h.markup(), want) {
				t.Errorf("%s: the About box does not show %q:\n%s", lang, want, h.markup())
			}
		}
		if lang == LangArabic && !strings.Contains(version, "0.2") {
			t.Errorf("Arabic version line %q", version)
		}
		h.shell.about.dlg.Hide()
	}
}

// TestBackupScreenRoles opens the screen to supervisors with the backup
// only; the controls of a restore and of the data folder are disabled,
// and the core refuses the folder choice anyway. Coordinators and
// panels do not get the screen.
func TestBackupScreenRoles(t *testing.T) {
	h, k := mustKeeping(t)
	h.signIn(t, "superviseur")
	h.shell.frame.open("backup")
	h.mustShow(t, "backup")
	bs := h.shell.frame.active.(*backupScreen)
	if bs.backup.Disabled() || !bs.restore.Disabled() || !bs.choose.Disabled() ||
		!bs.folder.Disabled() || !bs.move.Disabled() {
		t.Errorf("supervisor: backup disabled %v, restore %v, choose %v, folder %v",
			bs.backup.Disabled(), bs.restore.Disabled(), bs.choose.Disabled(), bs.folder.Disabled())
	}
	bs.folder.SetText(t.TempDir())
	bs.onChoose() // as if the button were enabled
	if k.dirs.Chosen != "" {
		t.Errorf("a supervisor chose the data folder %q", k.dirs.Chosen)
	}
	if !h.shows(tr("Votre rôle ne permet pas cette action.")) {
		t.Errorf("the refusal is not told:\n%s", h.markup())
	}
	for _, user := range []string{"coordinateur", "jury1"} {
		h.signIn(t, user)
		if h.shell.frame.nav["backup"] != nil {
			t.Errorf("%s sees the Backup screen", user)
		}
	}

	// The administrator chooses the folder for the next start.
	h.signIn(t, "administrateur")
	h.shell.frame.open("backup")
	bs = h.shell.frame.active.(*backupScreen)
	chosen := "/media/chiffre/intiqa"
	bs.folder.SetText(chosen)
	test.Tap(h.button(t, "Utiliser ce dossier"))
	if k.dirs.Chosen != chosen || !strings.Contains(bs.done, chosen) {
		t.Errorf("chosen %q; the screen says %q", k.dirs.Chosen, bs.done)
	}
	test.Tap(h.button(t, "Revenir au dossier par défaut"))
	if k.dirs.Chosen != "" {
		t.Errorf("back to the default: chosen %q", k.dirs.Chosen)
	}

	// Copying the data there ends the session and asks for a restart.
	bs.folder.SetText(chosen)
	test.Tap(h.button(t, "Copier les données dans ce dossier"))
	test.Tap(h.button(t, "Copier"))
	h.mustShow(t, "restart")
	if k.dirs.Chosen != chosen || h.shell.frame != nil || !h.shows(chosen) {
		t.Errorf("after the copy: chosen %q, frame %v:\n%s", k.dirs.Chosen, h.shell.frame, h.markup())
	}
}

// TestBackupRestoreThroughScreen backs up from the screen, changes the
// store, restores the archive after confirming, and signs in again on
// the restored store; a truncated archive is refused with the store
// left open and unchanged.
func TestBackupRestoreThroughScreen(t *testing.T) {
	ctx := context.Background()
	h, k := mustKeeping(t)
	h.signIn(t, "administrateur")
	h.shell.frame.open("backup")
	archive := filepath.Join(t.TempDir(), "sauvegarde.zip")
	if err := h.shell.Command("backup " + archive); err != nil {
		t.Fatal(err)
	}
	bs := h.shell.frame.active.(*backupScreen)
	if !strings.Contains(bs.done, archive) || !h.shows(tr("Sauvegarde enregistrée")) {
		t.Fatalf("after the backup the screen says %q:\n%s", bs.done, h.log)
	}
	if err := h.shell.ds.Office.CreateUser(ctx, "apres", "Après", selection.UserPanel,
		"un mot de passe long"); err != nil {
		t.Fatal(err)
	}

	// A truncated archive: refused, told, nothing changed.
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "coupee.zip")
	if err := os.WriteFile(cut, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := h.shell.Command("restore " + cut); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.button(t, "Restaurer"))
	if k.closed || h.shell.frame == nil || !h.shows("Cette sauvegarde est abîmée") {
		t.Fatalf("a truncated archive: closed %v; the window shows:\n%s", k.closed, h.markup())
	}
	if _, err := h.shell.ds.Office.Users(ctx); err != nil {
		t.Errorf("the store after the refusal: %v", err)
	}

	// The good one, confirmed: everybody signs in again, on the store as
	// it was at the backup.
	h.shown = nil
	if err := h.shell.Command("restore " + archive); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.button(t, "Restaurer"))
	h.mustHaveShown(t, "signin")
	if !h.shows(tr("Sauvegarde restaurée")) {
		t.Errorf("the restore is not told:\n%s", h.markup())
	}
	h.signIn(t, "administrateur")
	users, err := h.shell.ds.Office.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Name == "apres" {
			t.Error("the account made after the backup survived the restore")
		}
	}
}

// TestFirstRunRestore fills a laptop with no data from a backup: a
// damaged archive is told on the first run's screen, a sound one leads
// to the sign-in.
func TestFirstRunRestore(t *testing.T) {
	ds, _, _ := mustDataset(t, false)
	var asked []string
	h := mustHarness(t, &fakeBackend{
		open: func(context.Context, func(Progress)) (*Dataset, error) { return nil, ErrNoStore },
		restore: func(_ context.Context, path string) (*Dataset, error) {
			asked = append(asked, path)
			if len(asked) == 1 {
				return nil, ErrBadBackup
			}
			return ds, nil
		},
	})
	h.shell.Start(context.Background(), false)
	fr := h.shell.firstRun
	fr.login.SetText("admin")
	fr.password.SetText("un mot de passe long")
	fr.confirm.SetText("un mot de passe long")
	test.Tap(h.button(t, "Créer l'administrateur"))
	if h.button(t, "Restaurer une sauvegarde") == nil {
		t.Fatal("no restore on the first run")
	}
	h.shell.restoreNew("/media/usb/abimee.zip")
	h.mustShow(t, "enroll")
	if p := h.shell.firstRun.problem; !p.Visible() || !strings.Contains(p.Text, "abîmée") {
		t.Errorf("the refusal is not told: %q", p.Text)
	}
	h.shell.restoreNew("/media/usb/sauvegarde.zip")
	h.mustShow(t, "signin")
	if len(asked) != 2 || asked[1] != "/media/usb/sauvegarde.zip" {
		t.Errorf("restores asked: %v", asked)
	}
}

// TestChosenFolderMissing tells, at start, that the chosen data folder
// is absent and offers to try again once the drive is there.
func TestChosenFolderMissing(t *testing.T) {
	ds, _, _ := mustDataset(t, false)
	missing := true
	h := mustHarness(t, &fakeBackend{open: func(context.Context, func(Progress)) (*Dataset, error) {
		if missing {
			return nil, fmt.Errorf("data folder /media/chiffre/intiqa: %w", ErrDataDirMissing)
		}
		return ds, nil
	}})
	h.shell.Start(context.Background(), false)
	h.mustShow(t, "error")
	if !h.shows("Branchez et déverrouillez") {
		t.Errorf("the error screen does not say what to do:\n%s", h.markup())
	}
	missing = false
	test.Tap(h.button(t, "Réessayer"))
	h.mustShow(t, "signin")
}
