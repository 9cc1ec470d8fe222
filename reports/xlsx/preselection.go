package xlsx

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"intiqa/selection"
)

// Sheets of preselection.xlsx: the outcomes, then the run record.
const (
	PreselectionSheet = "preselection"
	RunSheet          = "run"
)

// PreselectionColumns lists the columns of preselection.xlsx, in
// contract order.
var PreselectionColumns = []string{
	"applicant_id", "status", "commune_code", "rank", "merit_score", "lottery", "reason",
}

// runFields are the rows of the run sheet that hold the run record's own
// fields, in the order written; the run's parameters follow them.
var runFields = []string{
	"run_id", "kind", "scope", "rules_version", "rules_hash", "seed", "input_hash", "output_hash",
}

// WritePreselection writes preselection.xlsx: one row per outcome, in the
// order given, then the run sheet of field and value pairs. The run's
// times are left out, so that the same inputs always give the same file,
// byte for byte; the store keeps them.
func WritePreselection(w io.Writer, run *selection.Run, outcomes []selection.Outcome) (int, error) {
	seq := func(yield func(*selection.Outcome, error) bool) {
		for i := range outcomes {
			if !yield(&outcomes[i], nil) {
				return
			}
		}
	}
	return writeSheet(w, PreselectionSheet, PreselectionColumns, seq, outcomeCells,
		smallSheet{name: RunSheet, rows: runRows(run)})
}

// outcomeCells fills row with an outcome in PreselectionColumns order.
// The lottery number is text: as a number, Excel would keep only 15 of
// its up to 20 digits.
func outcomeCells(o *selection.Outcome, row []any) {
	row[0], row[1] = o.ApplicantID, string(o.Status)
	row[2], row[3] = nil, nil
	if o.CommuneCode != "" {
		row[2] = o.CommuneCode
	}
	if o.Rank > 0 {
		row[3] = o.Rank
	}
	row[4], row[5], row[6] = o.Score, strconv.FormatUint(o.Lottery, 10), o.Reason
}

// runRows renders the run sheet: a header, the record's fields, then its
// parameters sorted by name.
func runRows(r *selection.Run) [][]any {
	values := []string{r.ID, string(r.Kind), r.Scope, r.RulesVersion, r.RulesHash, r.Seed,
		r.InputHash, r.OutputHash}
	rows := [][]any{{"field", "value"}}
	for i, f := range runFields {
		rows = append(rows, []any{f, values[i]})
	}
	for _, k := range slices.Sorted(maps.Keys(r.Params)) {
		rows = append(rows, []any{k, r.Params[k]})
	}
	return rows
}

// OpenPreselection opens a preselection.xlsx file to read its outcomes,
// as OpenApplicants does for applicants.
func OpenPreselection(name string, lim Limits) (*Reader[*selection.Outcome], error) {
	return open(name, KindPreselection, lim, ParsePreselectionRow)
}

// ParsePreselectionRow builds the outcome of one data row of
// preselection.xlsx. Value is never nil.
func ParsePreselectionRow(h Header, line int, cells []Cell) selection.Row[*selection.Outcome] {
	p := &rowParser{h: h, cells: cells}
	o := &selection.Outcome{
		ApplicantID: p.text("applicant_id"),
		Status:      enum(p, "status", selection.PreselectionStatuses),
		CommuneCode: p.code("commune_code"),
		Rank:        p.optionalCount("rank"),
		Lottery:     p.lottery(),
		Reason:      p.text("reason"),
	}
	if o.ApplicantID == "" && !p.failed("applicant_id") {
		p.fault("applicant_id", "", selection.ProblemRequired, "")
	}
	if s := p.score("merit_score"); s != nil {
		o.Score = *s
	} else if !p.failed("merit_score") {
		p.fault("merit_score", "", selection.ProblemRequired, "")
	}
	return selection.Row[*selection.Outcome]{Line: line, Value: o, Problems: p.problems}
}

// optionalCount reads column col as a whole number, 0 when empty.
func (p *rowParser) optionalCount(col string) int {
	if c, ok := p.raw(col); !ok || c.Value == "" {
		return 0
	}
	return p.count(col)
}

