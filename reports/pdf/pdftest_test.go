package pdf_test

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"intiqa/reports"
	"intiqa/reports/arabic/arabictest"
	"intiqa/reports/pdf"
	"intiqa/reports/reportstest"
)

// updateGolden, set by -update-golden, writes the golden page images.
var updateGolden = flag.Bool("update-golden", false, "write the golden PNG of each report again")

// fixtureProvince is Jerada: about 1,200 applicants in 14 communes.
const fixtureProvince = "02.275"

var (
	fixtureDir  string
	fixtureOnce sync.Once
	fixture     *reportstest.Fixture
	fixtureErr  error
)

// TestMain removes the shared fixture's store after the tests.
func TestMain(m *testing.M) {
	var err error
	if fixtureDir, err = os.MkdirTemp("", "intiqa-reports"); err != nil {
		panic(err)
	}
	code := m.Run()
	if fixture != nil {
		fixture.DB.Close()
	}
	os.RemoveAll(fixtureDir)
	os.Exit(code)
}

// mustFixture builds the province's store once for all the tests.
func mustFixture(t *testing.T) *reportstest.Fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		fixture, fixtureErr = reportstest.Build(context.Background(),
			filepath.Join(fixtureDir, "intiqa.db"), fixtureProvince)
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixture
}

// requireTool skips the test when a program is missing, except in CI
// (CI set), where it fails.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: run scripts/setup.sh", name)
		}
		t.Skipf("%s is missing: run scripts/setup.sh", name)
	}
}

// writePDF draws r into a file of the test's and returns its path.
func writePDF(t *testing.T, name string, write func(*os.File) error) string {
	t.Helper()
	dir := t.TempDir()
	if d := os.Getenv("INTIQA_ARTIFACT_DIR"); d != "" {
		dir = d
	}
	path := filepath.Join(dir, name+".pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(f); err != nil {
		f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// pages returns the text of each page of a PDF, read back by pdftotext,
// with the directional controls poppler adds removed and presentation
// forms folded back into letters, so that Arabic reads in logical order.
func pages(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	text := strings.Map(func(r rune) rune {
		if (r >= 0x202A && r <= 0x202E) || r == 0x200E || r == 0x200F {
			return -1
		}
		return r
	}, norm.NFKC.String(string(out)))
	ps := strings.Split(text, "\f")
	return ps[:len(ps)-1] // the text ends with a form feed
}

var pageNumber = regexp.MustCompile(`Page (\d+) / (\d+)`)

// checkPages checks that every page says "Page i / n" and holds each
// of want (the repeated headers and footer).
func checkPages(t *testing.T, ps []string, want ...string) {
	t.Helper()
	for i, p := range ps {
		m := pageNumber.FindStringSubmatch(p)
		if m == nil || m[1] != strconv.Itoa(i+1) || m[2] != strconv.Itoa(len(ps)) {
			t.Errorf("page %d of %d says %q", i+1, len(ps), m)
		}
		for _, w := range want {
			if !strings.Contains(p, w) {
				t.Errorf("page %d lacks %q", i+1, w)
			}
		}
	}
}

// inOrder checks that the words appear in the text in the given order,
// and returns the index of the first missing one, or -1.
func inOrder(text string, words []string) int {
	at := 0
	for i, w := range words {
		j := strings.Index(text[at:], w)
		if j < 0 {
			return i
		}
		at += j + len(w)
	}
	return -1
}

// checkGolden renders the first page at 40 dpi and compares it with
// testdata/NAME.png within arabictest's tolerance.
func checkGolden(t *testing.T, path, name string) {
	t.Helper()
	requireTool(t, "pdftoppm")
	prefix := filepath.Join(t.TempDir(), "page")
	cmd := exec.Command("pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile",
		path, prefix)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, msg)
	}
	data, err := os.ReadFile(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", name+".png")
	if *updateGolden {
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("golden page: %v (run with -update-golden)", err)
	}
	d, err := arabictest.Compare(decode(t, data), decode(t, want))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Within(pageTolerance) {
		t.Errorf("page 1 differs from %s: %v", golden, d)
	}
}

// pageTolerance allows for a rasterizer's version, not for a moved
// column or a missing line.
var pageTolerance = arabictest.Difference{Width: 0.01, Height: 0.01, Ink: 0.01, Local: 0.04}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// writeReport writes a list report as a PDF and returns its pages.
func writeReport(t *testing.T, r *reports.Report) (string, []string) {
	t.Helper()
	requireTool(t, "pdftotext")
	path := writePDF(t, r.Name, func(f *os.File) error { return pdf.Write(f, r) })
	return path, pages(t, path)
}

// has reports whether the text read back holds s, folded as pages folds
// the text (the narrow no-break space of numbers becomes a space).
func has(text, s string) bool { return strings.Contains(text, norm.NFKC.String(s)) }
