package xlsx_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"intiqa/reports/xlsx"
	"intiqa/selection"
	"intiqa/selection/synth"
)

// smallProvince is Aousserd: a few hundred applicants, enough for a round
// trip of every column in a fast test.
const smallProvince = "12.066"

// mustGenerator returns the generator of a province's data set.
func mustGenerator(tb testing.TB, scope string) *synth.Generator {
	tb.Helper()
	g, err := synth.New(7, scope)
	if err != nil {
		tb.Fatalf("synth.New(%q): %v", scope, err)
	}
	return g
}

// mustWrite runs a writer into a file of dir and returns its path.
func mustWrite(tb testing.TB, name string, write func(io.Writer) error) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := write(f); err != nil {
		f.Close()
		tb.Fatalf("write %s: %v", name, err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// mustRows reads every row of the file's only sheet with excelize.
func mustRows(tb testing.TB, path, sheet string) [][]string {
	tb.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sheet {
		tb.Fatalf("sheets = %q, want [%q]", got, sheet)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	return rows
}

// mustSheetXML returns the raw XML of the workbook's sheet.
func mustSheetXML(tb testing.TB, path string) []byte {
	tb.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	tb.Fatalf("%s: no xl/worksheets/sheet1.xml", path)
	return nil
}

func applicantRow(a *selection.Applicant) []string {
	row := []string{
		a.ID, a.CIN, a.LastName, a.FirstName, a.LastNameAR, a.FirstNameAR,
		string(a.Sex), a.BirthDate.Format(time.DateOnly), a.Phone, a.Email,
		string(a.Category), string(a.Education), string(a.SurveyExperience),
		string(a.TechSkill), selection.FormatLanguages(a.Languages), "", "", "",
		a.RegisteredAt.Format("2006-01-02T15:04:05"),
	}
	copy(row[15:18], a.Choices)
	return row
}

// trimRow drops the empty cells that end a row, as GetRows does.
func trimRow(row []string) []string {
	for len(row) > 0 && row[len(row)-1] == "" {
		row = row[:len(row)-1]
	}
	return row
}

func assertRows(t *testing.T, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("rows = %d, want %d", len(got), len(want))
	}
	for i := range want {
		w := trimRow(want[i])
		if len(got[i]) != len(w) {
			t.Fatalf("row %d = %q, want %q", i+1, got[i], w)
		}
		for j := range w {
			if got[i][j] != w[j] {
				t.Fatalf("row %d col %d = %q, want %q", i+1, j+1, got[i][j], w[j])
			}
		}
	}
}

func TestWriteApplicants(t *testing.T) {
	g := mustGenerator(t, smallProvince)
	want := [][]string{xlsx.ApplicantColumns}
	for a := range g.Applicants() {
		want = append(want, applicantRow(a))
	}
	var n int
	path := mustWrite(t, "applicants.xlsx", func(w io.Writer) (err error) {
		n, err = xlsx.WriteApplicants(w, xlsx.NoError(g.Applicants()))
		return err
	})
	if n != g.Count() {
		t.Fatalf("rows written = %d, want %d", n, g.Count())
	}

	t.Run("RoundTrip", func(t *testing.T) {
		assertRows(t, mustRows(t, path, "applicants"), want)
	})
	t.Run("Dimension", func(t *testing.T) {
		dim := `<dimension ref="A1:S` + strconv.Itoa(n+1) + `"/>`
		if raw := mustSheetXML(t, path); !bytes.Contains(raw, []byte(dim)) {
			t.Fatalf("sheet XML lacks %s; starts %q", dim, raw[:min(len(raw), 400)])
		}
	})
	t.Run("CodesAsText", func(t *testing.T) {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, cell := range []string{"A2", "B2", "H2", "I2", "P2", "S2"} {
			typ, err := f.GetCellType("applicants", cell)
			if err != nil {
				t.Fatal(err)
			}
			if typ != excelize.CellTypeInlineString {
				t.Errorf("cell %s type = %v, want inline string", cell, typ)
			}
		}
	})
}

func TestWriteNeeds(t *testing.T) {
	g := mustGenerator(t, synth.DemoProvince())
	needs := g.Needs()
	needs[0].Languages = nil // the optional column may be empty
	want := [][]string{xlsx.NeedColumns}
	for _, n := range needs {
		want = append(want, []string{n.CommuneCode, strconv.Itoa(n.Enumerators),
			strconv.Itoa(n.Controllers), selection.FormatLanguages(n.Languages)})
	}
	path := mustWrite(t, "needs.xlsx", func(w io.Writer) error { return xlsx.WriteNeeds(w, needs) })
	assertRows(t, mustRows(t, path, "needs"), want)
	dim := `<dimension ref="A1:D` + strconv.Itoa(len(needs)+1) + `"/>`
	if !bytes.Contains(mustSheetXML(t, path), []byte(dim)) {
		t.Fatalf("sheet XML lacks %s", dim)
	}
}

func TestWriteTraining(t *testing.T) {
	g := mustGenerator(t, smallProvince)
	want := [][]string{xlsx.TrainingColumns}
	scored, unscored := 0, 0
	for tp := range g.Training() {
		started, score := "no", ""
		if tp.Started {
			started = "yes"
		}
		if tp.TestScore != nil {
			score = strconv.FormatFloat(*tp.TestScore, 'f', -1, 64)
			scored++
		} else {
			unscored++
		}
		want = append(want, []string{tp.ApplicantID, started,
			strconv.Itoa(tp.ModulesCompleted), strconv.Itoa(tp.ModulesTotal), score})
	}
	if scored == 0 || unscored == 0 {
		t.Fatalf("test data: %d scored, %d unscored; want both", scored, unscored)
	}
	var n int
	path := mustWrite(t, "training.xlsx", func(w io.Writer) (err error) {
		n, err = xlsx.WriteTraining(w, xlsx.NoError(g.Training()))
		return err
	})
	assertRows(t, mustRows(t, path, "training"), want)
	dim := `<dimension ref="A1:E` + strconv.Itoa(n+1) + `"/>`
	if !bytes.Contains(mustSheetXML(t, path), []byte(dim)) {
		t.Fatalf("sheet XML lacks %s", dim)
	}
}

func TestWriteEmpty(t *testing.T) {
	empty := func(yield func(*selection.Applicant, error) bool) {}
	path := mustWrite(t, "applicants.xlsx", func(w io.Writer) error {
		_, err := xlsx.WriteApplicants(w, empty)
		return err
	})
	assertRows(t, mustRows(t, path, "applicants"), [][]string{xlsx.ApplicantColumns})
	if !bytes.Contains(mustSheetXML(t, path), []byte(`<dimension ref="A1:S1"/>`)) {
		t.Fatal("empty sheet: wrong dimension")
	}
}

func TestWriteDeterministic(t *testing.T) {
	g := mustGenerator(t, smallProvince)
	sum := func() [32]byte {
		var buf bytes.Buffer
		if _, err := xlsx.WriteApplicants(&buf, xlsx.NoError(g.Applicants())); err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(buf.Bytes())
	}
	if a, b := sum(), sum(); a != b {
		t.Fatalf("two writes differ: %x, %x", a, b)
	}
}

func TestWriteStreamError(t *testing.T) {
	errBroken := errors.New("broken store")
	g := mustGenerator(t, smallProvince)
	var seq iter.Seq2[*selection.Applicant, error] = func(yield func(*selection.Applicant, error) bool) {
		i := 0
		for a := range g.Applicants() {
			if i == 3 {
				yield(nil, errBroken)
				return
			}
			if !yield(a, nil) {
				return
			}
			i++
		}
	}
	n, err := xlsx.WriteApplicants(io.Discard, seq)
	if !errors.Is(err, errBroken) {
		t.Fatalf("err = %v, want %v", err, errBroken)
	}
	if n != 3 {
		t.Fatalf("rows = %d, want 3", n)
	}
}
