package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"strconv"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"intiqa/selection"
)

// Formats of dates and date-times in the files Intiqa writes: ISO text,
// which every reader keeps as written.
const (
	DateLayout     = "2006-01-02"
	DateTimeLayout = "2006-01-02T15:04:05"
)

// ErrDimension is returned when the written sheet has no dimension element
// to set; it would mean excelize changed how it streams a sheet.
var ErrDimension = errors.New("sheet dimension not found")

// WriteApplicants writes applicants.xlsx to w from a stream of applicants
// (a store's rows, or a generator's through NoError) and returns the
// number of data rows written. It stops at the stream's first error.
//
// Every writer reads its whole stream before it writes anything to w, and
// memory stays flat whatever the row count; after an error, w may hold a
// partial file, to be discarded.
func WriteApplicants(w io.Writer, seq iter.Seq2[*selection.Applicant, error]) (int, error) {
	return writeSheet(w, ApplicantsSheet, ApplicantColumns, seq, applicantCells)
}

// WriteNeeds writes needs.xlsx to w.
func WriteNeeds(w io.Writer, needs []selection.Need) error {
	seq := func(yield func(*selection.Need, error) bool) {
		for i := range needs {
			if !yield(&needs[i], nil) {
				return
			}
		}
	}
	_, err := writeSheet(w, NeedsSheet, NeedColumns, seq, needCells)
	return err
}

// WriteTraining writes training.xlsx to w from a stream of training
// progress and returns the number of data rows written.
func WriteTraining(w io.Writer, seq iter.Seq2[*selection.TrainingProgress, error]) (int, error) {
	return writeSheet(w, TrainingSheet, TrainingColumns, seq, trainingCells)
}

