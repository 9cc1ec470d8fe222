package xlsx

import (
	"io"
	"iter"

	"intiqa/reports"
)

// ReportSheet is the name of the small sheet that follows every list,
// naming the report, its scope, its run and its date.
const ReportSheet = "report"

// WriteReport writes a list report to w: one sheet named as the report,
// with a header row of the columns' keys and every section's rows in
// order, streamed like the contract files; then the report sheet. It
// returns the number of data rows.
func WriteReport(w io.Writer, r *reports.Report) (int, error) {
	rows := func(yield func([]any, error) bool) {
		for _, s := range r.Sections {
			for _, row := range s.Rows {
				if !yield(row, nil) {
					return
				}
			}
		}
	}
	return writeSheet(w, r.Name, r.Keys(), rows, copyCells, metaSheet(r.Meta))
}

// WriteStatistics writes the statistics to w: the areas table streamed
// as the first sheet, then the categories and files tables and the
// report sheet.
func WriteStatistics(w io.Writer, s *reports.Statistics) error {
	tables := s.Tables()
	area := tables[1]
	small := []smallSheet{}
	for _, t := range []reports.StatsTable{tables[0], tables[2]} {
		small = append(small, smallSheet{name: t.Sheet, rows: withHeader(t)})
	}
	small = append(small, metaSheet(s.Meta))
	_, err := writeSheet(w, area.Sheet, keys(area.Columns), slice(area.Rows), copyCells, small...)
	return err
}

// metaSheet describes a report: what it is, where it comes from.
func metaSheet(m reports.Meta) smallSheet {
	rows := [][]any{
		{"field", "value"},
		{"title", m.Title},
		{"title_ar", m.TitleAR},
		{"scope", m.Scope},
		{"subtitle", m.Subtitle},
		{"office", m.Office},
		{"printed", m.Printed.UTC().Format(DateTimeLayout)},
	}
	if m.RunID != "" {
		rows = append(rows, []any{"run_id", m.RunID}, []any{"run_output_hash", m.RunHash})
	}
	return smallSheet{name: ReportSheet, rows: rows}
}

// withHeader returns a small table's rows under its keys.
func withHeader(t reports.StatsTable) [][]any {
	head := make([]any, len(t.Columns))
	for i, k := range keys(t.Columns) {
		head[i] = k
	}
	return append([][]any{head}, t.Rows...)
}

func keys(cols []reports.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Key
	}
	return out
}

// slice streams rows that are already in memory.
func slice(rows [][]any) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// copyCells copies a row's cells into the writer's row.
func copyCells(src []any, dst []any) { copy(dst, src) }
