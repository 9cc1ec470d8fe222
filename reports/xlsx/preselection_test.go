package xlsx_test

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"intiqa/reports/xlsx"
	"intiqa/selection"
)

// mustPreselection runs the pre-selection of the small province.
func mustPreselection(tb testing.TB) *selection.Preselection {
	tb.Helper()
	g := mustGenerator(tb, smallProvince)
	var apps []*selection.Applicant
	for a := range g.Applicants() {
		apps = append(apps, a)
	}
	p, err := selection.Preselect(selection.PreselectInput{Rules: selection.DefaultRules(),
		Seed: "2024", Applicants: apps, Needs: g.Needs()})
	if err != nil {
		tb.Fatal(err)
	}
	p.Run.ID = "pre-test"
	return p
}

// TestPreselectionRoundTrip writes a run's result and reads it back:
// every outcome and the run record come back as they were.
func TestPreselectionRoundTrip(t *testing.T) {
	p := mustPreselection(t)
	path := mustWrite(t, "preselection.xlsx", func(w io.Writer) error {
		_, err := xlsx.WritePreselection(w, &p.Run, p.Outcomes)
		return err
	})

	run, err := xlsx.ReadRun(path, xlsx.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := p.Run
	want.StartedAt, want.CommittedAt, want.CreatedBy = run.StartedAt, run.CommittedAt, run.CreatedBy
	if !reflect.DeepEqual(*run, want) {
		t.Errorf("run sheet read back as\n%+v\nwant\n%+v", *run, want)
	}

	r, err := xlsx.OpenPreselection(path, xlsx.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []selection.Outcome
	for row, err := range r.Rows() {
		if err != nil || len(row.Problems) > 0 {
			t.Fatalf("row %d: %v %v", row.Line, err, row.Problems)
		}
		got = append(got, *row.Value)
	}
	if d := p.Compare(got); d != nil {
		t.Errorf("outcomes read back differ: %v", d)
	}
	if h := selection.OutcomesHash(got); h != p.Run.OutputHash {
		t.Errorf("outcomes read back hash to %s, want %s", h, p.Run.OutputHash)
	}
}

// TestPreselectionRowFaults checks the faults of the cells that a hand
// edit of the file could break.
func TestPreselectionRowFaults(t *testing.T) {
	header := []string{"applicant_id", "status", "commune_code", "rank", "merit_score",
		"lottery", "reason"}
	tests := []struct {
		name  string
		cells []xlsx.Cell
		field string
	}{
		{"UnknownStatus", row("A1", "selected", "", "", "50", "12", ""), "status"},
		{"LotteryAsNumber", []xlsx.Cell{text("A1"), text("invited"), text(""), text(""),
			number("50"), number("1.2345E+19"), text("")}, "lottery"},
		{"LotteryTooBig", row("A1", "invited", "", "", "50", "99999999999999999999", ""), "lottery"},
		{"NoScore", row("A1", "invited", "", "", "", "12", ""), "merit_score"},
		{"FractionalRank", row("A1", "invited", "", "2.5", "50", "12", ""), "rank"},
		{"NoID", row("", "invited", "", "", "50", "12", ""), "applicant_id"},
	}
	h, errs := xlsx.NewHeader(xlsx.KindPreselection, header)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := xlsx.ParsePreselectionRow(h, 2, tt.cells)
			if len(got.Problems) != 1 || got.Problems[0].Field != tt.field {
				t.Errorf("problems %v; want one on %s", got.Problems, tt.field)
			}
		})
	}
	ok := xlsx.ParsePreselectionRow(h, 2, row("A1", "waiting", "01.511.01.01", "3", "61.5",
		"18446744073709551615", "choice_2"))
	want := selection.Outcome{ApplicantID: "A1", Status: selection.StatusWaiting,
		CommuneCode: "01.511.01.01", Rank: 3, Score: 61.5, Lottery: 18446744073709551615,
		Reason: "choice_2"}
	if len(ok.Problems) > 0 || *ok.Value != want {
		t.Errorf("sound row read as %+v, %v", *ok.Value, ok.Problems)
	}
}

