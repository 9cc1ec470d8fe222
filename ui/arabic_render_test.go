package ui

import (
	"image"
	"image/color"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"intiqa/reports/arabic"
	"intiqa/reports/arabic/arabictest"
)

// TestFyneArabicMatchesPango draws each shared case through
// arabic.ForFyne with Fyne's software renderer and the bundled DejaVu
// Sans, and compares it with pango-view's rendering of the plain text.
// As a control, a case that mixes Arabic with digits or Latin, drawn
// without ForFyne, must differ from the reference: Fyne 2.7 lays its
// runs out in logical order.
func TestFyneArabicMatchesPango(t *testing.T) {
	test.NewTempApp(t)
	th, err := NewTheme()
	if err != nil {
		t.Fatal(err)
	}
	fyne.CurrentApp().Settings().SetTheme(th)
	out := os.Getenv("INTIQA_ARTIFACT_DIR")
	for _, c := range arabictest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			want := arabictest.Reference(t, c)
			got := renderFyne(t, arabic.ForFyne(c.Text))
			d, err := arabictest.Compare(got, want)
			if err != nil {
				t.Fatal(err)
			}
			if out != "" {
				arabictest.Save(t, out, "fyne-"+c.Name, got)
			}
			if !d.Within(arabictest.Tolerance) {
				t.Errorf("%q: Fyne rendering differs from pango-view: %v", c.Text, d)
			}
			raw := renderFyne(t, c.Text)
			dr, err := arabictest.Compare(raw, want)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("prepared: %v; unprepared: %v", d, dr)
			if c.FyneMisorders && dr.Within(arabictest.Tolerance) {
				t.Errorf("%q drawn unprepared passes for pango-view's (%v): the comparison is too lax",
					c.Text, dr)
			}
		})
	}
}

// renderFyne draws text in black on white at arabictest.Size pixels in
// a test window and captures it.
func renderFyne(t *testing.T, text string) image.Image {
	t.Helper()
	label := canvas.NewText(text, color.Black)
	label.TextSize = arabictest.Size
	paper := canvas.NewRectangle(color.White)
	w := test.NewTempWindow(t, container.NewStack(paper, container.NewPadded(label)))
	w.SetPadded(false)
	w.Resize(fyne.NewSize(label.MinSize().Width+40, label.MinSize().Height+20))
	return w.Canvas().Capture()
}
