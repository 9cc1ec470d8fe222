package xlsx

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// CellType tells how a sheet stores a cell's value.
type CellType uint8

// The cell types a contract file may hold.
const (
	CellText   CellType = iota // a string: shared, inline, formula result or ISO date
	CellNumber                 // a number, Excel dates included
	CellBool                   // TRUE or FALSE, as "1" or "0"
	CellError                  // a formula error such as #N/A
)

// Cell is one cell of a sheet row, as stored: a number keeps its raw
// text (a date is its serial number), never a displayed format.
type Cell struct {
	Value string
	Type  CellType
}

// sheetReader streams the rows of one worksheet part.
type sheetReader struct {
	sc   *xmlScanner
	sst  *sharedStrings
	lim  Limits
	line int // row number of the last row read
	done bool

	buf   []byte     // the kept text of the current row
	spans []cellSpan // where each kept cell's text is in buf
	cells []Cell
}

// cellSpan locates one kept cell in sheetReader.buf.
type cellSpan struct {
	col        int
	start, end int
	typ        CellType
}

// newSheetReader reads the worksheet XML r, whose shared strings are sst.
func newSheetReader(r io.Reader, sst *sharedStrings, lim Limits) *sheetReader {
	return &sheetReader{sc: newXMLScanner(r, lim.MaxCellBytes), sst: sst, lim: lim}
}

// sheetError is a fault of the sheet's XML, tied to the row being read.
type sheetError struct {
	line int
	err  error
}

func (e *sheetError) Error() string { return e.err.Error() }
func (e *sheetError) Unwrap() error { return e.err }

// fail wraps err with the row being read.
func (s *sheetReader) fail(err error) error {
	return &sheetError{line: s.line, err: err}
}

// next returns the next row with a non-empty cell: its row number and
// its first keep cells (fewer when the row is shorter). Cells are valid
// until the next call. At the end of the sheet it returns io.EOF, once
// the rest of the part has been checked.
func (s *sheetReader) next(keep int) (int, []Cell, error) {
	if s.done {
		return 0, nil, io.EOF
	}
	if s.line == 0 {
		if err := s.seekSheetData(); err != nil {
			return 0, nil, s.fail(err)
		}
	}
	for {
		tok, err := s.sc.next()
		if err != nil {
			return 0, nil, s.fail(err)
		}
		switch {
		case tok == tokEnd && isLocal(s.sc.name, "sheetData"), tok == tokEOF:
			s.done = true
			return 0, nil, s.drain()
		case tok == tokStart && isLocal(s.sc.name, "row"):
			if err := s.readRow(keep); err != nil {
				return 0, nil, s.fail(err)
			}
			if len(s.cells) > 0 {
				return s.line, s.cells, nil
			}
		case tok == tokStart:
			if err := skip(s.sc); err != nil {
				return 0, nil, s.fail(err)
			}
		}
	}
}

// seekSheetData moves past the <sheetData> start tag.
func (s *sheetReader) seekSheetData() error {
	for {
		tok, err := s.sc.next()
		switch {
		case err != nil:
			return err
		case tok == tokEOF:
			return fmt.Errorf("%w : élément <sheetData> absent", errXML)
		case tok == tokStart && isLocal(s.sc.name, "sheetData"):
			s.line = 0
			return nil
		}
	}
}

// drain reads the rest of the part, so that a truncated or damaged end,
// and the zip entry's checksum, are checked too.
func (s *sheetReader) drain() error {
	for {
		tok, err := s.sc.next()
		if err != nil {
			return s.fail(err)
		}
		if tok == tokEOF {
			return io.EOF
		}
	}
}

// readRow reads the <row> just opened into s.cells.
func (s *sheetReader) readRow(keep int) error {
	if err := s.rowNumber(s.sc.attr("r")); err != nil {
		return err
	}
	s.buf, s.spans, s.cells = s.buf[:0], s.spans[:0], s.cells[:0]
	col, nonEmpty := 0, false
	for {
		tok, err := s.sc.next()
		if err != nil {
			return err
		}
		if tok == tokEnd && isLocal(s.sc.name, "row") {
			break
		}
		if tok != tokStart {
			continue
		}
		if !isLocal(s.sc.name, "c") {
			if err := skip(s.sc); err != nil {
				return err
			}
			continue
		}
		if col, err = s.columnOf(s.sc.attr("r"), col); err != nil {
			return err
		}
		kept, err := s.readCell(col, col <= keep)
		if err != nil {
			return err
		}
		nonEmpty = nonEmpty || kept
	}
	if nonEmpty {
		s.buildCells()
	}
	return nil
}

// rowNumber sets s.line from a row's r attribute, or to the next row
// when there is none. Rows must come in increasing order.
func (s *sheetReader) rowNumber(r []byte) error {
	if r == nil {
		s.line++
	} else {
		n, err := strconv.Atoi(string(r))
		if err != nil || n < 1 {
			return fmt.Errorf("%w : numéro de ligne invalide %q", errXML, clip(r))
		}
		if n <= s.line {
			return fmt.Errorf("%w : ligne %d après la ligne %d", errXML, n, s.line)
		}
		s.line = n
	}
	if s.line > s.lim.MaxRows {
		return fmt.Errorf("plus de %d lignes", s.lim.MaxRows)
	}
	return nil
}

