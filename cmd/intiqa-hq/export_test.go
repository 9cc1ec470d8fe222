package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"intiqa/localdb"
	"intiqa/reports/xlsx"
	"intiqa/reports/xlsx/xlsxtest"
	"intiqa/selection"
)

// MustApplicants returns the store's applicants, rendered one a line.
func MustApplicants(tb testing.TB, path string) []string {
	tb.Helper()
	ctx := context.Background()
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	defer db.Close()
	var out []string
	for a, err := range db.Applicants(ctx, localdb.ApplicantFilter{}) {
		if err != nil {
			tb.Fatalf("read applicants: %v", err)
		}
		out = append(out, fmt.Sprintf("%+v", *a))
	}
	return out
}

// TestExportRoundTrip exports each contract file of a store, reads it
// back with the reader, and imports it into a fresh store: the
// applicants come back identical.
func TestExportRoundTrip(t *testing.T) {
	db := MustBaseStore(t)
	for _, c := range xlsxtest.Cases() {
		if c.Name == "NeedsValid" || c.Name == "TrainingValid" {
			MustImport(t, db, c.Kind, c.Write(t, t.TempDir()))
		}
	}
	dir := t.TempDir()
	for _, kind := range []string{"applicants", "needs", "training"} {
		out := filepath.Join(dir, kind+".xlsx")
		code, stdout, errOut := MustRun(t, "export", "--db", db, kind, out)
		if code != 0 || !strings.Contains(stdout, "3 lignes écrites") {
			t.Fatalf("export %s: exit %d\n%s%s", kind, code, stdout, errOut)
		}
	}
	r, err := xlsx.OpenApplicants(filepath.Join(dir, "applicants.xlsx"), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var read []string
	for row, err := range r.Rows() {
		if err != nil || len(row.Problems) > 0 {
			t.Fatalf("read back row %d: %v %v", row.Line, err, row.Problems)
		}
		read = append(read, fmt.Sprintf("%+v", *row.Value))
	}
	if want := MustApplicants(t, db); strings.Join(read, "\n") != strings.Join(want, "\n") {
		t.Errorf("read back\n%s\nwant\n%s", strings.Join(read, "\n"), strings.Join(want, "\n"))
	}

	fresh := MustEmptyStore(t)
	for _, kind := range []string{"applicants", "needs", "training"} {
		MustImport(t, fresh, kind, filepath.Join(dir, kind+".xlsx"))
	}
	if got, want := MustApplicants(t, fresh), MustApplicants(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("round trip changed the applicants")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("export left %d files in its folder, want 3", len(entries))
	}
}

// TestExportFailureLeavesNoFile checks that a failed export leaves
// neither a partial file nor a temporary one, and keeps an older file.
func TestExportFailureLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "applicants.xlsx")
	if err := os.WriteFile(out, []byte("older export"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := writeAtomically(out, func(w io.Writer) (int, error) {
		w.Write([]byte("half a file"))
		return 0, fmt.Errorf("store closed")
	})
	if err == nil {
		t.Fatal("want an error")
	}
	entries, _ := os.ReadDir(dir)
	if data, _ := os.ReadFile(out); string(data) != "older export" || len(entries) != 1 {
		t.Errorf("after a failed export: %q, %d files", data, len(entries))
	}
}

// TestExportNoStore checks that exporting from a store that does not
// exist fails, and creates neither the store nor the file.
func TestExportNoStore(t *testing.T) {
	dir := t.TempDir()
	db, out := filepath.Join(dir, "absent.db"), filepath.Join(dir, "applicants.xlsx")
	if code, _, errOut := MustRun(t, "export", "--db", db, "applicants", out); code != 1 ||
		!strings.Contains(errOut, "introuvable") {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed export left %d files", len(entries))
	}
}

// TestExportUsage checks the command line's faults.
func TestExportUsage(t *testing.T) {
	for name, args := range map[string][]string{
		"NoDB":        {"export", "applicants", "a.xlsx"},
		"NoOut":       {"export", "--db", "x.db", "applicants"},
		"UnknownKind": {"export", "--db", "x.db", "rubrics", "a.xlsx"},
	} {
		t.Run(name, func(t *testing.T) {
			if code, _, errOut := MustRun(t, args...); code != 2 {
				t.Errorf("exit %d, stderr %s", code, errOut)
			}
		})
	}
}

var _ selection.Importer = (*localdb.DB)(nil)
