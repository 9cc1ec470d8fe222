package specimen_test

import (
	"bytes"
	"errors"
	"image/png"
	"testing"
	"time"

	"intiqa/reports/specimen"
	"intiqa/selection"
)

func testApplicant() *selection.Applicant {
	return &selection.Applicant{
		ID: "A0000042", CIN: "JE123456", LastName: "Aït Taleb", FirstName: "Hajar",
		BirthDate: time.Date(1999, 3, 4, 0, 0, 0, 0, time.UTC),
	}
}

func testDocument(kind selection.DocumentKind, media string) selection.Document {
	return selection.Document{
		ID: "A0000042-" + string(kind), ApplicantID: "A0000042", Kind: kind, MediaType: media,
		UploadedAt: time.Date(2024, 4, 2, 10, 11, 12, 0, time.UTC),
	}
}

// mustRender renders a document and checks it is deterministic and small.
func mustRender(tb testing.TB, d selection.Document) []byte {
	tb.Helper()
	b1, err := specimen.Render(d, testApplicant())
	if err != nil {
		tb.Fatalf("render %s: %v", d.ID, err)
	}
	b2, err := specimen.Render(d, testApplicant())
	if err != nil {
		tb.Fatalf("render %s again: %v", d.ID, err)
	}
	if !bytes.Equal(b1, b2) {
		tb.Fatalf("render %s %s: two renderings differ", d.ID, d.MediaType)
	}
	if len(b1) < 500 || len(b1) > 24<<10 {
		tb.Fatalf("render %s %s: %d bytes, want a few KB", d.ID, d.MediaType, len(b1))
	}
	return b1
}

func TestRenderPNG(t *testing.T) {
	for _, k := range selection.DocumentKinds {
		t.Run(string(k), func(t *testing.T) {
			b := mustRender(t, testDocument(k, specimen.MediaPNG))
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if r := img.Bounds(); r.Dx() != 360 || r.Dy() != 220 {
				t.Fatalf("size = %v", r)
			}
		})
	}
}

func TestRenderPDF(t *testing.T) {
	for _, k := range selection.DocumentKinds {
		t.Run(string(k), func(t *testing.T) {
			b := mustRender(t, testDocument(k, specimen.MediaPDF))
			if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("%%EOF")) {
				t.Fatalf("not a PDF: %q", b[:min(len(b), 16)])
			}
			if !bytes.Contains(b, []byte("D:20240402")) {
				t.Fatal("creation date is not the upload date")
			}
		})
	}
}

func TestRenderDiffers(t *testing.T) {
	a := mustRender(t, testDocument(selection.DocCIN, specimen.MediaPNG))
	b := mustRender(t, testDocument(selection.DocDiploma, specimen.MediaPNG))
	if bytes.Equal(a, b) {
		t.Fatal("two kinds rendered the same file")
	}
}

func TestRenderUnknownMediaType(t *testing.T) {
	_, err := specimen.Render(testDocument(selection.DocCIN, "image/gif"), testApplicant())
	if !errors.Is(err, specimen.ErrMediaType) {
		t.Fatalf("err = %v, want ErrMediaType", err)
	}
}

func BenchmarkRender(b *testing.B) {
	for _, media := range []string{specimen.MediaPNG, specimen.MediaPDF} {
		b.Run(media, func(b *testing.B) {
			d := testDocument(selection.DocDiploma, media)
			var size int
			for b.Loop() {
				out, err := specimen.Render(d, testApplicant())
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(size), "bytes/file")
		})
	}
}
