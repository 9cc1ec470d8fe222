package localdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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

// fileKeys remembers, for the rows of one file, the line where each key
// was first seen.
type fileKeys struct {
	id, cin, email map[string]int
}

// ImportApplicants loads applicants rows in one transaction: new ones are
// created, changed ones updated with an audit entry each showing before
// and after, unchanged ones left alone. Any faulty row, whether in its
// cells, its communes, its scope, or a key that another row or applicant
// holds, makes the whole import fail with *selection.InvalidFileError and
// nothing applied.
func (db *DB) ImportApplicants(ctx context.Context, actor string, src selection.Source,
	rows iter.Seq2[selection.Row[*selection.Applicant], error],
	progress selection.Progress) (selection.ImportResult, error) {
	var res selection.ImportResult
	terr, err := db.Territory(ctx)
	if err != nil {
		return res, err
	}
	stored, err := db.loadApplicantKeys(ctx)
	if err != nil {
		return res, err
	}
	seen := fileKeys{id: map[string]int{}, cin: map[string]int{}, email: map[string]int{}}
	invalid := &selection.InvalidFileError{}
	created := sha256.New() // fingerprint of the rows created, for the audit entry

	err = db.update(ctx, actor, func(tx *Tx) error {
		ins, err := tx.tx.PrepareContext(ctx, `INSERT INTO applicants (`+applicantColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("prepare import: %w", err)
		}
		defer ins.Close()
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
			if !db.checkApplicantRow(src, row, terr, stored, &seen, invalid) || invalid.Total > 0 {
				continue // keep checking, to report every fault; write nothing more
			}
			a := row.Value
			digest := applicantDigest(a)
			old, exists := stored.digest[a.ID]
			switch {
			case !exists:
				if _, err := ins.ExecContext(ctx, applicantArgs(a, digest)...); err != nil {
					return fmt.Errorf("%s:%s:%d: insert applicant: %w", src.File, src.Sheet, row.Line, err)
				}
				created.Write([]byte(digest))
				res.Created++
			case old == digest:
				res.Unchanged++
			default:
				if _, err := tx.putApplicant(a, false); err != nil {
					return err
				}
				res.Updated++
			}
		}
		if invalid.Total > 0 {
			return invalid
		}
		if progress != nil {
			progress(res.Rows)
		}
		return tx.auditImport("applicants", src, res, created.Sum(nil))
	})
	if err != nil {
		return selection.ImportResult{Rows: res.Rows}, err
	}
	return res, nil
}

// checkApplicantRow records the faults of one row: those found in its
// cells, then those only the store can see. It reports whether the row is
// sound.
func (db *DB) checkApplicantRow(src selection.Source, row selection.Row[*selection.Applicant],
	terr *selection.Territory, stored *applicantKeys, seen *fileKeys,
	invalid *selection.InvalidFileError) bool {
	before := invalid.Total
	for _, fe := range row.Problems {
		invalid.Add(selection.FieldRowError(src, row.Line, fe))
	}
	a := row.Value
	if a == nil {
		return false
	}
	fault := func(fe *selection.FieldError) { invalid.Add(selection.FieldRowError(src, row.Line, fe)) }
	if len(row.Problems) == 0 {
		for _, fe := range selection.CheckChoices(a.Choices, terr) {
			fault(fe)
		}
	}
	if p := a.ProvinceCode(); p != "" && !db.inScope(p) && invalid.Total == before {
		fault(&selection.FieldError{Field: "choice_1", Value: a.Choices[0],
			Problem: selection.ProblemInconsistent, Detail: "hors de la province " + db.scope})
	}
	dupe := func(field, value string, lines map[string]int, holder map[string]string) {
		if value == "" {
			return
		}
		if line, ok := lines[value]; ok {
			fault(&selection.FieldError{Field: field, Value: value, Problem: selection.ProblemDuplicate,
				Detail: fmt.Sprintf("déjà à la ligne %d", line)})
			return
		}
		lines[value] = row.Line
		if holder != nil && holder[value] != "" && holder[value] != a.ID {
			fault(&selection.FieldError{Field: field, Value: value, Problem: selection.ProblemDuplicate,
				Detail: "déjà enregistré pour le candidat " + holder[value]})
		}
	}
	dupe("applicant_id", a.ID, seen.id, nil)
	dupe("cin", strings.ToUpper(a.CIN), seen.cin, stored.cinOf)
	dupe("email", strings.ToLower(a.Email), seen.email, stored.emailOf)
	return invalid.Total == before
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
