package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"intiqa/localdb"
	"intiqa/reports/xlsx"
	"intiqa/selection"
)

// mustPreselect runs preselect with args and fails the test unless it
// succeeds; it returns stdout.
func mustPreselect(tb testing.TB, args ...string) string {
	tb.Helper()
	code, out, errOut := MustRun(tb, append([]string{"preselect"}, args...)...)
	if code != 0 {
		tb.Fatalf("preselect %v: exit %d\n%s", args, code, errOut)
	}
	return out
}

// TestPreselectFilesAndStoreAgree runs the pre-selection of a generated
// province from its contract files and from a store holding them: both
// write the same file, byte for byte, the store records the run, and
// verify-run accepts the file from either source.
func TestPreselectFilesAndStoreAgree(t *testing.T) {
	dir := mustGen(t)
	apps, needs := filepath.Join(dir, "applicants.xlsx"), filepath.Join(dir, "needs.xlsx")
	fromFiles := filepath.Join(dir, "from-files.xlsx")
	mustPreselect(t, "--applicants", apps, "--needs", needs, "--seed", "2024", "--out", fromFiles)

	db := MustEmptyStore(t)
	MustImport(t, db, "applicants", apps)
	MustImport(t, db, "needs", needs)
	fromStore := filepath.Join(dir, "from-store.xlsx")
	out := mustPreselect(t, "--db", db, "--seed", "2024", "--out", fromStore, "--actor", "test")
	a, b := mustReadFile(t, fromFiles), mustReadFile(t, fromStore)
	if !bytes.Equal(a, b) {
		t.Errorf("files and store give different preselection.xlsx (%d and %d bytes)", len(a), len(b))
	}

	// The summary, the file and the store tell the same run.
	run, outcomes := mustResult(t, fromStore)
	if !strings.Contains(out, run.ID) || !strings.Contains(out, run.OutputHash) {
		t.Errorf("summary lacks the run ID or output hash:\n%s", out)
	}
	if run.Seed != "2024" || run.RulesHash != selection.DefaultRules().Hash() {
		t.Errorf("run sheet: seed %q, rules %s", run.Seed, run.RulesHash)
	}
	if got := selection.OutcomesHash(outcomes); got != run.OutputHash {
		t.Errorf("the file's outcomes hash to %s, its run sheet says %s", got, run.OutputHash)
	}
	store, err := localdb.Open(context.Background(), db, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	saved, err := store.Run(context.Background(), run.ID)
	if err != nil {
		t.Fatalf("run not stored: %v", err)
	}
	stored, err := store.Outcomes(context.Background(), run.ID)
	if err != nil || len(stored) != len(outcomes) || saved.OutputHash != run.OutputHash {
		t.Errorf("stored run: %d outcomes (file: %d), output %s, %v",
			len(stored), len(outcomes), saved.OutputHash, err)
	}

	// Both sources verify.
	for _, src := range [][]string{{"--applicants", apps, "--needs", needs}, {"--db", db}} {
		args := append([]string{"verify-run", "--result", fromStore}, src...)
		if code, out, errOut := MustRun(t, args...); code != 0 || !strings.Contains(out, "identique") {
			t.Errorf("verify-run %v: exit %d\n%s%s", src, code, out, errOut)
		}
	}

	// A second run on the same store changes nothing there.
	before := MustAuditCount(t, db)
	mustPreselect(t, "--db", db, "--seed", "2024", "--out", fromStore)
	if after := MustAuditCount(t, db); after != before {
		t.Errorf("rerunning the same pre-selection added %d audit entries", after-before)
	}
}

// TestVerifyRunFindsDifferences alters a result, or the inputs, and
// checks that verify-run fails and says where.
func TestVerifyRunFindsDifferences(t *testing.T) {
	dir := mustGen(t)
	apps, needs := filepath.Join(dir, "applicants.xlsx"), filepath.Join(dir, "needs.xlsx")
	result := filepath.Join(dir, "preselection.xlsx")
	mustPreselect(t, "--applicants", apps, "--needs", needs, "--seed", "7", "--out", result)
	_, outcomes := mustResult(t, result)
	var invited, other selection.Outcome
	for _, o := range outcomes {
		switch {
		case o.Status == selection.StatusInvited && invited.ApplicantID == "":
			invited = o
		case o.Status == selection.StatusNotInvited && other.ApplicantID == "":
			other = o
		}
	}
	if invited.ApplicantID == "" || other.ApplicantID == "" {
		t.Fatalf("the test province has no invited or no not-invited applicant")
	}

	tests := []struct {
		name string
		edit func(t *testing.T, f *excelize.File)
		args []string
		want []string // regular expressions the output must match
	}{{
		name: "StatusChanged",
		edit: func(t *testing.T, f *excelize.File) { setOutcomeCell(t, f, invited.ApplicantID, "B", "waiting") },
		want: []string{`candidat ` + invited.ApplicantID + ` : status vaut « waiting », la réexécution donne « invited »`,
			`résultat : .* le fichier a été modifié`},
	}, {
		name: "LotteryChanged",
		edit: func(t *testing.T, f *excelize.File) { setOutcomeCell(t, f, other.ApplicantID, "F", "1") },
		want: []string{`candidat ` + other.ApplicantID + ` : lottery vaut « 1 »`},
	}, {
		name: "SeedChanged",
		edit: func(t *testing.T, f *excelize.File) { setRunValue(t, f, "seed", "8") },
		want: []string{`entrées : le run en a l'empreinte [0-9a-f]{64}, celles données ont [0-9a-f]{64}`,
			`première différence : candidat A[0-9]+ : `},
	}, {
		name: "OtherRules",
		args: []string{"--rules", writeRules(t, dir, `"quota_multiplier": 4`, `"quota_multiplier": 3`)},
		want: []string{`règles : le run a été fait avec [0-9a-f]{64} .* donner le même fichier par --rules`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := result
			if tt.edit != nil {
				file = filepath.Join(t.TempDir(), "preselection.xlsx")
				editWorkbook(t, result, file, tt.edit)
			}
			args := append([]string{"verify-run", "--applicants", apps, "--needs", needs,
				"--result", file}, tt.args...)
			code, out, errOut := MustRun(t, args...)
			if code == 0 {
				t.Fatalf("verify-run accepted the altered run:\n%s", out)
			}
			for _, w := range tt.want {
				if !regexp.MustCompile(w).MatchString(out) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
				}
			}
		})
	}
}

