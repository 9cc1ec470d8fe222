// Package reports builds the view of every printed list and statistic of
// Intiqa from a store: what the header and footer say, the columns, and
// the rows in sections. The PDF (reports/pdf) and XLSX (reports/xlsx)
// renderers draw these views, so a list reads the same on paper and in a
// spreadsheet, and the desktop app can feed them from its own store.
//
// Every label is in French with its Arabic translation; names appear in
// Latin and Arabic script (left in logical order: the PDF renderer
// shapes and orders them through reports/arabic).
package reports

import "time"

// Meta is what a report's header and footer show.
type Meta struct {
	Office, OfficeAR     string // the issuing office
	Scope, ScopeAR       string // e.g. "Province de Chtouka-Aït Baha (09.163)"
	Title, TitleAR       string
	Subtitle, SubtitleAR string // e.g. the session or the run
	// RunID and RunHash identify the selection run the list comes from
	// (RunHash is its output hash); empty when none applies.
	RunID, RunHash string
	Printed        time.Time // the date printed in the footer
}

// Align is how a column's cells are aligned.
type Align byte

// Alignments of a column.
const (
	Left   Align = 'L'
	Center Align = 'C'
	Right  Align = 'R'
)

// Column is one column of a list: its XLSX header, its PDF header in
// French and Arabic, and its PDF width.
type Column struct {
	Key     string  // XLSX header: lower-case, stable, like the contract files
	Label   string  // PDF header, French
	LabelAR string  // PDF header, Arabic (may be empty)
	Width   float64 // PDF width in mm; 0 keeps the column out of the PDF
	Align   Align
}

// Section is a group of rows under a heading, such as one commune and
// role of a list of selected candidates.
type Section struct {
	Heading, HeadingAR string
	// Lines are extra lines under the heading (a candidate's panel
	// score, a session's place).
	Lines []string
	// Rows hold one cell per column: a string, an int, a float64, or nil.
	Rows [][]any
	// NewPage starts the section on a page of its own.
	NewPage bool
}

// Report is one printable list.
type Report struct {
	// Name is the base of the report's file names, e.g. "convocations".
	Name      string
	Meta      Meta
	Columns   []Column
	Sections  []Section
	Landscape bool
	// RowHeight is the height of a row in mm; 0 for the default. Lists
	// that are signed leave room for a signature.
	RowHeight float64
	// Signatures are the names under whose signature blocks the list
	// ends (a panel's members); Signature labels the blocks.
	Signatures                       []string
	SignatureLabel, SignatureLabelAR string
	// Notes are lines printed after the rows.
	Notes []string
}

// RowCount returns the number of rows in all sections.
func (r *Report) RowCount() int {
	n := 0
	for _, s := range r.Sections {
		n += len(s.Rows)
	}
	return n
}

// Keys returns the XLSX headers of the columns.
func (r *Report) Keys() []string {
	keys := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		keys[i] = c.Key
	}
	return keys
}
