package xlsx

import (
	"errors"
	"io"
	"iter"
	"path/filepath"
	"strings"

	"intiqa/selection"
)

// Reading batches: rows are parsed on a goroutine of their own, and
// handed to the consumer (the store's import) in batches, so that
// parsing and inserting use two cores.
const (
	batchRows    = 256
	batchesAhead = 8
)

// Reader reads the data rows of one contract file whose file, sheet and
// header the Open functions have checked.
type Reader[T any] struct {
	wb     *workbook
	body   io.Closer // the sheet part being inflated
	src    selection.Source
	sheet  *sheetReader
	header Header
	parse  func(Header, int, []Cell) selection.Row[T]

	firstLine  int
	firstCells []Cell
	used       bool
}

// OpenApplicants opens an applicants.xlsx file. Faults of the file, its
// sheet or its header come as *selection.InvalidFileError, each located
// as FILE:SHEET:ROW:COLUMN (row 0 and no column for the whole file).
func OpenApplicants(name string, lim Limits) (*Reader[*selection.Applicant], error) {
	return open(name, KindApplicants, lim, ParseApplicantRow)
}

// OpenNeeds opens a needs.xlsx file, as OpenApplicants does.
func OpenNeeds(name string, lim Limits) (*Reader[*selection.Need], error) {
	return open(name, KindNeeds, lim, ParseNeedRow)
}

// OpenTraining opens a training.xlsx file, as OpenApplicants does.
func OpenTraining(name string, lim Limits) (*Reader[*selection.TrainingProgress], error) {
	return open(name, KindTraining, lim, ParseTrainingRow)
}

// open checks the file, picks its sheet, reads its header and its first
// data row.
func open[T any](name string, k Kind, lim Limits,
	parse func(Header, int, []Cell) selection.Row[T]) (*Reader[T], error) {
	lim = lim.withDefaults()
	r := &Reader[T]{src: selection.Source{File: filepath.Base(name), Sheet: k.Sheet()}, parse: parse}
	wb, err := openWorkbook(name, lim)
	if err != nil {
		return nil, r.fault(0, err)
	}
	r.wb = wb
	if err := r.start(k, lim); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// start reads up to the first data row.
func (r *Reader[T]) start(k Kind, lim Limits) error {
	ref, err := r.wb.pickSheet(k)
	if err != nil {
		return r.fault(0, err)
	}
	r.src.Sheet = ref.name
	if r.src.SHA256, err = r.wb.digest(); err != nil {
		return err
	}
	sst, err := r.wb.loadSharedStrings(lim)
	if err != nil {
		return r.fault(0, err)
	}
	body, err := r.wb.open(ref.part)
	if err != nil {
		return r.fault(0, err)
	}
	r.body = body
	r.sheet = newSheetReader(body, sst, lim)
	if err := r.readHeader(k); err != nil {
		return err
	}
	return r.readFirst()
}

// readHeader reads the header row and maps it.
func (r *Reader[T]) readHeader(k Kind) error {
	line, cells, err := r.sheet.next(maxColumns)
	if errors.Is(err, io.EOF) {
		return r.fault(0, faultf("feuille vide : ni ligne d'en-tête ni données"))
	}
	if err != nil {
		return r.fault(0, err)
	}
	names := make([]string, len(cells))
	for i, c := range cells {
		names[i] = c.Value
	}
	h, errs := NewHeader(k, names)
	if len(errs) > 0 {
		invalid := &selection.InvalidFileError{}
		for _, fe := range errs {
			invalid.Add(&selection.RowError{File: r.src.File, Sheet: r.src.Sheet, Row: line,
				Column: fe.Field, Msg: headerMessage(fe)})
		}
		return invalid
	}
	h.date1904 = r.wb.date1904
	r.header = h
	return nil
}

// readFirst reads the first data row, so that a sheet with none is
// refused before the import starts.
func (r *Reader[T]) readFirst() error {
	line, cells, err := r.sheet.next(r.header.width)
	if errors.Is(err, io.EOF) {
		return r.fault(0, faultf("aucune ligne de données sous la ligne d'en-tête"))
	}
	if err != nil {
		return r.fault(0, err)
	}
	r.firstLine, r.firstCells = line, append([]Cell(nil), cells...)
	return nil
}

// fault turns a fault of the file or its sheet into an
// *selection.InvalidFileError located in r's file; other errors (the
// file cannot be opened at all) are returned as they are.
func (r *Reader[T]) fault(line int, err error) error {
	var fe *fileError
	var se *sheetError
	msg := ""
	switch {
	case errors.As(err, &fe):
		msg = fe.msg
	case errors.As(err, &se):
		line = se.line
		msg = "feuille illisible : " + se.err.Error()
	default:
		return err
	}
	invalid := &selection.InvalidFileError{}
	invalid.Add(&selection.RowError{File: r.src.File, Sheet: r.src.Sheet, Row: line, Msg: msg})
	return invalid
}

// Source returns the file's name, sheet and SHA-256, for the import.
func (r *Reader[T]) Source() selection.Source { return r.src }

// Header returns how the sheet's columns map to the contract's.
func (r *Reader[T]) Header() Header { return r.header }

// Rows returns the data rows, each with its line in the sheet and the
// faults of its cells. Rows with no value in the contract's columns (a
// blank or merely formatted row) are skipped. The error
// is only for a sheet that cannot be read on (damaged XML or zip): an
// *selection.InvalidFileError locating the row. Rows can be ranged over
// once.
//
// The sheet is scanned on one goroutine and its rows parsed on another,
// so that, with the consumer, three cores can share an import.
func (r *Reader[T]) Rows() iter.Seq2[selection.Row[T], error] {
	return func(yield func(selection.Row[T], error) bool) {
		if r.used || r.sheet == nil {
			yield(selection.Row[T]{}, errors.New("read rows: already read or closed"))
			return
		}
		r.used = true
		raw := make(chan scanBatch, batchesAhead)
		out := make(chan rowBatch[T], batchesAhead)
		done := make(chan struct{})
		go r.scan(raw, done)
		go r.parseAll(raw, out, done)
		defer func() {
			close(done)
			for range out { // wait for both goroutines to stop
			}
		}()
		for b := range out {
			for _, row := range b.rows {
				if !yield(row, nil) {
					return
				}
			}
			if b.err != nil {
				yield(selection.Row[T]{}, b.err)
				return
			}
		}
	}
}

// scanBatch is a run of rows as cells, or the fault that ended the sheet.
type scanBatch struct {
	lines []int
	cells [][]Cell
	err   error
}

// rowBatch is a run of parsed rows, or the fault that ended the sheet.
type rowBatch[T any] struct {
	rows []selection.Row[T]
	err  error
}

// scan reads the rows' cells into out until the sheet ends or done is
// closed. The rows of a batch share one backing array.
func (r *Reader[T]) scan(out chan<- scanBatch, done <-chan struct{}) {
	defer close(out)
	width := r.header.width
	var b scanBatch
	var store []Cell
	add := func(line int, cells []Cell) {
		if len(b.lines) == 0 {
			store = make([]Cell, 0, batchRows*width)
		}
		start := len(store)
		store = append(store, cells...)
		b.lines = append(b.lines, line)
		b.cells = append(b.cells, store[start:len(store):len(store)])
	}
	send := func() bool {
		select {
		case out <- b:
			b = scanBatch{}
			return true
		case <-done:
			return false
		}
	}
	add(r.firstLine, r.firstCells)
	for {
		line, cells, err := r.sheet.next(width)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.err = r.fault(0, err)
			break
		}
		add(line, cells)
		if len(b.lines) == batchRows && !send() {
			return
		}
	}
	send()
}

