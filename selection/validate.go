package selection

import (
	"fmt"
	"strings"
	"unicode"
)

// Problem names the kind of fault a FieldError reports, so that an
// interface can render it in its own language.
type Problem string

// The kinds of field fault.
const (
	ProblemRequired     Problem = "required"
	ProblemFormat       Problem = "format"
	ProblemEnum         Problem = "enum"
	ProblemRange        Problem = "range"
	ProblemUnknown      Problem = "unknown"
	ProblemDuplicate    Problem = "duplicate"
	ProblemInconsistent Problem = "inconsistent"
)

// FieldError reports one field whose value is not acceptable. Field is the
// contract column name (e.g. "cin"), so that an import can point at the
// cell.
type FieldError struct {
	Field   string
	Value   string
	Problem Problem
	Detail  string // what is expected, in French
}

// Error renders the fault in French, the product's default language,
// prefixed by the field.
func (e *FieldError) Error() string {
	return e.Field + " : " + e.Message()
}

// Message renders the fault in French without naming the field, for
// places that show the field apart (an import's FILE:SHEET:ROW:COLUMN).
func (e *FieldError) Message() string {
	v := e.Value
	if len([]rune(v)) > 40 {
		v = string([]rune(v)[:40]) + "…"
	}
	switch e.Problem {
	case ProblemRequired:
		if e.Detail != "" {
			return "valeur obligatoire manquante (" + e.Detail + ")"
		}
		return "valeur obligatoire manquante"
	case ProblemEnum:
		return fmt.Sprintf("« %s » n'est pas une valeur admise (%s)", v, e.Detail)
	case ProblemUnknown:
		return fmt.Sprintf("« %s » inconnu (%s)", v, e.Detail)
	case ProblemDuplicate:
		return fmt.Sprintf("« %s » en double (%s)", v, e.Detail)
	}
	return fmt.Sprintf("« %s » invalide (%s)", v, e.Detail)
}

// CommuneSet tells which commune codes exist; *Territory implements it.
type CommuneSet interface {
	HasCommune(code string) bool
}

// NormalizeCIN upper-cases and checks a national ID number: one or two
// letters then one to six digits.
func NormalizeCIN(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if c == "" {
		return "", &FieldError{Field: "cin", Problem: ProblemRequired}
	}
	letters := 0
	for letters < len(c) && letters < 3 && c[letters] >= 'A' && c[letters] <= 'Z' {
		letters++
	}
	digits := c[letters:]
	ok := letters >= 1 && letters <= 2 && len(digits) >= 1 && len(digits) <= 6
	for i := 0; ok && i < len(digits); i++ {
		ok = digits[i] >= '0' && digits[i] <= '9'
	}
	if !ok {
		return "", &FieldError{Field: "cin", Value: s, Problem: ProblemFormat,
			Detail: "une ou deux lettres puis un à six chiffres, ex. BK123456"}
	}
	return c, nil
}

// NormalizePhone checks a Moroccan mobile number (06..., 07..., +2126...,
// +2127... or 002126...) and returns it as ten digits starting with 0.
// Spaces, dots and dashes between digits are ignored.
func NormalizePhone(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == ' ' || r == '.' || r == '-':
		case r == '+' && b.Len() == 0, r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteString("?")
		}
	}
	p := b.String()
	if p == "" {
		return "", &FieldError{Field: "phone", Problem: ProblemRequired}
	}
	switch {
	case strings.HasPrefix(p, "+212"):
		p = "0" + p[4:]
	case strings.HasPrefix(p, "00212"):
		p = "0" + p[5:]
	}
	ok := len(p) == 10 && (strings.HasPrefix(p, "06") || strings.HasPrefix(p, "07"))
	for i := 0; ok && i < len(p); i++ {
		ok = p[i] >= '0' && p[i] <= '9'
	}
	if !ok {
		return "", &FieldError{Field: "phone", Value: s, Problem: ProblemFormat,
			Detail: "mobile marocain : 06 ou 07 suivi de 8 chiffres, ou +2126 / +2127"}
	}
	return p, nil
}

