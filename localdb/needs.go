package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"

	"intiqa/selection"
)

// Needs returns the field needs of every commune that has some, by code.
func (db *DB) Needs(ctx context.Context) ([]selection.Need, error) {
	var out []selection.Need
	err := db.each(ctx, `SELECT commune_code, enumerators, controllers, languages
		FROM needs ORDER BY commune_code`, nil, func(s scanner) error {
		n, err := scanNeed(s)
		if err == nil {
			out = append(out, *n)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read needs: %w", err)
	}
	return out, nil
}

func scanNeed(s scanner) (*selection.Need, error) {
	var n selection.Need
	var langs string
	if err := s.Scan(&n.CommuneCode, &n.Enumerators, &n.Controllers, &langs); err != nil {
		return nil, err
	}
	n.Languages = splitLanguages(langs)
	return &n, nil
}

func splitLanguages(s string) []selection.Language {
	var out []selection.Language
	for _, l := range strings.Split(s, ";") {
		if l != "" {
			out = append(out, selection.Language(l))
		}
	}
	return out
}

// ImportNeeds loads needs rows in one transaction, all or nothing. Each
// created or changed need has its own audit entry (there are at most
// about 1,500).
func (db *DB) ImportNeeds(ctx context.Context, actor string, src selection.Source,
	rows iter.Seq2[selection.Row[*selection.Need], error],
	progress selection.Progress) (selection.ImportResult, error) {
	var res selection.ImportResult
	terr, err := db.Territory(ctx)
	if err != nil {
		return res, err
	}
	checker := selection.NewNeedRowChecker(terr, db.scope)
	invalid := &selection.InvalidFileError{}
	err = db.update(ctx, actor, func(tx *Tx) error {
		for row, err := range rows {
			if err != nil {
				return err
			}
			res.Rows++
			if progress != nil && res.Rows%progressEvery == 0 {
				progress(res.Rows)
			}
			for _, fe := range checker.Check(row) {
				invalid.Add(selection.FieldRowError(src, row.Line, fe))
			}
			if invalid.Total > 0 {
				continue
			}
			outcome, err := tx.putNeed(row.Value)
			if err != nil {
				return fmt.Errorf("%s:%s:%d: %w", src.File, src.Sheet, row.Line, err)
			}
			tally(&res, outcome)
		}
		if invalid.Total > 0 {
			return invalid
		}
		return nil
	})
	if err != nil {
		return selection.ImportResult{Rows: res.Rows}, err
	}
	return res, nil
}

// tally adds one row's outcome to an import's result.
func tally(res *selection.ImportResult, o putOutcome) {
	switch o {
	case putCreated:
		res.Created++
	case putUpdated:
		res.Updated++
	default:
		res.Unchanged++
	}
}

// PutNeed creates or updates one commune's needs, audited.
func (db *DB) PutNeed(ctx context.Context, actor string, n *selection.Need) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		_, err := tx.putNeed(n)
		return err
	})
}

func (tx *Tx) putNeed(n *selection.Need) (putOutcome, error) {
	row := tx.queryRow(`SELECT commune_code, enumerators, controllers,
		languages FROM needs WHERE commune_code = ?`, n.CommuneCode)
	before, err := scanNeed(row)
	outcome := putUpdated
	switch {
	case errors.Is(err, sql.ErrNoRows):
		before, outcome = nil, putCreated
	case err != nil:
		return 0, fmt.Errorf("read need %s: %w", n.CommuneCode, err)
	case before.Enumerators == n.Enumerators && before.Controllers == n.Controllers &&
		selection.FormatLanguages(before.Languages) == selection.FormatLanguages(n.Languages):
		return putUnchanged, nil
	}
	_, err = tx.exec(`INSERT INTO needs (commune_code, enumerators, controllers, languages)
		VALUES (?, ?, ?, ?) ON CONFLICT (commune_code) DO UPDATE SET
		enumerators = excluded.enumerators, controllers = excluded.controllers,
		languages = excluded.languages`, n.CommuneCode, n.Enumerators, n.Controllers,
		selection.FormatLanguages(n.Languages))
	if err != nil {
		return 0, fmt.Errorf("write need %s: %w", n.CommuneCode, err)
	}
	var b any
	if before != nil {
		b = before
	}
	return outcome, tx.audit("need.put", "need", n.CommuneCode, b, n)
}