// parseAll parses the batches of in into out until in is closed or done
// is; it then waits for the scanner to stop.
func (r *Reader[T]) parseAll(in <-chan scanBatch, out chan<- rowBatch[T], done <-chan struct{}) {
	defer close(out)
	defer func() {
		for range in { // let the scanner see done and stop
		}
	}()
	for cb := range in {
		b := rowBatch[T]{rows: make([]selection.Row[T], len(cb.lines)), err: cb.err}
		for i, line := range cb.lines {
			b.rows[i] = r.parse(r.header, line, cb.cells[i])
		}
		select {
		case out <- b:
		case <-done:
			return
		}
	}
}

// Close releases the file. It may be called more than once.
func (r *Reader[T]) Close() error {
	var err error
	if r.body != nil {
		err = r.body.Close()
		r.body = nil
	}
	r.sheet = nil
	if r.wb != nil {
		err = errors.Join(err, r.wb.file.Close())
		r.wb = nil
	}
	return err
}

// pickSheet returns the sheet named as kind k, whatever its case. A
// workbook with a single sheet named otherwise (say "Feuil1", as a tool
// exporting the file may leave it) is read too, unless that name is
// another contract file's: a needs sheet is never read as applicants.
func (w *workbook) pickSheet(k Kind) (sheetRef, error) {
	var names []string
	for _, s := range w.sheets {
		if strings.EqualFold(strings.TrimSpace(s.name), k.Sheet()) {
			return w.checkSheet(s)
		}
		names = append(names, s.name)
	}
	if len(w.sheets) == 1 {
		if other, ok := ParseKind(strings.ToLower(strings.TrimSpace(w.sheets[0].name))); ok {
			return sheetRef{}, faultf("la feuille « %s » est celle du fichier %s.xlsx, "+
				"pas de %s.xlsx", w.sheets[0].name, other.Sheet(), k.Sheet())
		}
		return w.checkSheet(w.sheets[0])
	}
	return sheetRef{}, faultf("feuille « %s » absente (feuilles du classeur : %s)",
		k.Sheet(), strings.Join(names, ", "))
}

// checkSheet checks that the sheet's part is in the archive.
func (w *workbook) checkSheet(s sheetRef) (sheetRef, error) {
	if s.part == "" || w.parts[strings.ToLower(s.part)] == nil {
		return sheetRef{}, faultf("classeur incomplet : la feuille « %s » n'a pas de contenu", s.name)
	}
	return s, nil
}