// columnOf returns the 1-based column of a cell from its reference
// ("AB12"), or the one after prev when it has none. Cells must come in
// increasing column order.
func (s *sheetReader) columnOf(ref []byte, prev int) (int, error) {
	if ref == nil {
		return prev + 1, nil
	}
	col, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' && col <= maxColumns; i++ {
		col = col*26 + int(ref[i]-'A'+1)
	}
	digits := i < len(ref)
	for ; i < len(ref) && ref[i] >= '0' && ref[i] <= '9'; i++ {
	}
	if col == 0 || col > maxColumns || i != len(ref) || !digits {
		return 0, fmt.Errorf("%w : référence de cellule invalide %q", errXML, clip(ref))
	}
	if col <= prev {
		return 0, fmt.Errorf("%w : cellule %s après la colonne %d", errXML, ref, prev)
	}
	return col, nil
}

// readCell reads the <c> just opened, at column col, and keeps its
// value when keep is set. It reports whether it kept a non-empty value.
func (s *sheetReader) readCell(col int, keep bool) (bool, error) {
	typ := string(s.sc.attr("t"))
	start := len(s.buf)
	depth := s.sc.depth()
	for {
		tok, err := s.sc.next()
		if err != nil {
			return false, err
		}
		if tok == tokEnd && s.sc.depth() < depth {
			break
		}
		if tok != tokStart {
			continue
		}
		switch {
		case isLocal(s.sc.name, "v"):
			err = s.readText(keep, start)
		case isLocal(s.sc.name, "is") && typ == "inlineStr":
			err = s.readRichText(keep, start)
		default:
			err = skip(s.sc)
		}
		if err != nil {
			return false, err
		}
	}
	if !keep {
		return false, nil
	}
	return s.keepCell(col, typ, start)
}

// keepCell records the cell whose raw value is s.buf[start:], resolving
// a shared string and trimming a number.
func (s *sheetReader) keepCell(col int, typ string, start int) (bool, error) {
	ct := CellText
	switch typ {
	case "s":
		if len(s.buf) == start {
			break
		}
		i, err := strconv.Atoi(string(bytes.TrimSpace(s.buf[start:])))
		str, ok := s.sst.get(i)
		if err != nil || !ok {
			return false, fmt.Errorf("%w : chaîne partagée %q absente", errXML, clip(s.buf[start:]))
		}
		s.buf = append(s.buf[:start], str...)
	case "b":
		ct = CellBool
	case "e":
		ct = CellError
	case "", "n":
		ct = CellNumber
		trimmed := bytes.TrimSpace(s.buf[start:])
		s.buf = s.buf[:start+copy(s.buf[start:], trimmed)]
	}
	if err := s.checkSize(start); err != nil {
		return false, err
	}
	if !utf8.Valid(s.buf[start:]) {
		return false, fmt.Errorf("%w : texte qui n'est pas de l'UTF-8", errXML)
	}
	if len(s.buf) == start {
		return false, nil
	}
	s.spans = append(s.spans, cellSpan{col: col, start: start, end: len(s.buf), typ: ct})
	return true, nil
}

// checkSize refuses a cell, starting at start in s.buf, or a row that
// has grown beyond the limits.
func (s *sheetReader) checkSize(start int) error {
	if len(s.buf)-start > s.lim.MaxCellBytes {
		return fmt.Errorf("cellule de plus de %d octets", s.lim.MaxCellBytes)
	}
	if len(s.buf) > s.lim.MaxRowBytes {
		return fmt.Errorf("ligne de plus de %d octets", s.lim.MaxRowBytes)
	}
	return nil
}

// readText appends the text of the element just opened to s.buf when
// keep is set, refusing a value longer than a cell may be.
func (s *sheetReader) readText(keep bool, start int) error {
	depth := s.sc.depth()
	for {
		tok, err := s.sc.next()
		if err != nil {
			return err
		}
		switch {
		case tok == tokEnd && s.sc.depth() < depth, tok == tokEOF:
			return nil
		case tok == tokText && keep:
			s.buf = append(s.buf, s.sc.text...)
			if err := s.checkSize(start); err != nil {
				return err
			}
		case tok == tokStart:
			if err := skip(s.sc); err != nil {
				return err
			}
		}
	}
}

// readRichText appends the text runs of an <is> or <si> element: its <t>
// and the <t> of its <r> runs, leaving out phonetic runs (<rPh>).
func (s *sheetReader) readRichText(keep bool, start int) error {
	return readRichText(s.sc, func() error {
		return s.readText(keep, start)
	})
}

// readRichText walks a rich-text element, calling text on each <t>.
func readRichText(sc *xmlScanner, text func() error) error {
	depth := sc.depth()
	for {
		tok, err := sc.next()
		if err != nil {
			return err
		}
		if tok == tokEOF || (tok == tokEnd && sc.depth() < depth) {
			return nil
		}
		if tok != tokStart {
			continue
		}
		switch {
		case isLocal(sc.name, "t"):
			err = text()
		case isLocal(sc.name, "r"):
			err = readRichText(sc, text)
		default:
			err = skip(sc)
		}
		if err != nil {
			return err
		}
	}
}

// skip skips the element just opened.
func skip(sc *xmlScanner) error {
	depth := sc.depth()
	for {
		tok, err := sc.next()
		if err != nil {
			return err
		}
		if tok == tokEOF || (tok == tokEnd && sc.depth() < depth) {
			return nil
		}
	}
}

// buildCells turns the kept spans into s.cells. Each cell gets a string
// of its own: a store that keeps a key (a CIN in a map of those seen)
// must not keep the whole row alive with it.
func (s *sheetReader) buildCells() {
	last := s.spans[len(s.spans)-1].col
	if cap(s.cells) < last {
		s.cells = make([]Cell, last)
	}
	s.cells = s.cells[:last]
	clear(s.cells)
	for _, sp := range s.spans {
		s.cells[sp.col-1] = Cell{Value: string(s.buf[sp.start:sp.end]), Type: sp.typ}
	}
}