// NormalizeEmail lower-cases and checks an e-mail address. It accepts the
// plain addr-spec form that platforms use as a username, not the full
// RFC 5322 grammar (no display names, comments or quoted local parts).
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", &FieldError{Field: "email", Problem: ProblemRequired}
	}
	bad := &FieldError{Field: "email", Value: s, Problem: ProblemFormat,
		Detail: "adresse de la forme nom@domaine.tld"}
	at := strings.IndexByte(e, '@')
	if at <= 0 || at != strings.LastIndexByte(e, '@') || len(e) > 254 || at > 64 {
		return "", bad
	}
	local, domain := e[:at], e[at+1:]
	if !validEmailLocal(local) || !validDomain(domain) {
		return "", bad
	}
	return e, nil
}

func validEmailLocal(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if !(r < unicode.MaxASCII && (isAlnum(r) || strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", r))) {
			return false
		}
	}
	return true
}

func validDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 || len(labels[len(labels)-1]) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r < unicode.MaxASCII && (isAlnum(r) || r == '-')) {
				return false
			}
		}
	}
	return true
}

func isAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// ParseEnum checks that s (trimmed, lower-cased) is one of valid.
func ParseEnum[T ~string](field, s string, valid []T) (T, error) {
	v := T(strings.ToLower(strings.TrimSpace(s)))
	if v == "" {
		return "", &FieldError{Field: field, Problem: ProblemRequired}
	}
	for _, x := range valid {
		if x == v {
			return v, nil
		}
	}
	names := make([]string, len(valid))
	for i, x := range valid {
		names[i] = string(x)
	}
	return "", &FieldError{Field: field, Value: s, Problem: ProblemEnum,
		Detail: "admises : " + strings.Join(names, ", ")}
}

// ParseSex checks an "F" or "M" value.
func ParseSex(s string) (Sex, error) {
	v := Sex(strings.ToUpper(strings.TrimSpace(s)))
	if v == "" {
		return "", &FieldError{Field: "sex", Problem: ProblemRequired}
	}
	if v != SexFemale && v != SexMale {
		return "", &FieldError{Field: "sex", Value: s, Problem: ProblemEnum, Detail: "admises : F, M"}
	}
	return v, nil
}

// ParseLanguages splits a ";"-separated list and checks each language.
// An empty list is refused, and so is a language given twice.
func ParseLanguages(field, s string) ([]Language, error) {
	var out []Language
	for _, part := range strings.Split(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		l, err := ParseEnum(field, part, Languages)
		if err != nil {
			return nil, err
		}
		for _, x := range out {
			if x == l {
				return nil, &FieldError{Field: field, Value: s, Problem: ProblemDuplicate,
					Detail: "langue « " + string(l) + " » citée deux fois"}
			}
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, &FieldError{Field: field, Problem: ProblemRequired}
	}
	return out, nil
}

// FormatLanguages joins languages with ";" as the contract files do.
func FormatLanguages(ls []Language) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = string(l)
	}
	return strings.Join(parts, ";")
}

// ValidateTraining checks one training record: an applicant ID, module
// counts that fit, a test score from 0 to 100.
func ValidateTraining(t *TrainingProgress) []*FieldError {
	var errs []*FieldError
	if t.ApplicantID == "" {
		errs = append(errs, &FieldError{Field: "applicant_id", Problem: ProblemRequired})
	}
	if t.ModulesTotal < 0 {
		errs = append(errs, &FieldError{Field: "modules_total", Value: fmt.Sprint(t.ModulesTotal),
			Problem: ProblemRange, Detail: "nombre positif ou nul"})
	}
	if t.ModulesCompleted < 0 || t.ModulesCompleted > t.ModulesTotal {
		errs = append(errs, &FieldError{Field: "modules_completed",
			Value: fmt.Sprint(t.ModulesCompleted), Problem: ProblemRange,
			Detail: "de 0 à modules_total"})
	}
	if !t.Started && t.ModulesCompleted > 0 {
		errs = append(errs, &FieldError{Field: "started", Value: "no",
			Problem: ProblemInconsistent, Detail: "des modules sont terminés"})
	}
	if s := t.TestScore; s != nil && (*s < 0 || *s > 100) {
		errs = append(errs, &FieldError{Field: "test_score", Value: fmt.Sprint(*s),
			Problem: ProblemRange, Detail: "de 0 à 100"})
	}
	return errs
}
