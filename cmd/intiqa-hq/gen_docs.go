package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"intiqa/localdb"
	"intiqa/reports/specimen"
	"intiqa/selection"
	"intiqa/selection/synth"
)

// genActor is the actor gen's imports are recorded under.
const genActor = "intiqa-hq gen"

// documentsCSV lists the documents' metadata, one row per document.
const documentsCSV = "documents.csv"

// documentColumns are the columns of documents.csv.
var documentColumns = []string{
	"document_id", "applicant_id", "kind", "sha256", "media_type", "size", "uploaded_at",
}

// docBatch is how many documents are rendered in parallel before their
// metadata is written, in order, to documents.csv.
const docBatch = 512

// docJob is one document to render and its rendering.
type docJob struct {
	doc  selection.Document
	who  *selection.Applicant
	file synth.DocumentFile
	err  error
}

// writeDocuments renders every uploaded document into DIR/documents, named
// by SHA-256, and lists them in DIR/documents.csv. Rendering runs on every
// core, batch by batch, so the listing keeps the generator's order.
func (r *genRun) writeDocuments(ctx context.Context) (int, error) {
	dir := filepath.Join(r.opts.out, "documents")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("create documents folder: %w", err)
	}
	n := 0
	progress := r.progress("documents (candidats)", r.gen.UploaderCount())
	err := r.writeFile(documentsCSV, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(documentColumns); err != nil {
			return err
		}
		var batch []docJob
		uploaders := 0
		for u, err := range watched(ctx, r.gen.Uploads(), progress) {
			if err != nil {
				return err
			}
			uploaders++
			for _, d := range u.Documents {
				batch = append(batch, docJob{doc: d, who: u.Applicant})
			}
			if len(batch) >= docBatch {
				if err := flushDocs(cw, dir, batch); err != nil {
					return err
				}
				n += len(batch)
				batch = batch[:0]
			}
		}
		if err := flushDocs(cw, dir, batch); err != nil {
			return err
		}
		n += len(batch)
		cw.Flush()
		return cw.Error()
	})
	return n, err
}

// flushDocs renders and stores a batch of documents in parallel, then
// lists them in order.
func flushDocs(cw *csv.Writer, dir string, batch []docJob) error {
	renderAll(dir, batch)
	for _, j := range batch {
		if j.err != nil {
			return j.err
		}
		d := j.file.Document
		err := cw.Write([]string{d.ID, d.ApplicantID, string(d.Kind), d.SHA256, d.MediaType,
			strconv.FormatInt(d.Size, 10), d.UploadedAt.UTC().Format(time.RFC3339)})
		if err != nil {
			return err
		}
	}
	return nil
}

// renderAll renders the jobs and writes their files, on every core.
func renderAll(dir string, jobs []docJob) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				j := &jobs[i]
				j.file, j.err = synth.RenderDocument(j.doc, j.who, specimen.Render)
				if j.err == nil {
					j.err = storeFile(dir, j.file)
				}
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
}

// storeFile writes a document's bytes as DIR/<sha256><ext>, unless a file
// of that name, and so of those bytes, is there already.
func storeFile(dir string, f synth.DocumentFile) error {
	name := filepath.Join(dir, f.Document.FileName())
	if _, err := os.Stat(name); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("check document file: %w", err)
	}
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, f.Bytes, 0o644); err != nil {
		return fmt.Errorf("write document file: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("write document file: %w", err)
	}
	return nil
}

// fillStore imports the data set into the store at --db: needs, then
// applicants, then training, then (with --docs) the documents listed in
// documents.csv.
func (r *genRun) fillStore(ctx context.Context) error {
	db, err := localdb.Open(ctx, r.opts.db, localdb.Options{Scope: r.opts.scope})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer db.Close()

	needs := r.gen.Needs()
	_, err = db.ImportNeeds(ctx, genActor, r.source("needs.xlsx", "needs"),
		asRows(watched(ctx, pointers(needs), nil)), nil)
	if err != nil {
		return fmt.Errorf("import needs: %w", err)
	}
	_, err = db.ImportApplicants(ctx, genActor, r.source("applicants.xlsx", "applicants"),
		asRows(watched(ctx, r.gen.Applicants(), nil)),
		r.progress("import candidats", r.gen.Count()))
	if err != nil {
		return fmt.Errorf("import applicants: %w", err)
	}
	_, err = db.ImportTraining(ctx, genActor, r.source("training.xlsx", "training"),
		asRows(watched(ctx, r.gen.Training(), nil)),
		r.progress("import formation", r.gen.InvitedCount()))
	if err != nil {
		return fmt.Errorf("import training: %w", err)
	}
	if r.opts.docs {
		return r.putDocuments(ctx, db)
	}
	return nil
}

func (r *genRun) source(file, sheet string) selection.Source {
	return selection.Source{File: file, Sheet: sheet, SHA256: r.sums[file]}
}

// pointers streams pointers to the elements of xs.
func pointers[T any](xs []T) iter.Seq[*T] {
	return func(yield func(*T) bool) {
		for i := range xs {
			if !yield(&xs[i]) {
				return
			}
		}
	}
}

// asRows numbers a stream's values as the data rows of a sheet, whose
// first data row is line 2.
func asRows[T any](seq iter.Seq2[T, error]) iter.Seq2[selection.Row[T], error] {
	return func(yield func(selection.Row[T], error) bool) {
		line := 2
		for v, err := range seq {
			if !yield(selection.Row[T]{Line: line, Value: v}, err) || err != nil {
				return
			}
			line++
		}
	}
}

// putDocuments records the documents listed in documents.csv.
func (r *genRun) putDocuments(ctx context.Context, db *localdb.DB) error {
	f, err := os.Open(filepath.Join(r.opts.out, documentsCSV))
	if err != nil {
		return fmt.Errorf("open %s: %w", documentsCSV, err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	head, err := cr.Read()
	if err != nil || !slices.Equal(head, documentColumns) {
		return fmt.Errorf("read %s: unexpected header", documentsCSV)
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", documentsCSV, err)
		}
		d, err := parseDocumentRecord(rec)
		if err != nil {
			return fmt.Errorf("read %s: %w", documentsCSV, err)
		}
		if err := db.PutDocument(ctx, genActor, d); err != nil {
			return fmt.Errorf("store document: %w", err)
		}
	}
}

func parseDocumentRecord(rec []string) (*selection.Document, error) {
	size, err := strconv.ParseInt(rec[5], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("document %s size: %w", rec[0], err)
	}
	at, err := time.Parse(time.RFC3339, rec[6])
	if err != nil {
		return nil, fmt.Errorf("document %s upload time: %w", rec[0], err)
	}
	return &selection.Document{
		ID: rec[0], ApplicantID: rec[1], Kind: selection.DocumentKind(rec[2]), SHA256: rec[3],
		MediaType: rec[4], Size: size, UploadedAt: at,
	}, nil
}
