package xlsx_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"intiqa/reports/xlsx"
	"intiqa/reports/xlsx/xlsxtest"
	"intiqa/selection"
)

// MustHeader returns the header of a sheet with k's columns in contract
// order.
func MustHeader(tb testing.TB, k xlsx.Kind) xlsx.Header {
	tb.Helper()
	h, errs := xlsx.NewHeader(k, k.Columns())
	if len(errs) > 0 {
		tb.Fatalf("contract header refused: %v", errs)
	}
	return h
}

// textCells renders a row of xlsxtest values as cells: strings as text,
// numbers as numbers, times as 1900-system serials.
func textCells(row []any) []xlsx.Cell {
	cells := make([]xlsx.Cell, len(row))
	for i, v := range row {
		switch v := v.(type) {
		case string:
			cells[i] = xlsx.Cell{Value: v}
		case time.Time:
			days := v.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
			cells[i] = xlsx.Cell{Value: fmt.Sprint(days), Type: xlsx.CellNumber}
		default:
			cells[i] = xlsx.Cell{Value: fmt.Sprint(v), Type: xlsx.CellNumber}
		}
	}
	return cells
}

// set returns a copy of cells with column col of kind k set to c.
func set(k xlsx.Kind, cells []xlsx.Cell, col string, c xlsx.Cell) []xlsx.Cell {
	out := slices.Clone(cells)
	out[slices.Index(k.Columns(), col)] = c
	return out
}

// cellCase is one row given to a Parse function: the fault expected on
// column Col ("" for none) and a piece of its message.
type cellCase struct {
	name  string
	col   string
	cell  xlsx.Cell
	fault string // column of the one expected fault, "" for none
	msg   string
}

func text(s string) xlsx.Cell   { return xlsx.Cell{Value: s} }
func number(s string) xlsx.Cell { return xlsx.Cell{Value: s, Type: xlsx.CellNumber} }

// checkProblems compares the problems of a parsed row with tc.
func checkProblems(t *testing.T, tc cellCase, problems []*selection.FieldError) {
	t.Helper()
	if tc.fault == "" {
		for _, p := range problems {
			t.Errorf("unexpected fault %v", p)
		}
		return
	}
	if len(problems) != 1 || problems[0].Field != tc.fault ||
		!strings.Contains(problems[0].Error(), tc.msg) {
		t.Errorf("faults %v, want one on %s: …%s…", problems, tc.fault, tc.msg)
	}
}

func TestParseApplicantCells(t *testing.T) {
	k := xlsx.KindApplicants
	h := MustHeader(t, k)
	base := textCells(xlsxtest.ApplicantRow(7))
	tests := []cellCase{
		{"TextDate", "birth_date", text("1990-05-01"), "", ""},
		{"SerialDate", "birth_date", number("32994"), "", ""},
		{"SerialDateWithTime", "birth_date", number("32994.75"), "", ""},
		{"DateAsNumberText", "birth_date", text("32994"), "birth_date", "date AAAA-MM-JJ"},
		{"FrenchDate", "birth_date", text("01/05/1990"), "birth_date", "date AAAA-MM-JJ"},
		{"SerialOutOfRange", "birth_date", number("1e9"), "birth_date", "date AAAA-MM-JJ"},
		{"TooYoung", "birth_date", text("2015-01-01"), "birth_date", "âge de 15 à 90 ans"},
		{"DateTimeSpace", "registered_at", text("2024-03-01 10:11:12"), "", ""},
		{"DateTimeSerial", "registered_at", number("45352.42444"), "", ""},
		{"DateTimeNoSeconds", "registered_at", text("2024-03-01T10:11"), "registered_at", "date et heure"},
		{"FormulaError", "email", xlsx.Cell{Value: "#N/A", Type: xlsx.CellError}, "email", "erreur de formule"},
		{"EmptyRequired", "last_name", text("  "), "last_name", "obligatoire"},
		{"UpperCaseEnum", "education", text(" BAC+5 "), "", ""},
		{"CodeAsNumber", "choice_2", number("1.511"), "choice_2", "code en texte attendu"},
		{"GapInChoices", "choice_3", text(xlsxtest.Commune3), "", ""},
		{"ChoiceOtherProvince", "choice_2", text("01.573.01.05"), "choice_2", "hors de la province"},
		{"DuplicateChoice", "choice_2", text(xlsxtest.Commune1), "choice_2", "en double"},
		{"LanguageTwice", "languages", text("darija;DARIJA"), "languages", "citée deux fois"},
		{"PhoneInternational", "phone", text("+212 6 12 34 56 78"), "", ""},
		{"PhoneLostZero", "phone", number("612345678"), "phone", "0 initial est perdu"},
		{"LatinInArabicName", "last_name_ar", text("Benali"), "last_name_ar", "lettres arabes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := xlsx.ParseApplicantRow(h, 9, set(k, base, tc.col, tc.cell))
			if row.Line != 9 || row.Value == nil {
				t.Fatalf("row line %d value %v", row.Line, row.Value)
			}
			checkProblems(t, tc, row.Problems)
		})
	}
}

