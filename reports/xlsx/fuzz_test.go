package xlsx_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"intiqa/reports/xlsx"
	"intiqa/reports/xlsx/xlsxtest"
	"intiqa/selection"
)

// encodeRow turns a row of xlsxtest values into the fuzzer's arguments:
// the cells' values joined by a unit separator, and one type per cell.
func encodeRow(row []any) (string, []byte) {
	cells := textCells(row)
	values := make([]string, len(cells))
	types := make([]byte, len(cells))
	for i, c := range cells {
		values[i], types[i] = c.Value, byte(c.Type)
	}
	return strings.Join(values, "\x1f"), types
}

// decodeRow is encodeRow's inverse, for any input.
func decodeRow(values string, types []byte) []xlsx.Cell {
	parts := strings.Split(values, "\x1f")
	cells := make([]xlsx.Cell, len(parts))
	for i, v := range parts {
		cells[i].Value = v
		if i < len(types) {
			cells[i].Type = xlsx.CellType(types[i] % 4)
		}
	}
	return cells
}

// FuzzParseApplicantRow feeds the applicants row parser with rows grown
// from the shared table's rows. Whatever the cells, it must not panic,
// must name every fault by its contract column, once at most, and a row
// without fault must hold an applicant the domain accepts.
func FuzzParseApplicantRow(f *testing.F) {
	for _, c := range xlsxtest.Cases() {
		if c.Kind != "applicants" {
			continue
		}
		for _, row := range c.Rows {
			values, types := encodeRow(row)
			f.Add(values, types)
		}
	}
	h, errs := xlsx.NewHeader(xlsx.KindApplicants, xlsx.ApplicantColumns)
	if len(errs) > 0 {
		f.Fatal(errs)
	}
	f.Fuzz(func(t *testing.T, values string, types []byte) {
		cells := decodeRow(values, types)
		row := xlsx.ParseApplicantRow(h, 7, cells)
		if row.Line != 7 || row.Value == nil {
			t.Fatalf("line %d, value %v", row.Line, row.Value)
		}
		seen := map[string]bool{}
		for _, fe := range row.Problems {
			if !slices.Contains(xlsx.ApplicantColumns, fe.Field) || fe.Problem == "" {
				t.Errorf("fault %#v is not on a contract column", fe)
			}
			if seen[fe.Field] {
				t.Errorf("two faults on %s: %v", fe.Field, row.Problems)
			}
			seen[fe.Field] = true
			_ = fe.Error()
		}
		if len(row.Problems) > 0 {
			return
		}
		a := row.Value
		if errs := selection.ValidateApplicant(a, nil); len(errs) > 0 {
			t.Errorf("row without fault holds an applicant the domain refuses: %v", errs)
		}
		if a.BirthDate.Location().String() != "UTC" || a.RegisteredAt.Location().String() != "UTC" {
			t.Errorf("times not in UTC: %v %v", a.BirthDate, a.RegisteredAt)
		}
		again := xlsx.ParseApplicantRow(h, 7, cells)
		if fmt.Sprint(*again.Value) != fmt.Sprint(*a) {
			t.Errorf("parsing twice differs")
		}
	})
}