// lottery reads the lottery column: the decimal digits of a 64-bit
// number, stored as text.
func (p *rowParser) lottery() uint64 {
	c, ok := p.raw("lottery")
	switch {
	case !ok:
		return 0
	case c.Value == "":
		p.fault("lottery", "", selection.ProblemRequired, "")
		return 0
	case c.Type != CellText:
		p.fault("lottery", c.Value, selection.ProblemFormat,
			"nombre en texte attendu : en nombre, Excel n'en garde que 15 chiffres")
		return 0
	}
	n, err := strconv.ParseUint(c.Value, 10, 64)
	if err != nil {
		p.fault("lottery", c.Value, selection.ProblemFormat, "entier de 0 à 18446744073709551615")
		return 0
	}
	return n
}

// ReadRun reads the run sheet of a preselection.xlsx file into a run
// record. Faults come as *selection.InvalidFileError, located in the
// run sheet.
func ReadRun(name string, lim Limits) (*selection.Run, error) {
	lim = lim.withDefaults()
	src := selection.Source{File: filepath.Base(name), Sheet: RunSheet}
	invalid := &selection.InvalidFileError{}
	fault := func(line int, col, msg string) error {
		invalid.Add(&selection.RowError{File: src.File, Sheet: src.Sheet, Row: line,
			Column: col, Msg: msg})
		return invalid
	}
	rows, err := readSmallSheet(name, RunSheet, lim)
	var fe *fileError
	if errors.As(err, &fe) {
		return nil, fault(0, "", fe.msg)
	}
	if err != nil {
		return nil, err
	}

	// Field and value pairs, under their header.
	values := map[string]string{}
	for i, row := range rows {
		if i == 0 {
			if !strings.EqualFold(row.cell(0), "field") || !strings.EqualFold(row.cell(1), "value") {
				return nil, fault(row.line, "", "en-tête « field », « value » attendu")
			}
			continue
		}
		key := strings.TrimSpace(row.cell(0))
		if _, dup := values[key]; dup {
			return nil, fault(row.line, "field", fmt.Sprintf("champ « %s » en double", key))
		}
		values[key] = strings.TrimSpace(row.cell(1))
	}
	for _, f := range runFields {
		if _, ok := values[f]; !ok && f != "scope" {
			fault(0, "field", fmt.Sprintf("champ « %s » absent", f))
		}
	}
	if invalid.Total > 0 {
		return nil, invalid
	}
	return runOf(values), nil
}

// runOf builds the run record of the run sheet's values.
func runOf(values map[string]string) *selection.Run {
	r := &selection.Run{ID: values["run_id"], Kind: selection.RunKind(values["kind"]),
		Scope: values["scope"], RulesVersion: values["rules_version"],
		RulesHash: values["rules_hash"], Seed: values["seed"], InputHash: values["input_hash"],
		OutputHash: values["output_hash"], Params: map[string]string{}}
	for k, v := range values {
		if !slices.Contains(runFields, k) {
			r.Params[k] = v
		}
	}
	return r
}

// smallRow is one row of a small sheet read whole.
type smallRow struct {
	line  int
	cells []Cell
}

// cell returns the text of the 0-based column i, "" past the row's end.
func (r smallRow) cell(i int) string {
	if i >= len(r.cells) {
		return ""
	}
	return r.cells[i].Value
}

// maxSmallSheetRows bounds what readSmallSheet holds.
const maxSmallSheetRows = 1000

// readSmallSheet reads every row (up to its first two columns) of the
// sheet named sheet, whatever its case.
func readSmallSheet(name, sheet string, lim Limits) ([]smallRow, error) {
	wb, err := openWorkbook(name, lim)
	if err != nil {
		return nil, err
	}
	defer wb.file.Close()
	var ref sheetRef
	for _, s := range wb.sheets {
		if strings.EqualFold(strings.TrimSpace(s.name), sheet) {
			ref = s
		}
	}
	if ref.name == "" {
		return nil, faultf("feuille « %s » absente", sheet)
	}
	if ref, err = wb.checkSheet(ref); err != nil {
		return nil, err
	}
	sst, err := wb.loadSharedStrings(lim)
	if err != nil {
		return nil, err
	}
	body, err := wb.open(ref.part)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	sr := newSheetReader(body, sst, lim)
	var rows []smallRow
	for {
		line, cells, err := sr.next(2)
		switch {
		case errors.Is(err, io.EOF):
			return rows, nil
		case err != nil:
			return nil, faultf("feuille « %s » illisible : %v", sheet, err)
		case len(rows) == maxSmallSheetRows:
			return nil, faultf("feuille « %s » : plus de %d lignes", sheet, maxSmallSheetRows)
		}
		rows = append(rows, smallRow{line: line, cells: slices.Clone(cells)})
	}
}
