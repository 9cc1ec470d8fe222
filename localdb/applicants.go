package localdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"strings"

	"intiqa/selection"
)

// applicantColumns lists the applicants table's columns in the order
// scanApplicant and applicantArgs use.
const applicantColumns = `id, cin, last_name, first_name, last_name_ar, first_name_ar, sex,
	birth_date, phone, email, category, education, survey_experience, tech_skill, languages,
	choice_1, choice_2, choice_3, province_code, registered_at, digest`

// applicantArgs returns the values of applicantColumns for a.
func applicantArgs(a *selection.Applicant, digest string) []any {
	choice := func(i int) any {
		if i < len(a.Choices) && a.Choices[i] != "" {
			return a.Choices[i]
		}
		return nil
	}
	return []any{
		a.ID, a.CIN, a.LastName, a.FirstName, a.LastNameAR, a.FirstNameAR, string(a.Sex),
		formatDate(a.BirthDate), a.Phone, a.Email, string(a.Category), string(a.Education),
		string(a.SurveyExperience), string(a.TechSkill), selection.FormatLanguages(a.Languages),
		choice(0), choice(1), choice(2), a.ProvinceCode(), formatInstant(a.RegisteredAt), digest,
	}
}

// scanApplicant reads one row of applicantColumns.
func scanApplicant(s scanner) (*selection.Applicant, string, error) {
	var a selection.Applicant
	var birth, langs, province, registered, digest string
	var c2, c3 sql.NullString
	var c1 string
	err := s.Scan(&a.ID, &a.CIN, &a.LastName, &a.FirstName, &a.LastNameAR, &a.FirstNameAR,
		&a.Sex, &birth, &a.Phone, &a.Email, &a.Category, &a.Education, &a.SurveyExperience,
		&a.TechSkill, &langs, &c1, &c2, &c3, &province, &registered, &digest)
	if err != nil {
		return nil, "", err
	}
	if a.BirthDate, err = parseDate(birth); err != nil {
		return nil, "", fmt.Errorf("applicant %s birth date: %w", a.ID, err)
	}
	if a.RegisteredAt, err = parseInstant(registered); err != nil {
		return nil, "", fmt.Errorf("applicant %s registration time: %w", a.ID, err)
	}
	if langs != "" {
		for _, l := range strings.Split(langs, ";") {
			a.Languages = append(a.Languages, selection.Language(l))
		}
	}
	a.Choices = []string{c1}
	for _, c := range []sql.NullString{c2, c3} {
		if c.Valid {
			a.Choices = append(a.Choices, c.String)
		}
	}
	return &a, digest, nil
}

