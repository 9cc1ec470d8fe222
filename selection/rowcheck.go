package selection

import (
	"fmt"
	"strings"
)

// HeldBy tells which applicant already holds a key outside the file
// being checked: field is "cin" or "email", key its normalized value. It
// returns "" when no one does.
type HeldBy func(field, key string) string

// ApplicantRowChecker checks the rows of one applicants file, in order,
// for what no single row can tell: that its communes exist and lie in
// the scope, and that no other row, or applicant held elsewhere, has the
// same ID, CIN or e-mail. Stores and the commands that read contract
// files use the same checker, so a file is judged the same everywhere.
type ApplicantRowChecker struct {
	communes CommuneSet
	scope    string // "" for national
	held     HeldBy // nil when nothing is held elsewhere

	// The line where each key was first seen, in the checked rows.
	ids, cins, emails map[string]int
}

// NewApplicantRowChecker returns a checker for one file's rows. scope is
// a province code, or "" for the nation; held may be nil.
func NewApplicantRowChecker(communes CommuneSet, scope string, held HeldBy) *ApplicantRowChecker {
	return &ApplicantRowChecker{communes: communes, scope: scope, held: held,
		ids: map[string]int{}, cins: map[string]int{}, emails: map[string]int{}}
}

// Check returns every fault of a row: those its cells had (row.Problems),
// then those across rows. It returns nil for a sound row.
func (c *ApplicantRowChecker) Check(row Row[*Applicant]) []*FieldError {
	errs := append([]*FieldError(nil), row.Problems...)
	a := row.Value
	if a == nil {
		return errs
	}
	if len(row.Problems) == 0 {
		errs = append(errs, CheckChoices(a.Choices, c.communes)...)
	}
	if p := a.ProvinceCode(); p != "" && c.scope != "" && p != c.scope && len(errs) == 0 {
		errs = append(errs, &FieldError{Field: "choice_1", Value: a.Choices[0],
			Problem: ProblemInconsistent, Detail: "hors de la province " + c.scope})
	}
	errs = c.key(errs, row.Line, "applicant_id", a.ID, c.ids, a.ID)
	errs = c.key(errs, row.Line, "cin", strings.ToUpper(a.CIN), c.cins, a.ID)
	return c.key(errs, row.Line, "email", strings.ToLower(a.Email), c.emails, a.ID)
}

// key records a key of the row at line, adding a fault when an earlier
// row gave it, or when another applicant than id holds it elsewhere.
func (c *ApplicantRowChecker) key(errs []*FieldError, line int, field, value string,
	lines map[string]int, id string) []*FieldError {
	if value == "" {
		return errs
	}
	if first, ok := lines[value]; ok {
		return append(errs, &FieldError{Field: field, Value: value, Problem: ProblemDuplicate,
			Detail: fmt.Sprintf("déjà à la ligne %d", first)})
	}
	lines[strings.Clone(value)] = line // not the row's buffer, which the key would pin
	if c.held == nil || field == "applicant_id" {
		return errs
	}
	if holder := c.held(field, value); holder != "" && holder != id {
		errs = append(errs, &FieldError{Field: field, Value: value, Problem: ProblemDuplicate,
			Detail: "déjà enregistré pour le candidat " + holder})
	}
	return errs
}

// NeedRowChecker checks the rows of one needs file, in order: each
// commune exists, lies in the scope and is given once, and its counts
// are not negative.
type NeedRowChecker struct {
	territory *Territory
	scope     string
	seen      map[string]int
}

// NewNeedRowChecker returns a checker for one needs file; scope is a
// province code, or "" for the nation.
func NewNeedRowChecker(t *Territory, scope string) *NeedRowChecker {
	return &NeedRowChecker{territory: t, scope: scope, seen: map[string]int{}}
}

// Check returns every fault of a row, nil for a sound one.
func (c *NeedRowChecker) Check(row Row[*Need]) []*FieldError {
	errs := append([]*FieldError(nil), row.Problems...)
	n := row.Value
	if n == nil {
		return errs
	}
	code := n.CommuneCode
	commune, known := c.territory.Commune(code)
	switch {
	case code == "":
		errs = append(errs, &FieldError{Field: "commune_code", Problem: ProblemRequired})
	case !known:
		errs = append(errs, &FieldError{Field: "commune_code", Value: code,
			Problem: ProblemUnknown, Detail: "code de commune officiel, ex. 01.511.01.01"})
	case c.scope != "" && commune.ProvinceCode != c.scope:
		errs = append(errs, &FieldError{Field: "commune_code", Value: code,
			Problem: ProblemInconsistent, Detail: "hors de la province " + c.scope})
	case c.seen[code] > 0:
		errs = append(errs, &FieldError{Field: "commune_code", Value: code,
			Problem: ProblemDuplicate, Detail: fmt.Sprintf("déjà à la ligne %d", c.seen[code])})
	default:
		c.seen[code] = row.Line
	}
	if n.Enumerators < 0 || n.Controllers < 0 {
		errs = append(errs, &FieldError{Field: "enumerators", Value: fmt.Sprint(n.Enumerators),
			Problem: ProblemRange, Detail: "nombre positif ou nul"})
	}
	return errs
}
