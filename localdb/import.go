package localdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"iter"
	"strings"

	"intiqa/selection"
)

// progressEvery is how many rows an import handles between progress
// calls.
const progressEvery = 5000

// applicantKeys are the stored applicants' unique keys, read once before
// an import so that each row is checked without a query.
type applicantKeys struct {
	digest  map[string]string // ID to digest
	cinOf   map[string]string // CIN to ID
	emailOf map[string]string // e-mail to ID
}

func (db *DB) loadApplicantKeys(ctx context.Context) (*applicantKeys, error) {
	k := &applicantKeys{
		digest: map[string]string{}, cinOf: map[string]string{}, emailOf: map[string]string{},
	}
	err := db.each(ctx, `SELECT id, cin, email, digest FROM applicants`, nil,
		func(s scanner) error {
			var id, cin, email, digest string
			if err := s.Scan(&id, &cin, &email, &digest); err != nil {
				return err
			}
			k.digest[id] = digest
			k.cinOf[strings.ToUpper(cin)] = id
			k.emailOf[strings.ToLower(email)] = id
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read applicant keys: %w", err)
	}
	return k, nil
}

// heldBy tells which stored applicant holds a CIN or e-mail.
func (k *applicantKeys) heldBy(field, key string) string {
	switch field {
	case "cin":
		return k.cinOf[key]
	case "email":
		return k.emailOf[key]
	}
	return ""
}

// ImportApplicants loads applicants rows in one transaction: new ones are
// created, changed ones updated with an audit entry each showing before
// and after, unchanged ones left alone. Any faulty row, whether in its
// cells, its communes, its scope, or a key that another row or applicant
// holds, makes the whole import fail with *selection.InvalidFileError and
// nothing applied.
//
// Reading and checking the rows runs on one goroutine and writing them on
// another, so that parsing a file and inserting into SQLite overlap;
// progress is called from the reading goroutine.
func (db *DB) ImportApplicants(ctx context.Context, actor string, src selection.Source,
	rows iter.Seq2[selection.Row[*selection.Applicant], error],
	progress selection.Progress) (selection.ImportResult, error) {
	terr, err := db.Territory(ctx)
	if err != nil {
		return selection.ImportResult{}, err
	}
	stored, err := db.loadApplicantKeys(ctx)
	if err != nil {
		return selection.ImportResult{}, err
	}
	imp := &applicantImport{src: src, stored: stored, invalid: &selection.InvalidFileError{},
		checker: selection.NewApplicantRowChecker(terr, db.scope, stored.heldBy)}
	var res selection.ImportResult
	err = db.update(ctx, actor, func(tx *Tx) error {
		bulk := len(stored.digest) == 0
		if bulk {
			if err := tx.dropIndexes(applicantIndexes); err != nil {
				return err
			}
			if err := tx.suspendChangeLog(); err != nil {
				return err
			}
		}
		readCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		batches := make(chan []checkedApplicant, 16)
		readDone := make(chan error, 1)
		go func() {
			defer close(batches)
			readDone <- imp.read(readCtx, rows, batches, progress, &res)
		}()
		created := sha256.New() // fingerprint of the rows created, for the audit entry
		if err := imp.write(tx, batches, &res, created); err != nil {
			cancel()
			for range batches { // let the reader finish before the transaction ends
			}
			return err
		}
		if err := <-readDone; err != nil {
			return err
		}
		if imp.invalid.Total > 0 {
			return imp.invalid
		}
		if bulk {
			if err := tx.createIndexes(applicantIndexes); err != nil {
				return err
			}
			if err := tx.logAllApplicants(); err != nil {
				return err
			}
		}
		return tx.auditImport("applicants", src, res, created.Sum(nil))
	})
	if err != nil {
		return selection.ImportResult{Rows: res.Rows}, err
	}
	return res, nil
}

// applicantImport is the state of one applicants import.
type applicantImport struct {
	src     selection.Source
	stored  *applicantKeys
	checker *selection.ApplicantRowChecker
	invalid *selection.InvalidFileError
}

// checkedApplicant is a row that passed every check and must be written.
type checkedApplicant struct {
	line   int
	a      *selection.Applicant
	digest string
	exists bool
}

// importBatch is how many checked rows travel together to the writer.
const importBatch = 256

// read drives the rows, checks each one and sends those to write in
// batches. It counts the rows and the unchanged ones. Once any row is
// faulty it sends nothing more but goes on checking, to report every
// fault.
func (imp *applicantImport) read(ctx context.Context,
	rows iter.Seq2[selection.Row[*selection.Applicant], error],
	out chan<- []checkedApplicant, progress selection.Progress, res *selection.ImportResult) error {
	batch := make([]checkedApplicant, 0, importBatch)
	for row, err := range rows {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		res.Rows++
		if progress != nil && res.Rows%progressEvery == 0 {
			progress(res.Rows)
		}
		if !imp.check(row) || imp.invalid.Total > 0 {
			continue
		}
		a := row.Value
		digest := applicantDigest(a)
		old, exists := imp.stored.digest[a.ID]
		if exists && old == digest {
			res.Unchanged++
			continue
		}
		batch = append(batch, checkedApplicant{row.Line, a, digest, exists})
		if len(batch) == importBatch {
			out <- batch
			batch = make([]checkedApplicant, 0, importBatch)
		}
	}
	if len(batch) > 0 && imp.invalid.Total == 0 {
		out <- batch
	}
	if progress != nil {
		progress(res.Rows)
	}
	return nil
}

// write inserts or updates the checked rows it receives until the reader
// closes the channel.
func (imp *applicantImport) write(tx *Tx, in <-chan []checkedApplicant,
	res *selection.ImportResult, created hash.Hash) error {
	ins, err := tx.tx.PrepareContext(tx.ctx, `INSERT INTO applicants (`+applicantColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare import: %w", err)
	}
	defer ins.Close()
	for batch := range in {
		for _, c := range batch {
			if c.exists {
				if _, err := tx.putApplicant(c.a, false); err != nil {
					return err
				}
				res.Updated++
				continue
			}
			if _, err := ins.ExecContext(tx.ctx, applicantArgs(c.a, c.digest)...); err != nil {
				return fmt.Errorf("%s:%s:%d: insert applicant: %w",
					imp.src.File, imp.src.Sheet, c.line, err)
			}
			created.Write([]byte(c.digest))
			res.Created++
		}
	}
	return nil
}

// check records the faults of one row and reports whether it is sound.
func (imp *applicantImport) check(row selection.Row[*selection.Applicant]) bool {
	errs := imp.checker.Check(row)
	for _, fe := range errs {
		imp.invalid.Add(selection.FieldRowError(imp.src, row.Line, fe))
	}
	return len(errs) == 0 && row.Value != nil
}

// auditImport appends the one entry that stands for an import's
// creations: the file, its hash, the counts, and a fingerprint of the
// rows created. Updates have entries of their own.
func (tx *Tx) auditImport(kind string, src selection.Source, res selection.ImportResult,
	createdSum []byte) error {
	if res.Created == 0 && res.Updated == 0 {
		return nil // an import that changes nothing leaves no trace
	}
	summary := struct {
		File, Sheet, SHA256    string
		Rows, Created, Updated int
		Unchanged              int
		CreatedRowsFingerprint string
	}{src.File, src.Sheet, src.SHA256, res.Rows, res.Created, res.Updated, res.Unchanged,
		hex.EncodeToString(createdSum)}
	return tx.audit(kind+".import", kind, src.SHA256, nil, summary)
}

// applicantIndexes are the applicants table's secondary indexes, as in
// migrations/0001_init.sql. Building them once after a bulk load into an
// empty table is much faster than growing them row by row.
var applicantIndexes = []struct{ name, def string }{
	{"applicants_cin", "CREATE UNIQUE INDEX applicants_cin ON applicants (cin)"},
	{"applicants_email", "CREATE UNIQUE INDEX applicants_email ON applicants (email)"},
	{"applicants_province", "CREATE INDEX applicants_province ON applicants (province_code)"},
	{"applicants_choice_1", "CREATE INDEX applicants_choice_1 ON applicants (choice_1)"},
}

func (tx *Tx) dropIndexes(idx []struct{ name, def string }) error {
	for _, i := range idx {
		if _, err := tx.exec("DROP INDEX " + i.name); err != nil {
			return fmt.Errorf("drop index %s: %w", i.name, err)
		}
	}
	return nil
}

func (tx *Tx) createIndexes(idx []struct{ name, def string }) error {
	for _, i := range idx {
		if _, err := tx.exec(i.def); err != nil {
			return fmt.Errorf("build index %s: %w", i.name, err)
		}
	}
	return nil
}
