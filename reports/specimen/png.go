package specimen

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"

	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Size of a PNG specimen, in pixels: a small phone photo of a card.
const (
	pngWidth  = 360
	pngHeight = 220
)

// Palette indexes of the PNG specimens.
const (
	colPaper = iota
	colInk
	colPhoto
	colBand0 // first of the band colours, one per kind of document
)

var pngPalette = color.Palette{
	color.RGBA{0xf7, 0xf3, 0xe8, 0xff}, // paper
	color.RGBA{0x1d, 0x23, 0x2b, 0xff}, // ink
	color.RGBA{0xc9, 0xc4, 0xb8, 0xff}, // photo placeholder
	color.RGBA{0xc1, 0x27, 0x2d, 0xff}, // red
	color.RGBA{0x00, 0x6a, 0x4e, 0xff}, // green
	color.RGBA{0x1f, 0x4e, 0x9c, 0xff}, // blue
	color.RGBA{0xd9, 0x8c, 0x1f, 0xff}, // ochre
	color.RGBA{0x6b, 0x3f, 0x8f, 0xff}, // purple
	color.RGBA{0x3a, 0x7d, 0x8c, 0xff}, // teal
}

// fullPalette pads pngPalette past 16 colours: the PNG encoder then
// writes 8-bit indexes straight from the image's pixels, several times
// faster than packing 4-bit ones pixel by pixel.
var fullPalette = func() color.Palette {
	p := append(color.Palette(nil), pngPalette...)
	for len(p) < 17 {
		p = append(p, color.Gray{Y: uint8(len(p) * 8)})
	}
	return p
}()

// renderPNG draws the card: a coloured band with the title, a photo
// placeholder, the name and lines of text, and a bar code of the document
// ID. A paletted image keeps the file to a few kilobytes.
func renderPNG(c card) ([]byte, error) {
	img := image.NewPaletted(image.Rect(0, 0, pngWidth, pngHeight), fullPalette)
	band := uint8(colBand0 + c.palette%(len(pngPalette)-colBand0))

	// Paper, bands and photo.
	fill(img, img.Rect, colPaper)
	fill(img, image.Rect(0, 0, pngWidth, 34), band)
	fill(img, image.Rect(0, pngHeight-8, pngWidth, pngHeight), band)
	fill(img, image.Rect(14, 48, 94, 148), colPhoto)

	// Text.
	text(img, 12, 14, c.issuer, colPaper)
	text(img, 12, 28, c.title, colPaper)
	text(img, 106, 62, c.name, colInk)
	for i, l := range c.lines {
		text(img, 106, 84+18*i, l, colInk)
	}

	// Bar code.
	barcode(img, image.Rect(14, 162, pngWidth-14, 200), c.code)

	var buf bytes.Buffer
	if err := pngEncoder.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// pngEncoder reuses its compressor between files: a new one costs more
// than the drawing.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &encoderPool{}}

// encoderPool is a png.EncoderBufferPool over a sync.Pool.
type encoderPool struct {
	pool sync.Pool
}

func (p *encoderPool) Get() *png.EncoderBuffer {
	b, _ := p.pool.Get().(*png.EncoderBuffer)
	return b
}

func (p *encoderPool) Put(b *png.EncoderBuffer) { p.pool.Put(b) }

func fill(img *image.Paletted, r image.Rectangle, c uint8) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)]
		for i := range row {
			row[i] = c
		}
	}
}

// text draws s with its baseline at (x, y) in the 7x13 bitmap font,
// setting the palette index of every inked pixel of each glyph (the
// generic image/draw path would match colours pixel by pixel).
func text(img *image.Paletted, x, y int, s string, c uint8) {
	face := basicfont.Face7x13
	dot := fixed.P(x, y)
	for _, r := range s {
		dr, mask, mp, advance, ok := face.Glyph(dot, r)
		if ok {
			inkGlyph(img, dr, mask, mp, c)
		}
		dot.X += advance
	}
}

func inkGlyph(img *image.Paletted, dr image.Rectangle, mask image.Image, mp image.Point, c uint8) {
	alpha, ok := mask.(*image.Alpha)
	if !ok {
		return
	}
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		for x := dr.Min.X; x < dr.Max.X; x++ {
			p := image.Pt(x, y)
			if !p.In(img.Rect) {
				continue
			}
			if alpha.AlphaAt(mp.X+x-dr.Min.X, mp.Y+y-dr.Min.Y).A >= 0x80 {
				img.Pix[img.PixOffset(x, y)] = c
			}
		}
	}
}

// barcode draws bars whose widths come from the SHA-256 of code, so each
// document has its own pattern.
func barcode(img *image.Paletted, r image.Rectangle, code string) {
	sum := sha256.Sum256([]byte(code))
	x := r.Min.X
	for i := 0; x < r.Max.X; i++ {
		b := sum[i%len(sum)]
		bar, gap := 1+int(b&3), 1+int(b>>2&3)
		fill(img, image.Rect(x, r.Min.Y, min(x+bar, r.Max.X), r.Max.Y), colInk)
		x += bar + gap
	}
}