// TestParseApplicantGap checks that a choice_3 after an empty choice_2
// is refused on choice_2.
func TestParseApplicantGap(t *testing.T) {
	k := xlsx.KindApplicants
	cells := set(k, set(k, textCells(xlsxtest.ApplicantRow(1)), "choice_2", text("")),
		"choice_3", text(xlsxtest.Commune3))
	row := xlsx.ParseApplicantRow(MustHeader(t, k), 2, cells)
	checkProblems(t, cellCase{fault: "choice_2", msg: "obligatoire"}, row.Problems)
}

// TestParseDates checks the values dates and date-times are read as.
func TestParseDates(t *testing.T) {
	k := xlsx.KindApplicants
	h := MustHeader(t, k)
	base := textCells(xlsxtest.ApplicantRow(1))
	tests := []struct {
		col  string
		cell xlsx.Cell
		want time.Time
	}{
		{"birth_date", number("32994"), time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC)},
		{"birth_date", number("32994.99"), time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC)},
		{"registered_at", number("45352.5"), time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)},
		{"registered_at", text("2024-03-01 23:59:59"), time.Date(2024, 3, 1, 23, 59, 59, 0, time.UTC)},
	}
	for _, tt := range tests {
		row := xlsx.ParseApplicantRow(h, 2, set(k, base, tt.col, tt.cell))
		got := row.Value.BirthDate
		if tt.col == "registered_at" {
			got = row.Value.RegisteredAt
		}
		if !got.Equal(tt.want) || len(row.Problems) > 0 {
			t.Errorf("%s %q: got %v %v, want %v", tt.col, tt.cell.Value, got, row.Problems, tt.want)
		}
	}
}

func TestParseNeedCells(t *testing.T) {
	k := xlsx.KindNeeds
	h := MustHeader(t, k)
	base := textCells(xlsxtest.NeedRow(xlsxtest.Commune1))
	tests := []cellCase{
		{"CountAsText", "enumerators", text("12"), "", ""},
		{"CountScientific", "enumerators", number("1.2E1"), "", ""},
		{"CountWords", "enumerators", text("douze"), "enumerators", "nombre attendu"},
		{"CountHex", "enumerators", text("0x10"), "enumerators", "nombre attendu"},
		{"CountInfinity", "enumerators", text("Inf"), "enumerators", "nombre attendu"},
		{"CountNegative", "controllers", number("-1"), "controllers", "de 0 à 1000000"},
		{"CountFraction", "controllers", number("2.5"), "controllers", "nombre entier"},
		{"CountEmpty", "controllers", text(""), "controllers", "obligatoire"},
		{"CountBool", "controllers", xlsx.Cell{Value: "1", Type: xlsx.CellBool}, "controllers", "nombre attendu"},
		{"NoLanguages", "languages", text(""), "", ""},
		{"BadLanguage", "languages", text("latin"), "languages", "n'est pas une valeur admise"},
		{"CodeEmpty", "commune_code", text(""), "commune_code", "obligatoire"},
		{"CodeAsNumber", "commune_code", number("1.511"), "commune_code", "code en texte attendu"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := xlsx.ParseNeedRow(h, 2, set(k, base, tc.col, tc.cell))
			checkProblems(t, tc, row.Problems)
		})
	}
}

