package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"intiqa/assets"
)

// TestBackupAndRestore backs up a store holding data, refuses a damaged
// copy of the backup, then restores the good one over a store that moved
// on, and checks the store holds the backup's data again.
func TestBackupAndRestore(t *testing.T) {
	db := MustBaseStore(t)
	want := MustDigest(t, db)
	backup := filepath.Join(t.TempDir(), "sauvegarde.db")
	code, out, errOut := MustRun(t, "backup", "--db", db, "--out", backup)
	if code != 0 || !strings.Contains(out, "sauvegarde écrite dans "+backup) {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}

	// The store moves on: the needs of a generated province.
	dir := mustGen(t)
	MustImport(t, db, "needs", filepath.Join(dir, "needs.xlsx"))
	moved := MustDigest(t, db)
	if moved == want {
		t.Fatal("the import changed nothing; the test proves nothing")
	}

	// A truncated backup is refused and the store is left as it is.
	bad := filepath.Join(t.TempDir(), "tronquée.db")
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, data[:len(data)/3], 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = MustRun(t, "restore", "--db", db, "--from", bad)
	if code != 1 || !strings.Contains(errOut, "sauvegarde refusée") {
		t.Errorf("restore of a truncated backup: exit %d, %q", code, errOut)
	}
	if MustDigest(t, db) != moved {
		t.Error("the refused restore changed the store")
	}

	// The good one is checked, then restored.
	code, out, _ = MustRun(t, "restore", "--check", "--from", backup)
	if code != 0 || !strings.Contains(out, "sauvegarde saine") {
		t.Errorf("restore --check: exit %d, %q", code, out)
	}
	code, out, errOut = MustRun(t, "restore", "--db", db, "--from", backup)
	if code != 0 || !strings.Contains(out, "l'ancienne base est gardée dans "+db+".before-restore-") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	if got := MustDigest(t, db); got != want {
		t.Error("the restored store differs from the one backed up")
	}
}

func TestVersion(t *testing.T) {
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(assets.Version) {
		t.Fatalf("assets/VERSION holds %q; want x.y.z, as fyne package takes it", assets.Version)
	}
	for _, arg := range []string{"--version", "version"} {
		code, out, _ := MustRun(t, arg)
		if code != 0 || !strings.HasPrefix(out, "intiqa-hq "+assets.Version) {
			t.Errorf("%s: exit %d, %q", arg, code, out)
		}
	}
}
