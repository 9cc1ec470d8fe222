// Package xlsxtest builds contract XLSX files for tests: valid rows of
// each contract file, and the shared table of faulty files that the
// reader's tests, the import command's tests and the fuzz target all
// use. It is imported by tests only.
package xlsxtest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Headers of the contract files, in contract order, as written by the
// cases (kept here so that a test fails if the contract loses a column).
var (
	ApplicantHeader = []string{
		"applicant_id", "cin", "last_name", "first_name", "last_name_ar", "first_name_ar",
		"sex", "birth_date", "phone", "email", "category", "education",
		"survey_experience", "tech_skill", "languages",
		"choice_1", "choice_2", "choice_3", "registered_at",
	}
	NeedHeader     = []string{"commune_code", "enumerators", "controllers", "languages"}
	TrainingHeader = []string{
		"applicant_id", "started", "modules_completed", "modules_total", "test_score",
	}
)

// Communes of province 01.511 (Tanger-Assilah) that the reference data
// holds, and one code it does not.
const (
	Commune1       = "01.511.01.01"
	Commune2       = "01.511.01.09"
	Commune3       = "01.511.05.19"
	UnknownCommune = "01.511.99.99"
)

// ApplicantRow returns a valid applicants row, distinct for each i.
func ApplicantRow(i int) []any {
	return []any{
		fmt.Sprintf("A%06d", i), fmt.Sprintf("BK%06d", i), "Benali", "Fatima Zahra",
		"بنعلي", "فاطمة الزهراء", "F", "1990-05-01", "0612345678",
		fmt.Sprintf("fatima.benali%d@example.ma", i), "graduate", "bac+3", "survey",
		"good", "darija;french", Commune1, Commune2, "", "2024-03-01T10:11:12",
	}
}

// NeedRow returns a valid needs row for commune code.
func NeedRow(code string) []any {
	return []any{code, 12, 3, "darija;tachelhit"}
}

// TrainingRow returns a valid training row for applicant i.
func TrainingRow(i int) []any {
	return []any{fmt.Sprintf("A%06d", i), "yes", 3, 5, 72.5}
}

// Applicants returns n valid applicants rows, numbered from 1.
func Applicants(n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = ApplicantRow(i + 1)
	}
	return rows
}

// with returns a copy of row with the cell of column col set to v.
func with(header []string, row []any, col string, v any) []any {
	out := slices.Clone(row)
	i := slices.Index(header, col)
	if i < 0 {
		panic("xlsxtest: no column " + col)
	}
	out[i] = v
	return out
}

// without returns header and rows without column col.
func without(header []string, rows [][]any, col string) ([]string, [][]any) {
	i := slices.Index(header, col)
	h := slices.Delete(slices.Clone(header), i, i+1)
	out := make([][]any, len(rows))
	for j, r := range rows {
		out[j] = slices.Delete(slices.Clone(r), i, i+1)
	}
	return h, out
}

// Case is one file of the shared table: either Header and Rows, written
// with excelize, or a Build function for what excelize cannot write.
type Case struct {
	Name       string
	Kind       string // "applicants", "needs" or "training"
	Header     []string
	Rows       [][]any
	Stream     bool   // write with excelize's stream writer (inline strings)
	Sheet      string // the sheet's name, when not Kind
	OtherSheet string // the name of a second, empty sheet
	Build      func(tb testing.TB, path string)

	// Want locates the one fault as FILE:SHEET:ROW:COLUMN, or is "" for
	// a valid file of Valid rows; Msg is a piece of its message.
	Want  string
	Msg   string
	Valid int
	// ByStore marks a fault only the store can see (a key in two rows
	// or already held, an unknown code): the reader finds none.
	ByStore bool
}

// File returns the case's file name.
func (c Case) File() string { return c.Kind + ".xlsx" }

// Write writes the case's file into dir and returns its path.
func (c Case) Write(tb testing.TB, dir string) string {
	tb.Helper()
	path := filepath.Join(dir, c.File())
	if c.Build != nil {
		c.Build(tb, path)
		return path
	}
	sheet := c.Sheet
	if sheet == "" {
		sheet = c.Kind
	}
	MustWriteXLSX(tb, path, sheet, c.OtherSheet, c.Stream, c.Header, c.Rows)
	return path
}

// MustWriteXLSX writes one sheet of a header and rows (a nil header
// writes no row at all), and optionally a second empty sheet.
func MustWriteXLSX(tb testing.TB, path, sheet, other string, stream bool,
	header []string, rows [][]any) {
	tb.Helper()
	if err := WriteXLSX(path, sheet, other, stream, header, rows); err != nil {
		tb.Fatal(err)
	}
}

// WriteXLSX is MustWriteXLSX for code with no testing.TB at hand.
func WriteXLSX(path, sheet, other string, stream bool, header []string, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("rename sheet: %w", err)
	}
	var all [][]any
	if header != nil {
		h := make([]any, len(header))
		for i, s := range header {
			h[i] = s
		}
		all = append([][]any{h}, rows...)
	}
	if err := writeRows(f, sheet, stream, all); err != nil {
		return fmt.Errorf("write rows: %w", err)
	}
	if other != "" {
		if _, err := f.NewSheet(other); err != nil {
			return fmt.Errorf("add sheet: %w", err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// writeRows writes rows from A1 down, through the stream writer or
// cell by cell (which uses the shared-string table).
func writeRows(f *excelize.File, sheet string, stream bool, rows [][]any) error {
	if !stream {
		for i, r := range rows {
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
				return err
			}
		}
		return nil
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, r := range rows {
		if err := sw.SetRow(fmt.Sprintf("A%d", i+1), r); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// MustRewrite rewrites the zip at path, passing each entry's content
// through edit (by entry name).
func MustRewrite(tb testing.TB, path string, edit func(name string, data []byte) []byte) {
	tb.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		data := mustReadEntry(tb, zf)
		w, err := zw.Create(zf.Name)
		if err != nil {
			tb.Fatalf("zip create: %v", err)
		}
		if _, err := w.Write(edit(zf.Name, data)); err != nil {
			tb.Fatalf("zip write: %v", err)
		}
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		tb.Fatalf("zip close: %v", err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		tb.Fatalf("write %s: %v", path, err)
	}
}

func mustReadEntry(tb testing.TB, zf *zip.File) []byte {
	tb.Helper()
	rc, err := zf.Open()
	if err != nil {
		tb.Fatalf("open entry %s: %v", zf.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatalf("read entry %s: %v", zf.Name, err)
	}
	return data
}

// replaceInSheet returns an edit for MustRewrite that replaces old by
// new, once, in the worksheet part.
func replaceInSheet(tb testing.TB, old, new string) func(string, []byte) []byte {
	return func(name string, data []byte) []byte {
		if !strings.HasPrefix(name, "xl/worksheets/") {
			return data
		}
		if !bytes.Contains(data, []byte(old)) {
			tb.Fatalf("xlsxtest: %q not in %s", old, name)
		}
		return bytes.Replace(data, []byte(old), []byte(new), 1)
	}
}
