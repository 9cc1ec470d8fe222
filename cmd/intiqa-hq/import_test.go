package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"intiqa/localdb"
	"intiqa/reports/xlsx/xlsxtest"
)

// MustRun runs intiqa-hq with args and returns its exit code, stdout
// and stderr.
func MustRun(tb testing.TB, args ...string) (int, string, string) {
	tb.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	code := run(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

// MustImport imports a file and fails the test if it is refused.
func MustImport(tb testing.TB, db, kind, path string) string {
	tb.Helper()
	code, out, errOut := MustRun(tb, "import", "--db", db, "--actor", "test", kind, path)
	if code != 0 {
		tb.Fatalf("import %s: exit %d\n%s", kind, code, errOut)
	}
	return out
}

// storeTemplates are stores built once for the whole test binary, and
// copied by each test: creating a store loads the reference territory,
// which takes seconds under the race detector.
var storeTemplates struct {
	once        sync.Once
	empty, base []byte
	err         error
}

// buildTemplates creates an empty store, then imports the three valid
// applicants of the shared table into it.
func buildTemplates() (empty, base []byte, err error) {
	dir, err := os.MkdirTemp("", "intiqa-hq-test-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "intiqa.db")
	db, err := localdb.Open(context.Background(), path, localdb.Options{})
	if err != nil {
		return nil, nil, err
	}
	if err := db.Close(); err != nil {
		return nil, nil, err
	}
	if empty, err = os.ReadFile(path); err != nil {
		return nil, nil, err
	}
	valid := xlsxtest.Case{Kind: "applicants", Header: xlsxtest.ApplicantHeader,
		Rows: xlsxtest.Applicants(3)}
	file := filepath.Join(dir, valid.File())
	if err := xlsxtest.WriteXLSX(file, "applicants", "", false, valid.Header, valid.Rows); err != nil {
		return nil, nil, err
	}
	var out bytes.Buffer
	e := &env{stdout: &out, stderr: &out, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if code := run(context.Background(), e, []string{"import", "--db", path, "applicants", file}); code != 0 {
		return nil, nil, fmt.Errorf("import base applicants: %s", out.String())
	}
	base, err = os.ReadFile(path)
	return empty, base, err
}

// mustStore writes a copy of a template store into a new folder.
func mustStore(tb testing.TB, base bool) string {
	tb.Helper()
	t := &storeTemplates
	t.once.Do(func() { t.empty, t.base, t.err = buildTemplates() })
	if t.err != nil {
		tb.Fatalf("build store templates: %v", t.err)
	}
	data := t.empty
	if base {
		data = t.base
	}
	path := filepath.Join(tb.TempDir(), "intiqa.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatalf("copy store: %v", err)
	}
	return path
}

// MustEmptyStore returns a new store with no applicant.
func MustEmptyStore(tb testing.TB) string {
	tb.Helper()
	return mustStore(tb, false)
}

// MustBaseStore returns a new store holding the three valid applicants
// of the shared table, A000001 to A000003.
func MustBaseStore(tb testing.TB) string {
	tb.Helper()
	return mustStore(tb, true)
}

// MustDigest returns a digest of everything the store holds that an
// import may change: applicants, needs, training, and the audit log
// (whose chain must verify).
func MustDigest(tb testing.TB, path string) string {
	tb.Helper()
	ctx := context.Background()
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	defer db.Close()
	h := sha256.New()
	for a, err := range db.Applicants(ctx, localdb.ApplicantFilter{}) {
		if err != nil {
			tb.Fatalf("read applicants: %v", err)
		}
		fmt.Fprintf(h, "%+v\n", *a)
	}
	needs, err := db.Needs(ctx)
	if err != nil {
		tb.Fatalf("read needs: %v", err)
	}
	fmt.Fprintf(h, "%+v\n", needs)
	for tp, err := range db.Training(ctx) {
		if err != nil {
			tb.Fatalf("read training: %v", err)
		}
		fmt.Fprintf(h, "%+v %v\n", *tp, deref(tp.TestScore))
	}
	n, err := db.VerifyAudit(ctx)
	if err != nil {
		tb.Fatalf("audit log: %v", err)
	}
	fmt.Fprintf(h, "audit %d\n", n)
	return hex.EncodeToString(h.Sum(nil))
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// MustAuditCount returns the number of audit entries of the store.
func MustAuditCount(tb testing.TB, path string) int64 {
	tb.Helper()
	ctx := context.Background()
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	defer db.Close()
	n, err := db.VerifyAudit(ctx)
	if err != nil {
		tb.Fatalf("audit log: %v", err)
	}
	return n
}

// faultLine is the contract form of a fault line: FILE:SHEET:ROW:COLUMN: msg.
var faultLine = regexp.MustCompile(`^[^:/]+\.xlsx:[^:]+:\d+:[a-z0-9_]*: .+$`)

// TestImportCases imports every file of the shared table into a store
// that already holds applicants: a valid file is taken whole; a faulty
// one is refused with its fault first on stderr, in the contract form,
// and the store is left exactly as it was.
func TestImportCases(t *testing.T) {
	before := MustDigest(t, MustBaseStore(t))
	for _, c := range xlsxtest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			db := MustBaseStore(t)
			code, out, errOut := MustRun(t, "import", "--db", db, c.Kind, c.Write(t, t.TempDir()))
			if c.Want == "" {
				if code != 0 || !strings.Contains(out, "import : "+c.File()) {
					t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
				}
				return
			}
			checkRefused(t, c, code, errOut)
			if after := MustDigest(t, db); after != before {
				t.Errorf("refused import changed the store")
			}
		})
	}
}

// checkRefused checks the stderr of a refused import.
func checkRefused(t *testing.T, c xlsxtest.Case, code int, errOut string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if code != 1 || len(lines) < 2 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if first := lines[0]; !strings.HasPrefix(first, c.Want+": ") || !strings.Contains(first, c.Msg) {
		t.Errorf("first fault %q\nwant %s: …%s…", first, c.Want, c.Msg)
	}
	for _, l := range lines[:len(lines)-1] {
		if !faultLine.MatchString(l) {
			t.Errorf("fault line %q not in the FILE:SHEET:ROW:COLUMN: form", l)
		}
	}
	summary := lines[len(lines)-1]
	want := "intiqa-hq import: " + c.File() + " refusé : "
	if !strings.HasPrefix(summary, want) || !strings.HasSuffix(summary, "rien n'a été importé") {
		t.Errorf("summary %q, want %q…", summary, want)
	}
	if len(lines) > 2 {
		t.Logf("more than one fault reported:\n%s", errOut)
	}
}

// TestReimportChangesNothing imports a file twice: the second time every
// row is unchanged and neither the data nor the audit log move.
func TestReimportChangesNothing(t *testing.T) {
	db := MustEmptyStore(t)
	c := xlsxtest.Case{Kind: "applicants", Header: xlsxtest.ApplicantHeader, Rows: xlsxtest.Applicants(5)}
	path := c.Write(t, t.TempDir())
	audit0 := MustAuditCount(t, db)
	if out := MustImport(t, db, "applicants", path); !strings.Contains(out, "5 lignes : 5 créées, 0 mises à jour, 0 inchangées") {
		t.Errorf("first import: %s", out)
	}
	audit1, digest1 := MustAuditCount(t, db), MustDigest(t, db)
	if audit1 <= audit0 {
		t.Errorf("first import wrote no audit entry (%d, then %d)", audit0, audit1)
	}
	if out := MustImport(t, db, "applicants", path); !strings.Contains(out, "5 lignes : 0 créées, 0 mises à jour, 5 inchangées") {
		t.Errorf("second import: %s", out)
	}
	if a := MustAuditCount(t, db); a != audit1 {
		t.Errorf("second import wrote %d audit entries", a-audit1)
	}
	if d := MustDigest(t, db); d != digest1 {
		t.Error("second import changed the store")
	}
}

// TestImportUpdates imports a file where one applicant changed phone.
func TestImportUpdates(t *testing.T) {
	db := MustBaseStore(t)
	rows := xlsxtest.Applicants(3)
	rows[1][8] = "0798765432" // phone
	c := xlsxtest.Case{Kind: "applicants", Header: xlsxtest.ApplicantHeader, Rows: rows}
	out := MustImport(t, db, "applicants", c.Write(t, t.TempDir()))
	if !strings.Contains(out, "3 lignes : 0 créées, 1 mises à jour, 2 inchangées") {
		t.Errorf("import: %s", out)
	}
	ctx := context.Background()
	store, err := localdb.Open(ctx, db, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a, err := store.Applicant(ctx, "A000002")
	if err != nil || a.Phone != "0798765432" {
		t.Errorf("applicant A000002: %v, phone %q", err, a.Phone)
	}
}

// TestImportUsage checks the command line's faults.
func TestImportUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "intiqa.db")
	tests := map[string][]string{
		"NoDB":        {"import", "applicants", "a.xlsx"},
		"NoFile":      {"import", "--db", db, "applicants"},
		"UnknownKind": {"import", "--db", db, "communes", "a.xlsx"},
		"BadFlag":     {"import", "--bd", db, "applicants", "a.xlsx"},
	}
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			if code, _, errOut := MustRun(t, args...); code != 2 || !strings.Contains(errOut, "usage") {
				t.Errorf("exit %d, stderr %s", code, errOut)
			}
		})
	}
	code, _, errOut := MustRun(t, "import", "--db", db, "applicants", filepath.Join(t.TempDir(), "absent.xlsx"))
	if code != 1 || !strings.Contains(errOut, "absent.xlsx") {
		t.Errorf("absent file: exit %d, stderr %s", code, errOut)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a refused file created the store (%v)", err)
	}
}

