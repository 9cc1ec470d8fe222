package selection

import (
	"context"
	"fmt"
	"iter"
)

// Row is one data row of an exchange file, parsed: its 1-based line in
// the sheet, the value, and the faults found while parsing its cells.
// Value is nil when no value could be built.
type Row[T any] struct {
	Line     int
	Value    T
	Problems []*FieldError
}

// Source names the exchange file an import reads, for errors and for the
// audit log.
type Source struct {
	File   string // base name, e.g. "applicants.xlsx"
	Sheet  string
	SHA256 string // hex digest of the whole file
}

// RowError locates one fault of an import, as FILE:SHEET:ROW:COLUMN.
// Row 0 and Column "" mean the fault is not tied to one cell.
type RowError struct {
	File   string
	Sheet  string
	Row    int
	Column string
	Msg    string
}

// Error renders the fault as the contract line FILE:SHEET:ROW:COLUMN: msg.
func (e *RowError) Error() string {
	return fmt.Sprintf("%s:%s:%d:%s: %s", e.File, e.Sheet, e.Row, e.Column, e.Msg)
}

// FieldRowError locates a field fault found on a given row of src.
func FieldRowError(src Source, line int, fe *FieldError) *RowError {
	return &RowError{File: src.File, Sheet: src.Sheet, Row: line, Column: fe.Field, Msg: fe.Message()}
}

// MaxReportedErrors caps how many faults an import reports.
const MaxReportedErrors = 200

// InvalidFileError is returned by an import that found faults: none of
// the file was applied. Errors holds at most MaxReportedErrors of them;
// Total counts them all.
type InvalidFileError struct {
	Errors []*RowError
	Total  int
}

// Error summarizes the faults.
func (e *InvalidFileError) Error() string {
	if len(e.Errors) == 0 {
		return "fichier refusé"
	}
	if e.Total == 1 {
		return "fichier refusé : " + e.Errors[0].Error()
	}
	return fmt.Sprintf("fichier refusé : %d erreurs, la première : %s", e.Total, e.Errors[0])
}

// Add records a fault, keeping at most MaxReportedErrors.
func (e *InvalidFileError) Add(re *RowError) {
	e.Total++
	if len(e.Errors) < MaxReportedErrors {
		e.Errors = append(e.Errors, re)
	}
}

// ImportResult counts what an import did.
type ImportResult struct {
	Rows      int
	Created   int
	Updated   int
	Unchanged int
}

// Progress is called during long operations with the rows done so far.
type Progress func(done int)

// Importer loads the contract exchange files into a store. Each import is
// all or nothing: when any row is faulty it returns *InvalidFileError and
// the store is left as it was. Importing the same rows again changes
// nothing.
type Importer interface {
	ImportApplicants(ctx context.Context, actor string, src Source,
		rows iter.Seq2[Row[*Applicant], error], progress Progress) (ImportResult, error)
	ImportNeeds(ctx context.Context, actor string, src Source,
		rows iter.Seq2[Row[*Need], error], progress Progress) (ImportResult, error)
	ImportTraining(ctx context.Context, actor string, src Source,
		rows iter.Seq2[Row[*TrainingProgress], error], progress Progress) (ImportResult, error)
}
