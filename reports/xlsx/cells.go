package xlsx

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"intiqa/selection"
)

// Bounds of the numbers a contract cell may hold.
const (
	maxCount     = 1_000_000 // posts of a commune, training modules
	maxSerialDay = 2958465   // 9999-12-31, Excel's last date
)

// The date-time layouts of the contract, as text.
var dateTimeLayouts = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05"}

// rowParser reads the cells of one data row and gathers their faults.
type rowParser struct {
	h        Header
	cells    []Cell
	problems []*selection.FieldError
}

// add records err when it is a FieldError.
func (p *rowParser) add(err error) {
	var fe *selection.FieldError
	if errors.As(err, &fe) {
		p.problems = append(p.problems, fe)
	}
}

// fault records a fault of column col.
func (p *rowParser) fault(col, value string, problem selection.Problem, detail string) {
	p.problems = append(p.problems, &selection.FieldError{Field: col, Value: value,
		Problem: problem, Detail: detail})
}

// failed reports whether column col already has a fault.
func (p *rowParser) failed(col string) bool {
	for _, fe := range p.problems {
		if fe.Field == col {
			return true
		}
	}
	return false
}

// validate adds the faults a domain check found, except for columns
// whose cells already failed to parse (the check then sees an empty
// value and would only repeat the fault). A fault of one of the related
// columns is dropped too when any of them failed.
func (p *rowParser) validate(errs []*selection.FieldError, related ...string) {
	relatedFailed := false
	for _, col := range related {
		relatedFailed = relatedFailed || p.failed(col)
	}
	var keep []*selection.FieldError
	for _, fe := range errs {
		if p.failed(fe.Field) || (relatedFailed && slices.Contains(related, fe.Field)) {
			continue
		}
		keep = append(keep, fe)
	}
	p.problems = append(p.problems, keep...)
}

// raw returns the cell of column col, trimmed; a formula error is a
// fault and reported as not ok.
func (p *rowParser) raw(col string) (Cell, bool) {
	c := p.h.cell(p.cells, col)
	c.Value = strings.TrimSpace(c.Value)
	if c.Type == CellError {
		p.fault(col, c.Value, selection.ProblemFormat, "erreur de formule Excel")
		return Cell{}, false
	}
	return c, true
}

// text returns the trimmed text of column col, whatever the cell type.
func (p *rowParser) text(col string) string {
	c, _ := p.raw(col)
	return c.Value
}

// code returns a code (commune code), which must be stored as text: as
// a number, 01.511.01.01 would have lost its dots and leading zero.
func (p *rowParser) code(col string) string {
	c, ok := p.raw(col)
	if ok && c.Type != CellText && c.Value != "" {
		p.fault(col, c.Value, selection.ProblemFormat,
			"code en texte attendu, ex. 01.511.01.01 : mettre la cellule au format Texte")
		return ""
	}
	return c.Value
}

// parsed runs fn on the text of column col, unless the cell failed.
func parsed[T any](p *rowParser, col string, fn func(string) (T, error)) T {
	var zero T
	c, ok := p.raw(col)
	if !ok {
		return zero
	}
	v, err := fn(c.Value)
	p.add(err)
	return v
}

// enum parses column col as one of valid.
func enum[T ~string](p *rowParser, col string, valid []T) T {
	return parsed(p, col, func(s string) (T, error) { return selection.ParseEnum(col, s, valid) })
}

// phone normalises the phone column, explaining the usual fault of a
// number typed into a cell formatted as a number.
func (p *rowParser) phone() string {
	c, ok := p.raw("phone")
	if !ok {
		return ""
	}
	v, err := selection.NormalizePhone(c.Value)
	var fe *selection.FieldError
	if errors.As(err, &fe) && c.Type == CellNumber && fe.Problem == selection.ProblemFormat {
		fe.Detail = "saisi comme un nombre, le 0 initial est perdu : " +
			"mettre la cellule au format Texte, ex. 0612345678"
	}
	p.add(err)
	return v
}

