package arabictest

import (
	"bytes"
	"embed"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Size is the em size, in pixels, every rendering of the cases uses.
const Size = 32

// Update, set by -update-pango, renders the references again with
// pango-view into this package's testdata.
var Update = flag.Bool("update-pango", false, "render the pango-view references again")

//go:embed testdata/*.png
var goldens embed.FS

// Reference returns the pango-view rendering of case c (DejaVu Sans,
// Size pixels, direction from the text), from testdata; with
// -update-pango it renders it again first.
func Reference(tb testing.TB, c Case) image.Image {
	tb.Helper()
	name := "testdata/" + c.Name + ".png"
	if *Update {
		data, err := RenderPango(c.Text)
		if err != nil {
			tb.Fatal(err)
		}
		_, self, _, _ := runtime.Caller(0)
		if err := os.WriteFile(filepath.Join(filepath.Dir(self), name), data, 0o644); err != nil {
			tb.Fatal(err)
		}
		return mustDecode(tb, data)
	}
	data, err := goldens.ReadFile(name)
	if err != nil {
		tb.Fatalf("reference of %s: %v (run the test with -update-pango)", c.Name, err)
	}
	return mustDecode(tb, data)
}

func mustDecode(tb testing.TB, data []byte) image.Image {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// RenderPango draws text with pango-view (from Debian's pango1.0-tools),
// the reference: HarfBuzz shaping, full UAX #9 ordering, DejaVu Sans.
func RenderPango(text string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "pango")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "out.png")
	cmd := exec.Command("pango-view", "-q", "--pixels", "--font",
		fmt.Sprintf("DejaVu Sans %d", Size), "--margin", "10", "--hinting", "none",
		"--background", "white", "--foreground", "black", "-o", out, "--text", text)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pango-view: %v: %s", err, msg)
	}
	return os.ReadFile(out)
}

// Save writes img as a PNG into dir (for a person to look at), and
// returns its path.
func Save(tb testing.TB, dir, name string, img image.Image) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}
