package xlsx_test

import (
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"intiqa/reports"
	"intiqa/reports/reportstest"
	"intiqa/reports/xlsx"
	"intiqa/reports/xlsx/xlsxtest"
)

// fixtureReports builds every list report of a province's store.
func fixtureReports(t *testing.T) (*reportstest.Fixture, []*reports.Report) {
	t.Helper()
	f := reportstest.MustProvince(t, "02.275")
	ctx, at, s := t.Context(), reportstest.Printed, f.Sessions[0].ID
	var out []*reports.Report
	for _, build := range []func() (*reports.Report, error){
		func() (*reports.Report, error) { return reports.Convocations(ctx, f.DB, s, at) },
		func() (*reports.Report, error) { return reports.Attendance(ctx, f.DB, s, at) },
		func() (*reports.Report, error) { return reports.Minutes(ctx, f.DB, s, f.Rubric, at) },
		func() (*reports.Report, error) { return reports.Selected(ctx, f.DB, f.Final.ID, at) },
		func() (*reports.Report, error) { return reports.Waiting(ctx, f.DB, f.Final.ID, at) },
		func() (*reports.Report, error) { return reports.Reviews(ctx, f.DB, at) },
	} {
		r, err := build()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return f, out
}

// TestWriteReport writes each list as XLSX and reads it back: the
// columns' keys as header, every row in order with its cells, and the
// report sheet naming the run.
func TestWriteReport(t *testing.T) {
	f, rs := fixtureReports(t)
	dir := t.TempDir()
	for _, r := range rs {
		t.Run(r.Name, func(t *testing.T) {
			path := filepath.Join(dir, r.Name+".xlsx")
			mustWriteAt(t, path, func(w io.Writer) error {
				n, err := xlsx.WriteReport(w, r)
				if err == nil && n != r.RowCount() {
					err = fmt.Errorf("%d rows written; want %d", n, r.RowCount())
				}
				return err
			})
			book, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer book.Close()
			rows, err := book.GetRows(r.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rows[0], r.Keys()) {
				t.Errorf("header %v; want %v", rows[0], r.Keys())
			}
			checkRows(t, r, rows[1:])
			meta, err := book.GetRows(xlsx.ReportSheet)
			if err != nil {
				t.Fatal(err)
			}
			if r.Meta.RunID != "" && !slices.ContainsFunc(meta, func(row []string) bool {
				return len(row) == 2 && row[1] == f.Final.OutputHash
			}) {
				t.Errorf("the report sheet lacks the run's hash: %v", meta)
			}
		})
	}
}

// checkRows compares the rows read back with the report's, cell by cell
// as text.
func checkRows(t *testing.T, r *reports.Report, got [][]string) {
	t.Helper()
	i := 0
	for _, s := range r.Sections {
		for _, want := range s.Rows {
			if i >= len(got) {
				t.Fatalf("%d rows read; want %d", len(got), r.RowCount())
			}
			for j, cell := range want {
				w := ""
				if cell != nil {
					w = fmt.Sprint(cell)
				}
				g := ""
				if j < len(got[i]) {
					g = got[i][j]
				}
				if g != w {
					t.Errorf("row %d, %s: %q; want %q", i+2, r.Columns[j].Key, g, w)
				}
			}
			i++
		}
	}
	if i != len(got) {
		t.Errorf("%d rows read; want %d", len(got), i)
	}
}

func TestWriteStatistics(t *testing.T) {
	f := reportstest.MustProvince(t, "02.275")
	s, err := reports.BuildStatistics(t.Context(), f.DB, f.Province, 400, reportstest.Printed)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "stats.xlsx")
	mustWriteAt(t, path, func(w io.Writer) error { return xlsx.WriteStatistics(w, s) })
	book, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	want := []string{"areas", "categories", "files", xlsx.ReportSheet}
	if got := book.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %v; want %v", got, want)
	}
	for _, table := range s.Tables() {
		rows, err := book.GetRows(table.Sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(table.Rows)+1 {
			t.Errorf("%s: %d rows; want %d", table.Sheet, len(rows), len(table.Rows)+1)
		}
	}
	rows, _ := book.GetRows("areas")
	total := rows[len(rows)-1]
	if total[1] != "Total" || total[3] != fmt.Sprint(s.Total.Applications) {
		t.Errorf("total row %v; want %d applications", total, s.Total.Applications)
	}
}

