package xlsx

import (
	"fmt"
	"slices"
	"strings"

	"intiqa/selection"
)

// Kind is one of the contract files Intiqa reads.
type Kind int

// The contract files.
const (
	KindApplicants Kind = iota + 1
	KindNeeds
	KindTraining
	KindPreselection // a run's result, which Intiqa writes and verifies
)

// Kinds lists the contract files that are imported into a store, in the
// order they are usually loaded.
var Kinds = []Kind{KindApplicants, KindNeeds, KindTraining}

// ParseKind returns the imported kind whose sheet is named s
// ("applicants", "needs", "training").
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Sheet() == s {
			return k, true
		}
	}
	return 0, false
}

// Sheet returns the name of the kind's sheet, which is also its file's
// name without ".xlsx".
func (k Kind) Sheet() string {
	switch k {
	case KindApplicants:
		return ApplicantsSheet
	case KindNeeds:
		return NeedsSheet
	case KindTraining:
		return TrainingSheet
	case KindPreselection:
		return PreselectionSheet
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// String returns the sheet name.
func (k Kind) String() string { return k.Sheet() }

// Columns returns the kind's contract columns, in contract order.
func (k Kind) Columns() []string {
	switch k {
	case KindApplicants:
		return ApplicantColumns
	case KindNeeds:
		return NeedColumns
	case KindTraining:
		return TrainingColumns
	case KindPreselection:
		return PreselectionColumns
	}
	return nil
}

// Optional reports whether a file may leave out column col altogether.
// Only needs.xlsx's languages is optional; choice_2 and choice_3 must be
// present in the header even though their cells may be empty.
func (k Kind) Optional(col string) bool {
	return k == KindNeeds && col == "languages"
}

// Header maps the contract columns of one file to the columns of its
// sheet. The zero Header has no column.
type Header struct {
	kind     Kind
	index    map[string]int // contract column to 0-based sheet column
	width    int            // 1 + the rightmost sheet column used
	date1904 bool           // serial dates count from 1904 (old Mac Excel)
}

// NewHeader maps a header row, one name per sheet column, to the
// contract columns of k. Names match whatever their case and surrounding
// spaces; columns may come in any order; columns outside the contract
// are ignored, since the contract only ever adds columns. It returns one
// FieldError per required column missing (ProblemRequired) and per
// contract column given twice (ProblemDuplicate).
func NewHeader(k Kind, names []string) (Header, []*selection.FieldError) {
	h := Header{kind: k, index: make(map[string]int, len(k.Columns()))}
	var errs []*selection.FieldError
	for i, name := range names {
		col := strings.ToLower(strings.TrimSpace(name))
		if !slices.Contains(k.Columns(), col) {
			continue
		}
		if j, dup := h.index[col]; dup {
			errs = append(errs, &selection.FieldError{Field: col, Value: name,
				Problem: selection.ProblemDuplicate,
				Detail:  "colonnes " + ColumnName(j) + " et " + ColumnName(i)})
			continue
		}
		h.index[col] = i
		h.width = max(h.width, i+1)
	}
	for _, col := range k.Columns() {
		if _, ok := h.index[col]; !ok && !k.Optional(col) {
			errs = append(errs, &selection.FieldError{Field: col,
				Problem: selection.ProblemRequired, Detail: "colonne absente de la ligne d'en-tête"})
		}
	}
	return h, errs
}

// Has reports whether the sheet has the contract column col.
func (h Header) Has(col string) bool {
	_, ok := h.index[col]
	return ok
}

// cell returns the cell of the contract column col in a row.
func (h Header) cell(cells []Cell, col string) Cell {
	i, ok := h.index[col]
	if !ok || i >= len(cells) {
		return Cell{}
	}
	return cells[i]
}

// ColumnName returns the letters of the 0-based column i ("A", "AB").
func ColumnName(i int) string {
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

// headerMessage renders a header fault for the FILE:SHEET:ROW:COLUMN line.
func headerMessage(fe *selection.FieldError) string {
	if fe.Problem == selection.ProblemRequired {
		return fmt.Sprintf("colonne « %s » absente de la ligne d'en-tête", fe.Field)
	}
	return fmt.Sprintf("colonne « %s » en double (%s)", fe.Field, fe.Detail)
}