// NoError adapts a stream that cannot fail to the writers' signature.
func NoError[T any](seq iter.Seq[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v := range seq {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// applicantCells fills row with an applicant's cells in ApplicantColumns
// order: every code and identifier as text, dates as ISO text.
func applicantCells(a *selection.Applicant, row []any) {
	row[0], row[1] = a.ID, a.CIN
	row[2], row[3], row[4], row[5] = a.LastName, a.FirstName, a.LastNameAR, a.FirstNameAR
	row[6], row[7] = string(a.Sex), dateCell(a.BirthDate, DateLayout)
	row[8], row[9] = a.Phone, a.Email
	row[10], row[11] = string(a.Category), string(a.Education)
	row[12], row[13] = string(a.SurveyExperience), string(a.TechSkill)
	row[14] = selection.FormatLanguages(a.Languages)
	for i := range selection.MaxChoices {
		row[15+i] = nil
		if i < len(a.Choices) && a.Choices[i] != "" {
			row[15+i] = a.Choices[i]
		}
	}
	row[18] = dateCell(a.RegisteredAt, DateTimeLayout)
}

// needCells fills row with a commune's needs in NeedColumns order.
func needCells(n *selection.Need, row []any) {
	row[0], row[1], row[2] = n.CommuneCode, n.Enumerators, n.Controllers
	row[3] = nil
	if len(n.Languages) > 0 {
		row[3] = selection.FormatLanguages(n.Languages)
	}
}

// trainingCells fills row with a training progress in TrainingColumns
// order; a missing test score leaves its cell empty.
func trainingCells(t *selection.TrainingProgress, row []any) {
	started := "no"
	if t.Started {
		started = "yes"
	}
	row[0], row[1], row[2], row[3] = t.ApplicantID, started, t.ModulesCompleted, t.ModulesTotal
	row[4] = nil
	if t.TestScore != nil {
		row[4] = *t.TestScore
	}
}

func dateCell(t time.Time, layout string) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(layout)
}

// smallSheet is a sheet of a few rows that follows the streamed one, such
// as the run record of preselection.xlsx.
type smallSheet struct {
	name string
	rows [][]any
}

// writeSheet streams one contract sheet: a header row, then one row per
// value of seq, through excelize's StreamWriter (rows spill to a
// temporary file, so memory stays flat whatever the row count). The
// small sheets, if any, follow it in the workbook.
func writeSheet[T any](w io.Writer, sheet string, cols []string, seq iter.Seq2[T, error],
	cells func(T, []any), small ...smallSheet) (int, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := newSheetStream(f, sheet)
	if err != nil {
		return 0, err
	}

	// Header, then the rows.
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c
	}
	if err := sw.SetRow("A1", header); err != nil {
		return 0, fmt.Errorf("write %s header: %w", sheet, err)
	}
	batches, stop := prefetchCells(seq, cells, len(cols))
	defer stop()
	n := 0
	for b := range batches {
		for _, r := range b.rows {
			if err := sw.SetRow("A"+strconv.Itoa(n+2), r); err != nil {
				return n, fmt.Errorf("write %s row %d: %w", sheet, n+2, err)
			}
			n++
		}
		if b.err != nil {
			return n, fmt.Errorf("read %s rows: %w", sheet, b.err)
		}
	}
	if err := sw.Flush(); err != nil {
		return n, fmt.Errorf("write %s rows: %w", sheet, err)
	}
	if err := addSmallSheets(f, small); err != nil {
		return n, err
	}

	// The archive, with the true dimension.
	lastCol, err := excelize.ColumnNumberToName(len(cols))
	if err != nil {
		return n, fmt.Errorf("write %s: %w", sheet, err)
	}
	dim := "A1:" + lastCol + strconv.Itoa(n+1)
	if err := writeArchive(f, w, dim); err != nil {
		return n, fmt.Errorf("write %s: %w", sheet, err)
	}
	return n, nil
}

// cellBatchRows is how many rows a batch of prefetchCells carries.
const cellBatchRows = 256

// cellBatch is a batch of rows made into cells; err, if set, is the
// stream's error after those rows.
type cellBatch struct {
	rows [][]any
	err  error
}

// prefetchCells runs seq on a goroutine of its own, turning values into cells
// a batch at a time, so that reading the source (a store's query, the
// generator) overlaps with excelize's encoding of the rows. stop ends the
// goroutine, if still running, and waits for it: the source is never used
// after writeSheet returns.
func prefetchCells[T any](seq iter.Seq2[T, error], cells func(T, []any),
	width int) (<-chan cellBatch, func()) {
	out := make(chan cellBatch, 4)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(out)
		send := func(b cellBatch) bool {
			select {
			case out <- b:
				return true
			case <-quit:
				return false
			}
		}
		var b cellBatch
		for v, err := range seq {
			if err != nil {
				send(cellBatch{rows: b.rows, err: err})
				return
			}
			row := make([]any, width)
			cells(v, row)
			b.rows = append(b.rows, row)
			if len(b.rows) == cellBatchRows {
				if !send(b) {
					return
				}
				b = cellBatch{rows: make([][]any, 0, cellBatchRows)}
			}
		}
		if len(b.rows) > 0 {
			send(b)
		}
	})
	var once sync.Once
	stop := func() {
		once.Do(func() { close(quit) })
		wg.Wait()
	}
	return out, stop
}

// addSmallSheets adds the small sheets after the first one, their rows
// set cell by cell, and their true dimension (excelize leaves "A1").
func addSmallSheets(f *excelize.File, small []smallSheet) error {
	for _, sh := range small {
		if _, err := f.NewSheet(sh.name); err != nil {
			return fmt.Errorf("add sheet %s: %w", sh.name, err)
		}
		width := 1
		for i, row := range sh.rows {
			if err := f.SetSheetRow(sh.name, "A"+strconv.Itoa(i+1), &row); err != nil {
				return fmt.Errorf("write %s row %d: %w", sh.name, i+1, err)
			}
			width = max(width, len(row))
		}
		last, err := excelize.CoordinatesToCellName(width, max(len(sh.rows), 1))
		if err != nil {
			return fmt.Errorf("write %s: %w", sh.name, err)
		}
		if err := f.SetSheetDimension(sh.name, "A1:"+last); err != nil {
			return fmt.Errorf("set %s dimension: %w", sh.name, err)
		}
	}
	return nil
}

