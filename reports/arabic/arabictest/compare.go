package arabictest

import (
	"fmt"
	"image"
	"math"
)

// inkMap is an image as darkness, 0 (paper) to 1 (ink), row by row.
type inkMap struct {
	w, h int
	v    []float64
}

// inkOf reads img as darkness on a light background.
func inkOf(img image.Image) inkMap {
	b := img.Bounds()
	m := inkMap{w: b.Dx(), h: b.Dy(), v: make([]float64, b.Dx()*b.Dy())}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			lum := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 0xffff
			alpha := float64(a) / 0xffff
			// Composite over white: transparent pixels are paper.
			lum = lum*alpha + (1 - alpha)
			m.v[(y-b.Min.Y)*m.w+x-b.Min.X] = 1 - lum
		}
	}
	return m
}

// box returns the bounding box of the pixels darker than a quarter.
func (m inkMap) box() image.Rectangle {
	r := image.Rectangle{Min: image.Pt(m.w, m.h)}
	for y := range m.h {
		for x := range m.w {
			if m.v[y*m.w+x] > 0.25 {
				r.Min.X, r.Min.Y = min(r.Min.X, x), min(r.Min.Y, y)
				r.Max.X, r.Max.Y = max(r.Max.X, x+1), max(r.Max.Y, y+1)
			}
		}
	}
	return r
}

// resample returns the part r of m scaled to w x h by area averaging.
func (m inkMap) resample(r image.Rectangle, w, h int) inkMap {
	out := inkMap{w: w, h: h, v: make([]float64, w*h)}
	sx, sy := float64(r.Dx())/float64(w), float64(r.Dy())/float64(h)
	for y := range h {
		for x := range w {
			x0, y0 := r.Min.X+int(float64(x)*sx), r.Min.Y+int(float64(y)*sy)
			x1 := max(x0+1, r.Min.X+int(float64(x+1)*sx))
			y1 := max(y0+1, r.Min.Y+int(float64(y+1)*sy))
			var sum float64
			for yy := y0; yy < y1; yy++ {
				for xx := x0; xx < x1; xx++ {
					sum += m.v[yy*m.w+xx]
				}
			}
			out.v[y*w+x] = sum / float64((x1-x0)*(y1-y0))
		}
	}
	return out
}

// blur returns m averaged over a square of side 2*rad+1.
func (m inkMap) blur(rad int) inkMap {
	out := inkMap{w: m.w, h: m.h, v: make([]float64, len(m.v))}
	for y := range m.h {
		for x := range m.w {
			var sum float64
			n := 0
			for yy := max(0, y-rad); yy <= min(m.h-1, y+rad); yy++ {
				for xx := max(0, x-rad); xx <= min(m.w-1, x+rad); xx++ {
					sum += m.v[yy*m.w+xx]
					n++
				}
			}
			out.v[y*m.w+x] = sum / float64(n)
		}
	}
	return out
}

// Difference tells how far a rendering is from a reference.
type Difference struct {
	// Width and Height are the ratios of the inked boxes' sizes, got over
	// want.
	Width, Height float64
	// Ink is the share of ink that differs once both boxes are scaled to
	// the reference's size and softened by a two-pixel blur: 0 for the
	// same picture, 1 for pictures with no ink in common.
	Ink float64
	// Local is the largest such share over windows three quarters of an
	// em wide (a quarter apart), each slid by up to four pixels to line up:
	// a single glyph out of place shows there even on a long
	// line.
	Local float64
}

// Tolerance is the largest difference that still counts as the same
// text: rasterizers differ in hinting and anti-aliasing, and fpdf draws
// marks without the font's positioning, but a letter in another form
// or a word out of place moves much more ink.
var Tolerance = Difference{Width: 0.04, Height: 0.10, Ink: 0.22, Local: 0.33}

// Within reports whether d is within the tolerance t.
func (d Difference) Within(t Difference) bool {
	return math.Abs(d.Width-1) <= t.Width && math.Abs(d.Height-1) <= t.Height && d.Ink <= t.Ink &&
		d.Local <= t.Local
}

// String renders the difference for a test message.
func (d Difference) String() string {
	return fmt.Sprintf("width x%.3f, height x%.3f, ink %.3f, local %.3f",
		d.Width, d.Height, d.Ink, d.Local)
}

// Compare measures how far got is from want. Both are text drawn dark
// on a light background at the same size; only the inked boxes are
// compared, so margins and position do not matter.
func Compare(got, want image.Image) (Difference, error) {
	g, w := inkOf(got), inkOf(want)
	gb, wb := g.box(), w.box()
	if gb.Empty() || wb.Empty() {
		return Difference{}, fmt.Errorf("compare: no ink (got %v, want %v)", gb, wb)
	}
	d := Difference{
		Width:  float64(gb.Dx()) / float64(wb.Dx()),
		Height: float64(gb.Dy()) / float64(wb.Dy()),
	}
	gs := g.resample(gb, wb.Dx(), wb.Dy()).blur(2)
	ws := w.resample(wb, wb.Dx(), wb.Dy()).blur(2)
	d.Ink = inkDifference(gs, ws, 0, ws.w, 0)
	for x := 0; x < ws.w; x += Size / 4 {
		best := 1.0
		for shift := -maxShift; shift <= maxShift; shift++ {
			best = min(best, inkDifference(gs, ws, x, min(ws.w, x+Size*3/4), shift))
		}
		d.Local = max(d.Local, best)
	}
	return d, nil
}

// maxShift is how far, in pixels, a window may slide to line up: glyph
// positions drift by a pixel or two along a line between rasterizers.
const maxShift = 4

// inkDifference returns the share of ink that differs between a and b
// (of the same size) in b's columns [x0, x1), against a's columns
// shifted by shift.
func inkDifference(a, b inkMap, x0, x1, shift int) float64 {
	var diff, total float64
	for y := range b.h {
		for x := x0; x < x1; x++ {
			av := 0.0
			if xa := x + shift; xa >= 0 && xa < a.w {
				av = a.v[y*a.w+xa]
			}
			bv := b.v[y*b.w+x]
			diff += math.Abs(av - bv)
			total += av + bv
		}
	}
	if total == 0 {
		return 0
	}
	return diff / total
}