// date reads column col as a date: ISO text or an Excel serial. An
// empty cell gives the zero time, left for the domain check to report.
func (p *rowParser) date(col string) time.Time {
	c, ok := p.raw(col)
	if !ok || c.Value == "" {
		return time.Time{}
	}
	if c.Type == CellNumber {
		if t, ok := serialTime(c.Value, p.h.date1904); ok {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
	} else if t, err := time.Parse(time.DateOnly, c.Value); err == nil {
		return t
	}
	p.fault(col, c.Value, selection.ProblemFormat, "date AAAA-MM-JJ ou date Excel attendue")
	return time.Time{}
}

// dateTime reads column col as a date and time in UTC: ISO text with a
// "T" or a space, or an Excel serial.
func (p *rowParser) dateTime(col string) time.Time {
	c, ok := p.raw(col)
	if !ok || c.Value == "" {
		return time.Time{}
	}
	if c.Type == CellNumber {
		if t, ok := serialTime(c.Value, p.h.date1904); ok {
			return t
		}
	} else {
		for _, layout := range dateTimeLayouts {
			if t, err := time.Parse(layout, c.Value); err == nil {
				return t
			}
		}
	}
	p.fault(col, c.Value, selection.ProblemFormat,
		"date et heure AAAA-MM-JJTHH:MM:SS ou AAAA-MM-JJ HH:MM:SS, ou date Excel attendue")
	return time.Time{}
}

// serialTime converts an Excel serial date (days since 1900, or 1904).
func serialTime(v string, date1904 bool) (time.Time, bool) {
	if !isDecimal(v) {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 1 || f >= maxSerialDay+1 {
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// count reads column col as a required whole number from 0 to maxCount.
// A number stored as text is accepted.
func (p *rowParser) count(col string) int {
	c, ok := p.raw(col)
	switch {
	case !ok:
		return 0
	case c.Value == "":
		p.fault(col, "", selection.ProblemRequired, "")
		return 0
	}
	f, ok := p.number(col, c)
	switch {
	case !ok:
		return 0
	case f != math.Trunc(f):
		p.fault(col, c.Value, selection.ProblemFormat, "nombre entier attendu")
		return 0
	case f < 0 || f > maxCount:
		p.fault(col, c.Value, selection.ProblemRange, "de 0 à 1000000")
		return 0
	}
	return int(f)
}

// score reads column col as an optional number; an empty cell is nil.
// As text, a decimal comma is accepted.
func (p *rowParser) score(col string) *float64 {
	c, ok := p.raw(col)
	if !ok || c.Value == "" {
		return nil
	}
	if c.Type == CellText {
		c.Value = strings.Replace(c.Value, ",", ".", 1)
	}
	f, ok := p.number(col, c)
	if !ok {
		return nil
	}
	return &f
}

// number parses a numeric cell or numeric text in plain decimal form.
func (p *rowParser) number(col string, c Cell) (float64, bool) {
	if c.Type == CellBool || !isDecimal(c.Value) {
		p.fault(col, c.Value, selection.ProblemFormat, "nombre attendu")
		return 0, false
	}
	f, err := strconv.ParseFloat(c.Value, 64)
	if err != nil || math.IsInf(f, 0) {
		p.fault(col, c.Value, selection.ProblemFormat, "nombre attendu")
		return 0, false
	}
	return f, true
}

// isDecimal accepts [-+]digits[.digits][e[-+]digits], the forms numbers
// take in a sheet, and refuses what ParseFloat alone would also take
// (hexadecimal, "Inf", "NaN", underscores).
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		exp := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
		if i == exp {
			return false
		}
	}
	return i == len(s)
}

// yesNo reads column col as a required "yes" or "no", in any case.
func (p *rowParser) yesNo(col string) bool {
	c, ok := p.raw(col)
	if !ok {
		return false
	}
	switch strings.ToLower(c.Value) {
	case "yes":
		return true
	case "no":
		return false
	case "":
		p.fault(col, "", selection.ProblemRequired, "")
	default:
		p.fault(col, c.Value, selection.ProblemEnum, "admises : yes, no")
	}
	return false
}