// newSheetStream names the workbook's first sheet and opens its stream. The
// dimension is set to a placeholder so that the element exists; the
// archive writer replaces it once the row count is known.
func newSheetStream(f *excelize.File, sheet string) (*excelize.StreamWriter, error) {
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, fmt.Errorf("name sheet %s: %w", sheet, err)
	}
	if err := f.SetSheetDimension(sheet, "A1"); err != nil {
		return nil, fmt.Errorf("set %s dimension: %w", sheet, err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("stream sheet %s: %w", sheet, err)
	}
	return sw, nil
}

// sheetPart is the archive part of the workbook's first sheet.
const sheetPart = "xl/worksheets/sheet1.xml"

// writeArchive writes the workbook to w through a zip writer of our own:
// excelize would otherwise build the whole archive in memory, and its
// StreamWriter writes the dimension element before the rows, so it can
// only hold the placeholder. Ours streams to w and rewrites the element
// on the way.
func writeArchive(f *excelize.File, w io.Writer, dim string) error {
	zw := &streamArchive{zw: zip.NewWriter(w), dim: dim}
	zw.zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return newParallelDeflate(out), nil
	})
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	if _, err := f.WriteTo(io.Discard); err != nil { // the archive went to w, not here
		return err
	}
	if zw.patch == nil || !zw.patch.done {
		return ErrDimension
	}
	return nil
}

// streamArchive is the excelize.ZipWriter of writeArchive.
type streamArchive struct {
	zw    *zip.Writer
	dim   string
	patch *dimensionPatch
}

// Create starts a part; the sheet's part goes through the dimension patch.
func (a *streamArchive) Create(name string) (io.Writer, error) {
	w, err := a.zw.Create(name)
	if err != nil || name != sheetPart {
		return w, err
	}
	a.patch = &dimensionPatch{w: w, ref: a.dim}
	return a.patch, nil
}

// AddFS adds the files of fsys to the archive.
func (a *streamArchive) AddFS(fsys fs.FS) error { return a.zw.AddFS(fsys) }

// Close ends the archive, after checking that the sheet was patched.
func (a *streamArchive) Close() error {
	if a.patch != nil && !a.patch.done {
		if err := a.patch.flush(); err != nil {
			return err
		}
	}
	return a.zw.Close()
}

// maxSheetHead bounds what dimensionPatch holds before giving up: the
// dimension element comes within the first few hundred bytes.
const maxSheetHead = 64 << 10

// dimensionPatch passes a sheet's XML through, replacing the ref of its
// first dimension element.
type dimensionPatch struct {
	w    io.Writer
	ref  string
	head []byte
	done bool
}

// Write holds the bytes until the dimension element is complete, then
// writes them patched and lets the rest through.
func (p *dimensionPatch) Write(b []byte) (int, error) {
	if p.done {
		return p.w.Write(b)
	}
	p.head = append(p.head, b...)
	start := bytes.Index(p.head, []byte("<dimension"))
	if start < 0 {
		if len(p.head) > maxSheetHead {
			return 0, ErrDimension
		}
		return len(b), nil
	}
	end := elementEnd(p.head[start:])
	if end < 0 {
		return len(b), nil
	}
	patched := make([]byte, 0, len(p.head)+len(p.ref))
	patched = append(patched, p.head[:start]...)
	patched = append(patched, `<dimension ref="`+p.ref+`"/>`...)
	patched = append(patched, p.head[start+end:]...)
	p.head, p.done = nil, true
	if _, err := p.w.Write(patched); err != nil {
		return 0, err
	}
	return len(b), nil
}

// flush writes what is held when the sheet ended without a dimension.
func (p *dimensionPatch) flush() error {
	_, err := p.w.Write(p.head)
	p.head = nil
	return err
}

// elementEnd returns the length of the element that b starts with, as
// "<x .../>" or "<x ...></x>", or -1 if b does not hold all of it yet.
func elementEnd(b []byte) int {
	gt := bytes.IndexByte(b, '>')
	if gt < 0 {
		return -1
	}
	if gt > 0 && b[gt-1] == '/' {
		return gt + 1
	}
	closing := []byte("</dimension>")
	i := bytes.Index(b, closing)
	if i < 0 {
		return -1
	}
	return i + len(closing)
}
