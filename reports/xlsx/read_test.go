package xlsx_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"intiqa/reports/xlsx"
	"intiqa/reports/xlsx/xlsxtest"
	"intiqa/selection"
)

// location renders where a RowError points, without its message.
func location(e *selection.RowError) string {
	return fmt.Sprintf("%s:%s:%d:%s", e.File, e.Sheet, e.Row, e.Column)
}

// readResult is what reading one file gave: its faults located as an
// import reports them, and its rows.
type readResult struct {
	src    selection.Source
	faults []*selection.RowError
	rows   int
}

// MustRead reads the contract file of kind at path with lim and
// gathers every fault, of the file or of its rows.
func MustRead(tb testing.TB, kind, path string, lim xlsx.Limits) readResult {
	tb.Helper()
	switch kind {
	case "applicants":
		r, err := xlsx.OpenApplicants(path, lim)
		return collect(tb, r, err)
	case "needs":
		r, err := xlsx.OpenNeeds(path, lim)
		return collect(tb, r, err)
	case "training":
		r, err := xlsx.OpenTraining(path, lim)
		return collect(tb, r, err)
	}
	tb.Fatalf("unknown kind %q", kind)
	return readResult{}
}

func collect[T any](tb testing.TB, r *xlsx.Reader[T], err error) readResult {
	tb.Helper()
	var res readResult
	if err != nil {
		res.faults = mustInvalid(tb, err).Errors
		return res
	}
	defer r.Close()
	res.src = r.Source()
	for row, err := range r.Rows() {
		if err != nil {
			res.faults = append(res.faults, mustInvalid(tb, err).Errors...)
			break
		}
		res.rows++
		for _, fe := range row.Problems {
			res.faults = append(res.faults, selection.FieldRowError(res.src, row.Line, fe))
		}
	}
	return res
}

// mustInvalid returns err as an *selection.InvalidFileError.
func mustInvalid(tb testing.TB, err error) *selection.InvalidFileError {
	tb.Helper()
	var invalid *selection.InvalidFileError
	if !errors.As(err, &invalid) {
		tb.Fatalf("error %v (%T), want *selection.InvalidFileError", err, err)
	}
	return invalid
}

// TestReadCases reads every file of the shared table: a valid file
// gives its rows and no fault; a faulty one gives exactly its fault,
// located FILE:SHEET:ROW:COLUMN; a fault only the store can see gives
// none here.
func TestReadCases(t *testing.T) {
	for _, c := range xlsxtest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			got := MustRead(t, c.Kind, c.Write(t, t.TempDir()), xlsx.Limits{})
			if c.Want == "" || c.ByStore {
				for _, f := range got.faults {
					t.Errorf("unexpected fault %v", f)
				}
				if want := max(c.Valid, len(c.Rows)); got.rows != want {
					t.Errorf("read %d rows, want %d", got.rows, want)
				}
				return
			}
			if len(got.faults) != 1 {
				t.Fatalf("got %d faults %v, want one at %s", len(got.faults), got.faults, c.Want)
			}
			f := got.faults[0]
			if location(f) != c.Want || !strings.Contains(f.Msg, c.Msg) {
				t.Errorf("got %v\nwant %s: …%s…", f, c.Want, c.Msg)
			}
		})
	}
}

// TestReadApplicantValues checks the values read, normalised, from text
// cells and from real Excel dates.
func TestReadApplicantValues(t *testing.T) {
	cases := map[string]xlsxtest.Case{}
	for _, c := range xlsxtest.Cases() {
		cases[c.Name] = c
	}
	for _, name := range []string{"Valid", "ValidInlineStrings", "ValidExcelDates", "ValidShuffledColumns"} {
		t.Run(name, func(t *testing.T) {
			r, err := xlsx.OpenApplicants(cases[name].Write(t, t.TempDir()), xlsx.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var got []*selection.Applicant
			for row, err := range r.Rows() {
				if err != nil || len(row.Problems) > 0 {
					t.Fatalf("row %d: %v %v", row.Line, err, row.Problems)
				}
				got = append(got, row.Value)
			}
			if len(got) < 2 {
				t.Fatalf("read %d applicants", len(got))
			}
			checkApplicant(t, got[0], 1)
			if got[1].ID != "A000002" {
				t.Errorf("second applicant %q, want A000002", got[1].ID)
			}
		})
	}
}

// checkApplicant compares a with xlsxtest.ApplicantRow(i) as read.
func checkApplicant(t *testing.T, a *selection.Applicant, i int) {
	t.Helper()
	want := &selection.Applicant{
		ID: fmt.Sprintf("A%06d", i), CIN: fmt.Sprintf("BK%06d", i),
		LastName: "Benali", FirstName: "Fatima Zahra", LastNameAR: "بنعلي", FirstNameAR: "فاطمة الزهراء",
		Sex: selection.SexFemale, BirthDate: time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC),
		Phone: "0612345678", Email: fmt.Sprintf("fatima.benali%d@example.ma", i),
		Category: selection.CategoryGraduate, Education: selection.EducationBac3,
		SurveyExperience: selection.ExperienceSurvey, TechSkill: selection.TechGood,
		Languages:    []selection.Language{selection.LangDarija, selection.LangFrench},
		Choices:      []string{xlsxtest.Commune1, xlsxtest.Commune2},
		RegisteredAt: time.Date(2024, 3, 1, 10, 11, 12, 0, time.UTC),
	}
	if got, w := fmt.Sprintf("%+v", *a), fmt.Sprintf("%+v", *want); got != w {
		t.Errorf("applicant\n got %s\nwant %s", got, w)
	}
}

