package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"intiqa/reports/reportstest"
)

// mustReportStore writes a province's store, filled through the whole
// process, to a file and returns its path and the fixture.
func mustReportStore(t *testing.T) (string, *reportstest.Fixture) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "intiqa.db")
	f, err := reportstest.Build(context.Background(), path, "12.066")
	if err != nil {
		t.Fatal(err)
	}
	f.DB.Close()
	return path, f
}

// TestReportCommand writes every report in both formats, then reads the
// PDFs back for what identifies them.
func TestReportCommand(t *testing.T) {
	db, f := mustReportStore(t)
	dir := t.TempDir()
	session := f.Sessions[0].ID
	tests := []struct {
		args []string
		want string // in the PDF's text
	}{
		{[]string{"convocations", "--session", session}, "Liste des convocations"},
		{[]string{"attendance", "--session", session}, "Feuille de présence"},
		{[]string{"minutes", "--session", session}, "Procès-verbal du jury"},
		{[]string{"selected"}, f.Final.OutputHash},
		{[]string{"waiting", "--run", f.Final.ID}, "Listes d'attente"},
		{[]string{"reviews"}, "pièces justificatives"},
		{[]string{"stats"}, "Statistiques du recrutement"},
		{[]string{"stats", "--scope", "12"}, "Région Dakhla-Oued Ed-Dahab"},
	}
	for _, tt := range tests {
		for _, ext := range []string{".pdf", ".xlsx"} {
			out := filepath.Join(dir, strings.Join(tt.args, "_")+ext)
			args := append([]string{"report"}, tt.args...)
			args = append(args, "--db", db, "--date", "2024-06-20", out)
			code, stdout, errOut := MustRun(t, args...)
			if code != 0 || !strings.Contains(stdout, "écrit dans "+out) {
				t.Fatalf("%v: exit %d\n%s%s", args, code, stdout, errOut)
			}
			if ext == ".pdf" {
				checkPDFText(t, out, tt.want, "20/06/2024")
				continue
			}
			book, err := excelize.OpenFile(out)
			if err != nil {
				t.Fatalf("%v: %v", args, err)
			}
			book.Close()
		}
	}
}

// checkPDFText reads a PDF back with pdftotext and looks for each of
// want.
func checkPDFText(t *testing.T, path string, want ...string) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is required in CI (scripts/setup.sh installs poppler-utils)")
		}
		t.Skip("pdftotext is missing: run scripts/setup.sh")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, w := range want {
		if !strings.Contains(string(out), w) {
			t.Errorf("%s lacks %q", filepath.Base(path), w)
		}
	}
}

func TestReportTemplate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "needs.xlsx")
	code, _, errOut := MustRun(t, "report", "template", "needs", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	book, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	if got := book.GetSheetList(); len(got) != 2 || got[0] != "needs" {
		t.Errorf("sheets %v", got)
	}
}

// TestReportErrors checks that a wrong command line or a missing record
// is said plainly, in French, with what to do.
func TestReportErrors(t *testing.T) {
	db, _ := mustReportStore(t)
	out := filepath.Join(t.TempDir(), "out.pdf")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"NoKind", []string{"report"}, 2, "type de rapport attendu"},
		{"UnknownKind", []string{"report", "diplomas", "--db", db, out}, 2, "type de rapport attendu"},
		{"NoSession", []string{"report", "attendance", "--db", db, out}, 2,
			"--session est obligatoire"},
		{"UnknownSession", []string{"report", "minutes", "--session", "S999", "--db", db, out}, 1,
			"session \"S999\" introuvable (sessions de la base : S001, S002)"},
		{"BadExtension", []string{"report", "reviews", "--db", db, "out.docx"}, 2, ".pdf ou .xlsx"},
		{"NoStore", []string{"report", "reviews", "--db", "absent.db", out}, 1, "introuvable"},
		{"BadScope", []string{"report", "stats", "--scope", "99", "--db", db, out}, 1,
			"ni une région ni une province"},
		{"WrongRun", []string{"report", "selected", "--run", "nope", "--db", db, out}, 1,
			"exécution de sélection \"nope\" introuvable"},
		{"TemplateAsPDF", []string{"report", "template", "needs", out}, 2, "en .xlsx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := MustRun(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed report left a file behind")
	}
}