// TestReadRunFaults checks that a run sheet missing or incomplete is
// refused with its place.
func TestReadRunFaults(t *testing.T) {
	p := mustPreselection(t)
	path := mustWrite(t, "preselection.xlsx", func(w io.Writer) error {
		_, err := xlsx.WritePreselection(w, &p.Run, p.Outcomes)
		return err
	})
	tests := []struct {
		name string
		edit func(f *excelize.File) error
		want string
	}{
		{"NoRunSheet", func(f *excelize.File) error { return f.DeleteSheet(xlsx.RunSheet) },
			"preselection.xlsx:run:0:: feuille « run » absente"},
		{"NoSeed", func(f *excelize.File) error { return f.RemoveRow(xlsx.RunSheet, 7) },
			"preselection.xlsx:run:0:field: champ « seed » absent"},
		{"Duplicate", func(f *excelize.File) error { return f.SetCellStr(xlsx.RunSheet, "A3", "run_id") },
			"preselection.xlsx:run:3:field: champ « run_id » en double"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.edit(f); err != nil {
				t.Fatal(err)
			}
			edited := filepath.Join(t.TempDir(), "preselection.xlsx")
			if err := f.SaveAs(edited); err != nil {
				t.Fatal(err)
			}
			f.Close()
			_, err = xlsx.ReadRun(edited, xlsx.DefaultLimits())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadRun: %v; want %q", err, tt.want)
			}
		})
	}
}

// TestOpenpyxlReadsEveryFile reads each kind of file Intiqa writes with
// openpyxl in read-only mode, which trusts each sheet's dimension
// element: every row must be seen.
func TestOpenpyxlReadsEveryFile(t *testing.T) {
	python := requireOpenpyxl(t)
	g := mustGenerator(t, smallProvince)
	p := mustPreselection(t)
	dir := t.TempDir()
	write := func(name string, fn func(io.Writer) error) {
		mustWriteAt(t, filepath.Join(dir, name), fn)
	}
	nApps, nTraining := 0, 0
	write("applicants.xlsx", func(w io.Writer) (err error) {
		nApps, err = xlsx.WriteApplicants(w, xlsx.NoError(g.Applicants()))
		return err
	})
	write("needs.xlsx", func(w io.Writer) error { return xlsx.WriteNeeds(w, g.Needs()) })
	write("training.xlsx", func(w io.Writer) (err error) {
		nTraining, err = xlsx.WriteTraining(w, xlsx.NoError(g.Training()))
		return err
	})
	write("preselection.xlsx", func(w io.Writer) error {
		_, err := xlsx.WritePreselection(w, &p.Run, p.Outcomes)
		return err
	})
	want := map[string]map[string]int{ // file, sheet: rows, the header included
		"applicants.xlsx":   {"applicants": nApps + 1},
		"needs.xlsx":        {"needs": len(g.Needs()) + 1},
		"training.xlsx":     {"training": nTraining + 1},
		"preselection.xlsx": {"preselection": len(p.Outcomes) + 1, "run": 9 + len(p.Run.Params)},
	}

	script := `
import json, sys, openpyxl
out = {}
for name in sys.argv[1:]:
    wb = openpyxl.load_workbook(name, read_only=True)
    out[name.rsplit("/", 1)[-1]] = {ws.title: sum(1 for _ in ws.iter_rows(values_only=True)) for ws in wb.worksheets}
print(json.dumps(out))
`
	args := []string{"-c", script}
	for name := range want {
		args = append(args, filepath.Join(dir, name))
	}
	out, err := exec.Command(python, args...).Output()
	if err != nil {
		t.Fatalf("openpyxl: %v", err)
	}
	var got map[string]map[string]int
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("openpyxl output %q: %v", out, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("openpyxl sees rows %v; want %v", got, want)
	}
}

// requireOpenpyxl returns a Python that has openpyxl (Debian's
// python3-openpyxl, which scripts/setup.sh installs), skipping the test
// where there is none, except in CI.
func requireOpenpyxl(t *testing.T) string {
	t.Helper()
	for _, python := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(python, "-c", "import openpyxl").Run() == nil {
			return python
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("openpyxl is required in CI (scripts/setup.sh installs python3-openpyxl)")
	}
	t.Skip("openpyxl not installed (scripts/setup.sh installs python3-openpyxl)")
	return ""
}

func mustWriteAt(tb testing.TB, path string, write func(io.Writer) error) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := write(f); err != nil {
		f.Close()
		tb.Fatalf("write %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// row makes a row of text cells, numbers as numeric cells where the
// column holds numbers (rank, merit_score).
func row(id, status, commune, rank, score, lottery, reason string) []xlsx.Cell {
	return []xlsx.Cell{text(id), text(status), text(commune), number(rank), number(score),
		text(lottery), text(reason)}
}