// TestTemplates writes each import template and checks it: the
// contract header, a sheet explaining every column, and a file that
// the contract reader accepts once a valid row is typed in.
func TestTemplates(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		kind xlsx.Kind
		row  []any
		read func(path string) (int, error)
	}{
		{xlsx.KindApplicants, xlsxtest.ApplicantRow(1), func(p string) (int, error) {
			r, err := xlsx.OpenApplicants(p, xlsx.DefaultLimits())
			return countRows(r, err)
		}},
		{xlsx.KindNeeds, xlsxtest.NeedRow(xlsxtest.Commune1), func(p string) (int, error) {
			r, err := xlsx.OpenNeeds(p, xlsx.DefaultLimits())
			return countRows(r, err)
		}},
		{xlsx.KindTraining, xlsxtest.TrainingRow(1), func(p string) (int, error) {
			r, err := xlsx.OpenTraining(p, xlsx.DefaultLimits())
			return countRows(r, err)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			path := filepath.Join(dir, tt.kind.Sheet()+".xlsx")
			mustWriteAt(t, path, func(w io.Writer) error { return xlsx.WriteTemplate(w, tt.kind) })
			book, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := book.GetRows(tt.kind.Sheet())
			if len(rows) != 1 || !slices.Equal(rows[0], tt.kind.Columns()) {
				t.Errorf("template rows %v; want the contract header %v", rows, tt.kind.Columns())
			}
			help, _ := book.GetRows(xlsx.ColumnsSheet)
			if len(help) != len(tt.kind.Columns())+1 {
				t.Fatalf("%d rows explain %d columns", len(help)-1, len(tt.kind.Columns()))
			}
			for i, c := range tt.kind.Columns() {
				if help[i+1][0] != c || strings.TrimSpace(help[i+1][1]) == "" {
					t.Errorf("column %s explained as %v", c, help[i+1])
				}
			}

			// A row typed into the template imports.
			if err := book.SetSheetRow(tt.kind.Sheet(), "A2", &tt.row); err != nil {
				t.Fatal(err)
			}
			if err := book.Save(); err != nil {
				t.Fatal(err)
			}
			book.Close()
			if n, err := tt.read(path); n != 1 || err != nil {
				t.Errorf("the filled template reads as %d rows, %v", n, err)
			}
		})
	}
}

// countRows reads every row of a contract reader and counts those
// without fault.
func countRows[T any](r *xlsx.Reader[T], err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n := 0
	for row, err := range r.Rows() {
		if err != nil {
			return n, err
		}
		if len(row.Problems) > 0 {
			return n, fmt.Errorf("line %d: %v", row.Line, row.Problems)
		}
		n++
	}
	return n, nil
}

// TestOpenpyxlReadsReports checks the reports' dimension elements with
// openpyxl's read-only mode, which trusts them.
func TestOpenpyxlReadsReports(t *testing.T) {
	python := requireOpenpyxl(t)
	_, rs := fixtureReports(t)
	dir := t.TempDir()
	want := map[string]int{}
	var args []string
	for _, r := range rs {
		path := filepath.Join(dir, r.Name+".xlsx")
		mustWriteAt(t, path, func(w io.Writer) error { _, err := xlsx.WriteReport(w, r); return err })
		want[r.Name] = r.RowCount() + 1
		args = append(args, path)
	}
	script := `
import json, sys, openpyxl
out = {}
for name in sys.argv[1:]:
    wb = openpyxl.load_workbook(name, read_only=True)
    ws = wb.worksheets[0]
    out[ws.title] = sum(1 for _ in ws.iter_rows(values_only=True))
print(json.dumps(out))
`
	out, err := exec.Command(python, append([]string{"-c", script}, args...)...).Output()
	if err != nil {
		t.Fatalf("openpyxl: %v", err)
	}
	var got map[string]int
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("openpyxl sees %d rows in %s; want %d", got[name], name, n)
		}
	}
}
