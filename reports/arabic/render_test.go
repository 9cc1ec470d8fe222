package arabic_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"intiqa/assets"
	"intiqa/reports/arabic"
	"intiqa/reports/arabic/arabictest"
)

// TestPDFMatchesPango draws each case with fpdf after ForPDF, renders
// the page with pdftoppm and compares it with pango-view's rendering of
// the plain text. As a control, the same text drawn without ForPDF must
// differ from the reference wherever it holds Arabic.
func TestPDFMatchesPango(t *testing.T) {
	requireTool(t, "pdftoppm")
	font, err := assets.Fonts.ReadFile(assets.FontRegular)
	if err != nil {
		t.Fatal(err)
	}
	out := artifactDir(t)
	for _, c := range arabictest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			want := arabictest.Reference(t, c)
			got := renderPDF(t, font, arabic.ForPDF(c.Text))
			d, err := arabictest.Compare(got, want)
			if err != nil {
				t.Fatal(err)
			}
			path := arabictest.Save(t, out, "pdf-"+c.Name, got)
			if !d.Within(arabictest.Tolerance) {
				t.Errorf("%q: PDF rendering differs from pango-view: %v (see %s)", c.Text, d, path)
			}
			if !arabic.HasRTL(c.Text) {
				return
			}
			raw := renderPDF(t, font, c.Text)
			dr, err := arabictest.Compare(raw, want)
			if err != nil {
				t.Fatal(err)
			}
			if dr.Within(arabictest.Tolerance) {
				t.Errorf("%q drawn unprepared passes for pango-view's (%v): the comparison is too lax",
					c.Text, dr)
			}
			t.Logf("prepared: %v; unprepared: %v", d, dr)
		})
	}
}

// renderPDF draws text on one line with fpdf in DejaVu Sans at
// arabictest.Size points, and renders the page at 72 dpi (a point a
// pixel).
func renderPDF(t *testing.T, font []byte, text string) image.Image {
	t.Helper()
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: 900, Ht: 60}})
	pdf.AddUTF8FontFromBytes("dejavu", "", font)
	pdf.SetFont("dejavu", "", arabictest.Size)
	pdf.AddPage()
	pdf.Text(10, 42, text)
	dir := t.TempDir()
	file := filepath.Join(dir, "line.pdf")
	if err := pdf.OutputFileAndClose(file); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pdftoppm", "-r", "72", "-png", "-singlefile", file,
		filepath.Join(dir, "line"))
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, msg)
	}
	data, err := os.ReadFile(filepath.Join(dir, "line.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// artifactDir is where renderings are kept for a person to look at:
// $INTIQA_ARTIFACT_DIR when set, else a temporary directory.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("INTIQA_ARTIFACT_DIR")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
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

// TestPDFNearMissesFail checks that the comparison catches small
// mistakes, not only unprepared text: brackets left unmirrored, two
// words swapped, one word's letters left unjoined.
func TestPDFNearMissesFail(t *testing.T) {
	requireTool(t, "pdftoppm")
	font, err := assets.Fonts.ReadFile(assets.FontRegular)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]arabictest.Case{}
	for _, c := range arabictest.Cases() {
		cases[c.Name] = c
	}
	tests := []struct {
		name, of string
		miss     func(string) string
	}{
		{"BracketsUnmirrored", "BracketsInArabic", func(s string) string {
			return strings.NewReplacer("(", ")", ")", "(").Replace(s)
		}},
		{"WordsSwapped", "PureArabicName", func(s string) string {
			w := strings.Fields(s)
			w[0], w[1] = w[1], w[0]
			return strings.Join(w, " ")
		}},
		{"WordUnjoined", "PlaceWithDigits", func(s string) string {
			w := strings.Fields(s)
			w[1] = arabictest.Unshape(w[1]) // base letters draw as isolated forms
			return strings.Join(w, " ")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cases[tt.of]
			text := tt.miss(arabic.ForPDF(c.Text))
			if text == arabic.ForPDF(c.Text) {
				t.Fatal("the near miss is the prepared text itself")
			}
			d, err := arabictest.Compare(renderPDF(t, font, text), arabictest.Reference(t, c))
			if err != nil {
				t.Fatal(err)
			}
			if d.Within(arabictest.Tolerance) {
				t.Errorf("%s passes for the reference: %v", tt.name, d)
			}
			t.Logf("%v", d)
		})
	}
}