// TestSource checks the file name, sheet and digest an import records.
func TestSource(t *testing.T) {
	for _, c := range xlsxtest.Cases() {
		if c.Name != "Valid" && c.Name != "ValidSingleSheetNamedOtherwise" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			path := c.Write(t, t.TempDir())
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			want := selection.Source{File: filepath.Base(path), Sheet: "applicants",
				SHA256: hex.EncodeToString(sum[:])}
			if c.Sheet != "" {
				want.Sheet = c.Sheet
			}
			if got := MustRead(t, c.Kind, path, xlsx.Limits{}).src; got != want {
				t.Errorf("source %+v, want %+v", got, want)
			}
		})
	}
}

// TestLimits checks that each limit refuses a file beyond it.
func TestLimits(t *testing.T) {
	valid := xlsxtest.Case{Kind: "applicants", Header: xlsxtest.ApplicantHeader,
		Rows: xlsxtest.Applicants(3)}
	shared := valid.Write(t, t.TempDir())
	valid.Stream = true
	inline := valid.Write(t, t.TempDir())
	tests := []struct {
		name string
		lim  xlsx.Limits
		want string
		msg  string
	}{
		{"FileSize", xlsx.Limits{MaxFileSize: 1000}, "applicants.xlsx:applicants:0:",
			"fichier trop volumineux"},
		{"Uncompressed", xlsx.Limits{MaxUncompressed: 4000}, "applicants.xlsx:applicants:0:",
			"contenu décompressé trop volumineux"},
		{"Ratio", xlsx.Limits{MaxRatio: 2, RatioFloor: 100}, "applicants.xlsx:applicants:0:",
			"bombe de décompression"},
		{"SharedStrings", xlsx.Limits{MaxSharedStrings: 100}, "applicants.xlsx:applicants:0:",
			"chaînes partagées trop volumineuse"},
		{"Rows", xlsx.Limits{MaxRows: 3}, "applicants.xlsx:applicants:4:", "plus de 3 lignes"},
		{"CellBytes", xlsx.Limits{MaxCellBytes: 8}, "applicants.xlsx:applicants:1:",
			"plus de 8 octets"},
		{"SharedStringBytes", xlsx.Limits{MaxCellBytes: 8}, "applicants.xlsx:applicants:0:",
			"plus de 8 octets"},
		{"RowBytes", xlsx.Limits{MaxRowBytes: 100}, "applicants.xlsx:applicants:1:",
			"ligne de plus de 100 octets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := inline
			if strings.HasPrefix(tt.name, "Shared") {
				path = shared
			}
			got := MustRead(t, "applicants", path, tt.lim)
			if len(got.faults) != 1 {
				t.Fatalf("got faults %v, want one", got.faults)
			}
			if f := got.faults[0]; location(f) != tt.want || !strings.Contains(f.Msg, tt.msg) {
				t.Errorf("got %v, want %s: …%s…", f, tt.want, tt.msg)
			}
		})
	}
	if got := MustRead(t, "applicants", shared, xlsx.DefaultLimits()); len(got.faults) > 0 {
		t.Errorf("default limits refuse a small file: %v", got.faults)
	}
}

// TestRowsStopEarly checks that a consumer may stop early (the store
// stops at a cancelled context) and that rows are read only once.
func TestRowsStopEarly(t *testing.T) {
	c := xlsxtest.Case{Kind: "applicants", Header: xlsxtest.ApplicantHeader, Stream: true,
		Rows: xlsxtest.Applicants(3000)} // more than the reader buffers
	r, err := xlsx.OpenApplicants(c.Write(t, t.TempDir()), xlsx.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	goroutines := runtime.NumGoroutine()
	n := 0
	for range r.Rows() {
		if n++; n == 10 {
			break
		}
	}
	// The reader's goroutines have closed their channels when Rows
	// returns, but may take a moment more to exit.
	deadline := time.Now().Add(2 * time.Second)
	g := runtime.NumGoroutine()
	for g > goroutines && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		g = runtime.NumGoroutine()
	}
	if g != goroutines {
		t.Errorf("%d goroutines after stopping, %d before", g, goroutines)
	}
	for _, err := range r.Rows() {
		if err == nil {
			t.Error("second reading gave rows, want an error")
		}
		break
	}
	if err := r.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if n != 10 {
		t.Errorf("read %d rows, want 10", n)
	}
}

// TestColumnName checks the letters of a few columns.
func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := xlsx.ColumnName(i); got != want {
			t.Errorf("ColumnName(%d) = %q, want %q", i, got, want)
		}
	}
	if !slices.Contains(xlsx.ApplicantColumns, "registered_at") {
		t.Error("ApplicantColumns lacks registered_at")
	}
}