// TestPreselectRefusesBadInputs checks that a faulty contract file is
// reported row by row and that no result is written.
func TestPreselectRefusesBadInputs(t *testing.T) {
	dir := mustGen(t)
	apps, needs := filepath.Join(dir, "applicants.xlsx"), filepath.Join(dir, "needs.xlsx")
	bad := filepath.Join(dir, "bad.xlsx")
	editWorkbook(t, apps, bad, func(t *testing.T, f *excelize.File) {
		mustSetCell(t, f, xlsx.ApplicantsSheet, "B3", "123")          // cin
		mustSetCell(t, f, xlsx.ApplicantsSheet, "P5", "99.999.99.99") // choice_1
	})
	out := filepath.Join(dir, "preselection.xlsx")
	code, _, errOut := MustRun(t, "preselect", "--applicants", bad, "--needs", needs,
		"--seed", "1", "--out", out)
	if code == 0 {
		t.Fatal("preselect accepted a faulty applicants file")
	}
	for _, w := range []string{`bad.xlsx:applicants:3:cin: `, `bad.xlsx:applicants:5:choice_1: `,
		`rien n'a été importé`} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a result was written from faulty inputs")
	}
}

func TestPreselectUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"NoSource", []string{"preselect", "--seed", "1", "--out", "x.xlsx"}, "--db, ou --applicants et --needs"},
		{"BothSources", []string{"preselect", "--db", "a.db", "--applicants", "a.xlsx", "--needs", "n.xlsx",
			"--seed", "1", "--out", "x.xlsx"}, "pas les deux"},
		{"NoSeed", []string{"preselect", "--db", "a.db", "--out", "x.xlsx"}, "--seed est obligatoire"},
		{"NoOut", []string{"preselect", "--db", "a.db", "--seed", "1"}, "--out est obligatoire"},
		{"VerifyNoResult", []string{"verify-run", "--db", "a.db"}, "--result est obligatoire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := MustRun(t, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tt.want)
			}
		})
	}
}

// mustResult reads a preselection.xlsx file back.
func mustResult(tb testing.TB, path string) (*selection.Run, []selection.Outcome) {
	tb.Helper()
	run, outcomes, err := readResult(path)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	return run, outcomes
}

func mustReadFile(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// editWorkbook copies the workbook src to dst with edit applied.
func editWorkbook(t *testing.T, src, dst string, edit func(*testing.T, *excelize.File)) {
	t.Helper()
	f, err := excelize.OpenFile(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	edit(t, f)
	if err := f.SaveAs(dst); err != nil {
		t.Fatal(err)
	}
}

func mustSetCell(t *testing.T, f *excelize.File, sheet, cell, value string) {
	t.Helper()
	if err := f.SetCellStr(sheet, cell, value); err != nil {
		t.Fatal(err)
	}
}

// setOutcomeCell sets column col of an applicant's row of the
// preselection sheet.
func setOutcomeCell(t *testing.T, f *excelize.File, applicantID, col, value string) {
	t.Helper()
	setWhere(t, f, xlsx.PreselectionSheet, applicantID, col, value)
}

// setRunValue sets the value of one field of the run sheet.
func setRunValue(t *testing.T, f *excelize.File, field, value string) {
	t.Helper()
	setWhere(t, f, xlsx.RunSheet, field, "B", value)
}

// setWhere sets column col of the row of sheet whose first cell is key.
func setWhere(t *testing.T, f *excelize.File, sheet, key, col, value string) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == key {
			mustSetCell(t, f, sheet, col+strconv.Itoa(i+1), value)
			return
		}
	}
	t.Fatalf("no row %q in sheet %s", key, sheet)
}

// writeRules writes the default rules with one text replaced.
func writeRules(t *testing.T, dir, old, new string) string {
	t.Helper()
	data := string(selection.DefaultRulesJSON())
	if !strings.Contains(data, old) {
		t.Fatalf("default rules lack %q", old)
	}
	path := filepath.Join(dir, "rules.json")
	if err := os.WriteFile(path, []byte(strings.Replace(data, old, new, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRules(t *testing.T) {
	code, out, _ := MustRun(t, "rules")
	if code != 0 || out != string(selection.DefaultRulesJSON()) {
		t.Fatalf("rules: exit %d, printed %d bytes; want the shipped file", code, len(out))
	}
	dir := t.TempDir()
	edited := writeRules(t, dir, `"min_age": 20`, `"min_age": 21`)
	code, out, errOut := MustRun(t, "rules", "--check", edited)
	if code != 0 || !strings.Contains(out, "version 2024.1") ||
		strings.Contains(out, selection.DefaultRules().Hash()) {
		t.Errorf("check of edited rules: exit %d\n%s%s", code, out, errOut)
	}
	broken := writeRules(t, dir, `"min_age": 20`, `"min_age": "vingt"`)
	code, _, errOut = MustRun(t, "rules", "--check", broken)
	if code == 0 || !strings.Contains(errOut, "rules.json : règles : ") {
		t.Errorf("check of broken rules: exit %d, %q", code, errOut)
	}
}