// applicantDigest fingerprints an applicant's content, so that an import
// can tell an unchanged row without reading it back. Fields are written
// with a separator no field may contain.
func applicantDigest(a *selection.Applicant) string {
	var buf [512]byte
	b := buf[:0]
	for _, s := range []string{a.ID, a.CIN, a.LastName, a.FirstName, a.LastNameAR,
		a.FirstNameAR, string(a.Sex), string(a.Category), string(a.Education),
		string(a.SurveyExperience), string(a.TechSkill), a.Phone, a.Email} {
		b = append(append(b, s...), 0)
	}
	b = a.BirthDate.AppendFormat(b, dateLayout)
	b = append(b, 0)
	b = a.RegisteredAt.UTC().AppendFormat(b, instantLayout)
	for _, l := range a.Languages {
		b = append(append(b, 0), l...)
	}
	b = append(b, 1)
	for _, c := range a.Choices {
		b = append(append(b, 0), c...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// Applicant returns one applicant by ID.
func (db *DB) Applicant(ctx context.Context, id string) (*selection.Applicant, error) {
	row := db.reader.QueryRowContext(ctx,
		`SELECT `+applicantColumns+` FROM applicants WHERE id = ?`, id)
	a, _, err := scanApplicant(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("applicant %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read applicant: %w", err)
	}
	return a, nil
}

// ApplicantFilter narrows a listing of applicants; see
// selection.ApplicantFilter.
type ApplicantFilter = selection.ApplicantFilter

// where renders the filter as a WHERE clause and its arguments.
func filterWhere(f ApplicantFilter) (string, []any) {
	var conds []string
	var args []any
	if f.ProvinceCode != "" {
		conds = append(conds, "province_code = ?")
		args = append(args, f.ProvinceCode)
	}
	if f.CommuneCode != "" {
		conds = append(conds, "(choice_1 = ? OR choice_2 = ? OR choice_3 = ?)")
		args = append(args, f.CommuneCode, f.CommuneCode, f.CommuneCode)
	}
	if f.Category != "" {
		conds = append(conds, "category = ?")
		args = append(args, string(f.Category))
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		pat := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s) + "%"
		var ors []string
		for _, col := range []string{"id", "cin", "email", "last_name", "first_name",
			"last_name_ar", "first_name_ar"} {
			ors = append(ors, col+` LIKE ? ESCAPE '\'`)
			args = append(args, pat)
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Applicants streams the applicants that match f, ordered by ID.
func (db *DB) Applicants(ctx context.Context, f ApplicantFilter) iter.Seq2[*selection.Applicant, error] {
	return func(yield func(*selection.Applicant, error) bool) {
		where, args := filterWhere(f)
		q := `SELECT ` + applicantColumns + ` FROM applicants` + where + ` ORDER BY id`
		if f.Limit > 0 {
			q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
		}
		rows, err := db.reader.QueryContext(ctx, q, args...)
		if err != nil {
			yield(nil, fmt.Errorf("list applicants: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			a, _, err := scanApplicant(rows)
			if err != nil {
				yield(nil, fmt.Errorf("list applicants: %w", err))
				return
			}
			if !yield(a, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, fmt.Errorf("list applicants: %w", err))
		}
	}
}

// CountApplicants counts the applicants that match f (Limit and Offset
// are ignored).
func (db *DB) CountApplicants(ctx context.Context, f ApplicantFilter) (int, error) {
	where, args := filterWhere(f)
	var n int
	err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM applicants`+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count applicants: %w", err)
	}
	return n, nil
}

// PutApplicant creates or updates one applicant after validating it, and
// records the change. An unchanged applicant is left alone.
func (db *DB) PutApplicant(ctx context.Context, actor string, a *selection.Applicant) error {
	terr, err := db.Territory(ctx)
	if err != nil {
		return err
	}
	if errs := selection.ValidateApplicant(a, terr); len(errs) > 0 {
		return fmt.Errorf("applicant %s: %w", a.ID, errs[0])
	}
	if !db.inScope(a.ProvinceCode()) {
		return fmt.Errorf("applicant %s of province %s: %w", a.ID, a.ProvinceCode(), ErrScope)
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		_, err := tx.putApplicant(a, true)
		return err
	})
}

// putOutcome tells what putApplicant did.
type putOutcome int

const (
	putUnchanged putOutcome = iota
	putCreated
	putUpdated
)

// putApplicant writes a, reading the stored row first to compare. When
// auditCreate is false a creation is not audited one by one (an import
// audits its creations as a batch).
func (tx *Tx) putApplicant(a *selection.Applicant, auditCreate bool) (putOutcome, error) {
	digest := applicantDigest(a)
	row := tx.queryRow(
		`SELECT `+applicantColumns+` FROM applicants WHERE id = ?`, a.ID)
	before, oldDigest, err := scanApplicant(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return putCreated, tx.insertApplicant(a, digest, auditCreate)
	case err != nil:
		return 0, fmt.Errorf("read applicant %s: %w", a.ID, err)
	case oldDigest == digest:
		return putUnchanged, nil
	}
	return putUpdated, tx.updateApplicant(before, a, digest)
}

func (tx *Tx) insertApplicant(a *selection.Applicant, digest string, audit bool) error {
	_, err := tx.exec(`INSERT INTO applicants (`+applicantColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		applicantArgs(a, digest)...)
	if err != nil {
		return fmt.Errorf("insert applicant %s: %w", a.ID, err)
	}
	if !audit {
		return nil
	}
	return tx.audit("applicant.create", "applicant", a.ID, nil, a)
}

func (tx *Tx) updateApplicant(before, a *selection.Applicant, digest string) error {
	args := applicantArgs(a, digest)
	_, err := tx.exec(`UPDATE applicants SET cin = ?, last_name = ?, first_name = ?,
		last_name_ar = ?, first_name_ar = ?, sex = ?, birth_date = ?, phone = ?, email = ?,
		category = ?, education = ?, survey_experience = ?, tech_skill = ?, languages = ?,
		choice_1 = ?, choice_2 = ?, choice_3 = ?, province_code = ?, registered_at = ?,
		digest = ? WHERE id = ?`, append(args[1:], a.ID)...)
	if err != nil {
		return fmt.Errorf("update applicant %s: %w", a.ID, err)
	}
	return tx.audit("applicant.update", "applicant", a.ID, before, a)
}