func TestParseTrainingCells(t *testing.T) {
	k := xlsx.KindTraining
	h := MustHeader(t, k)
	base := textCells(xlsxtest.TrainingRow(1))
	tests := []cellCase{
		{"StartedUpper", "started", text("YES"), "", ""},
		{"StartedFrench", "started", text("oui"), "started", "admises : yes, no"},
		{"StartedBool", "started", xlsx.Cell{Value: "1", Type: xlsx.CellBool}, "started", "admises"},
		{"ScoreEmpty", "test_score", text(""), "", ""},
		{"ScoreComma", "test_score", text("72,5"), "", ""},
		{"ScoreWords", "test_score", text("bien"), "test_score", "nombre attendu"},
		{"ScoreTooHigh", "test_score", number("100.5"), "test_score", "de 0 à 100"},
		{"MoreThanTotal", "modules_completed", number("6"), "modules_completed", "de 0 à modules_total"},
		{"TotalWords", "modules_total", text("cinq"), "modules_total", "nombre attendu"},
		{"NotStarted", "started", text("no"), "started", "des modules sont terminés"},
		{"NoApplicant", "applicant_id", text(""), "applicant_id", "obligatoire"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := xlsx.ParseTrainingRow(h, 2, set(k, base, tc.col, tc.cell))
			checkProblems(t, tc, row.Problems)
		})
	}
}

func TestParseTrainingScore(t *testing.T) {
	k := xlsx.KindTraining
	h := MustHeader(t, k)
	base := textCells(xlsxtest.TrainingRow(1))
	row := xlsx.ParseTrainingRow(h, 2, set(k, base, "test_score", text("72,5")))
	if s := row.Value.TestScore; s == nil || *s != 72.5 {
		t.Errorf("score %v, want 72.5", s)
	}
	row = xlsx.ParseTrainingRow(h, 2, set(k, base, "test_score", text("")))
	if s := row.Value.TestScore; s != nil {
		t.Errorf("score %v, want nil", *s)
	}
}

// TestNewHeader checks the mapping of header names to columns.
func TestNewHeader(t *testing.T) {
	tests := []struct {
		name  string
		kind  xlsx.Kind
		names []string
		want  []string // the faults, as "field:problem"
	}{
		{"Contract", xlsx.KindTraining, xlsxtest.TrainingHeader, nil},
		{"AnyCaseAndOrder", xlsx.KindTraining,
			[]string{" Test_Score", "MODULES_TOTAL ", "x", "modules_completed", "started", "applicant_id"}, nil},
		{"OptionalAbsent", xlsx.KindNeeds, []string{"commune_code", "enumerators", "controllers"}, nil},
		{"ChoiceAbsent", xlsx.KindApplicants,
			slices.DeleteFunc(slices.Clone(xlsxtest.ApplicantHeader), func(s string) bool {
				return s == "choice_3" || s == "cin"
			}),
			[]string{"cin:required", "choice_3:required"}},
		{"Twice", xlsx.KindNeeds, append(slices.Clone(xlsxtest.NeedHeader), "Enumerators"),
			[]string{"enumerators:duplicate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := xlsx.NewHeader(tt.kind, tt.names)
			var got []string
			for _, fe := range errs {
				got = append(got, fe.Field+":"+string(fe.Problem))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("faults %v, want %v", got, tt.want)
			}
		})
	}
}