// TestImportFlagsAfterArguments checks that options may follow the
// arguments, as in "import applicants FILE --db DB --actor NAME".
func TestImportFlagsAfterArguments(t *testing.T) {
	db := MustEmptyStore(t)
	c := xlsxtest.Case{Kind: "applicants", Header: xlsxtest.ApplicantHeader, Rows: xlsxtest.Applicants(2)}
	code, out, errOut := MustRun(t, "import", "applicants", c.Write(t, t.TempDir()),
		"--db", db, "--actor", "hq:test")
	if code != 0 || !strings.Contains(out, "2 créées") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestImportProvinceScope checks that --province makes a laptop store
// that refuses applicants of another province, located on choice_1.
func TestImportProvinceScope(t *testing.T) {
	db := filepath.Join(t.TempDir(), "laptop.db")
	c := xlsxtest.Case{Kind: "applicants", Header: xlsxtest.ApplicantHeader, Rows: xlsxtest.Applicants(1)}
	code, _, errOut := MustRun(t, "import", "--db", db, "--province", "01.573", "applicants",
		c.Write(t, t.TempDir()))
	first, _, _ := strings.Cut(errOut, "\n")
	if code != 1 || !strings.HasPrefix(first, "applicants.xlsx:applicants:2:choice_1: ") ||
		!strings.Contains(first, "01.573") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}
