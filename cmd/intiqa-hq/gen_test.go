package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"intiqa/localdb"
	"intiqa/selection/synth"
)

// genTestProvince is Aousserd, a few hundred applicants.
const genTestProvince = "12.066"

// runGenCmd runs "intiqa-hq gen" with args and returns the exit code,
// stdout and stderr.
func runGenCmd(tb testing.TB, args ...string) (int, string, string) {
	tb.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	code := run(context.Background(), e, append([]string{"gen"}, args...))
	return code, out.String(), errOut.String()
}

// mustGen runs gen for the test province into a new folder and returns
// the folder.
func mustGen(tb testing.TB, extra ...string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "out")
	args := []string{"--seed", "3", "--scale", "province:" + genTestProvince, "--out", dir}
	args = append(args, extra...)
	code, out, errOut := runGenCmd(tb, args...)
	if code != 0 {
		tb.Fatalf("gen: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, "candidats") {
		tb.Fatalf("gen: no summary line: %q", out)
	}
	return dir
}

// mustSheetRows counts the rows of a contract file's only sheet.
func mustSheetRows(tb testing.TB, path, sheet string) int {
	tb.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		tb.Fatal(err)
	}
	return len(rows)
}

// TestGen runs gen twice on the test province, once with documents and
// a store, and checks the files, the store and that both runs wrote the
// same contract files. (Documents are rendered once only: they are slow
// under the race detector, and their determinism is tested in synth and
// specimen.)
func TestGen(t *testing.T) {
	db := filepath.Join(t.TempDir(), "intiqa.db")
	first, second := mustGen(t, "--docs", "--db", db), mustGen(t)
	g, err := synth.New(3, genTestProvince)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Files", func(t *testing.T) { checkGenFiles(t, first, g) })
	t.Run("Documents", func(t *testing.T) { checkGenDocuments(t, first) })
	t.Run("Deterministic", func(t *testing.T) {
		for _, name := range []string{"applicants.xlsx", "needs.xlsx", "training.xlsx"} {
			x, err := os.ReadFile(filepath.Join(first, name))
			if err != nil {
				t.Fatal(err)
			}
			y, err := os.ReadFile(filepath.Join(second, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(x, y) {
				t.Errorf("%s differs between two runs with the same seed", name)
			}
		}
	})
	t.Run("Store", func(t *testing.T) { checkGenStore(t, db, g) })
}

// checkGenFiles counts the rows of the three contract files.
func checkGenFiles(t *testing.T, dir string, g *synth.Generator) {
	for _, tc := range []struct {
		sheet string
		rows  int
	}{
		{"applicants", g.Count() + 1},
		{"needs", len(g.Needs()) + 1},
		{"training", g.InvitedCount() + 1},
	} {
		if got := mustSheetRows(t, filepath.Join(dir, tc.sheet+".xlsx"), tc.sheet); got != tc.rows {
			t.Errorf("%s.xlsx: %d rows, want %d", tc.sheet, got, tc.rows)
		}
	}
}

// checkGenDocuments checks that every listed document is stored under
// its SHA-256.
func checkGenDocuments(t *testing.T, dir string) {
	f, err := os.Open(filepath.Join(dir, "documents.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 {
		t.Fatalf("documents.csv: %d lines", len(recs))
	}
	for _, rec := range recs[1:] {
		ext := ".png"
		if rec[4] == "application/pdf" {
			ext = ".pdf"
		}
		b, err := os.ReadFile(filepath.Join(dir, "documents", rec[3]+ext))
		if err != nil {
			t.Fatalf("document %s: %v", rec[0], err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != rec[3] || strconv.Itoa(len(b)) != rec[5] {
			t.Fatalf("document %s: file does not match its SHA-256 or size", rec[0])
		}
	}
}

// checkGenStore checks that the store holds the whole data set.
func checkGenStore(t *testing.T, db string, g *synth.Generator) {
	ctx := context.Background()
	store, err := localdb.Open(ctx, db, localdb.Options{Scope: genTestProvince})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if n, err := store.CountApplicants(ctx, localdb.ApplicantFilter{}); err != nil || n != g.Count() {
		t.Fatalf("stored applicants = %d, %v; want %d", n, err, g.Count())
	}
	if needs, err := store.Needs(ctx); err != nil || len(needs) != len(g.Needs()) {
		t.Fatalf("stored needs = %d, %v; want %d", len(needs), err, len(g.Needs()))
	}
	training := 0
	for _, err := range store.Training(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		training++
	}
	if training != g.InvitedCount() {
		t.Fatalf("stored training = %d, want %d", training, g.InvitedCount())
	}
	uploaders := 0
	for u := range g.Uploads() {
		docs, err := store.DocumentsOf(ctx, u.Applicant.ID)
		if err != nil || len(docs) != len(u.Documents) {
			t.Fatalf("documents of %s: %d, %v; want %d", u.Applicant.ID, len(docs), err, len(u.Documents))
		}
		uploaders++
	}
	if uploaders == 0 {
		t.Fatal("no uploader to check")
	}
}

func TestGenUsage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"NoOut", []string{"--scale", "national"}, 2},
		{"BadScale", []string{"--scale", "region:04", "--out", out}, 2},
		{"EmptyProvince", []string{"--scale", "province:", "--out", out}, 2},
		{"BadSeed", []string{"--seed", "-4", "--out", out}, 2},
		{"UnknownFlag", []string{"--size", "3", "--out", out}, 2},
		{"ExtraArgument", []string{"--out", out, "more"}, 2},
		{"UnknownProvince", []string{"--scale", "province:99.999", "--out", out}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runGenCmd(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, errOut)
			}
			if !strings.Contains(errOut, "intiqa-hq gen") {
				t.Fatalf("stderr does not name the command: %q", errOut)
			}
		})
	}
}
