package xlsx

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand/v2"
	"testing"
)

// TestParallelDeflate compresses inputs around the chunk size and checks
// that the standard decompressor gives them back, and that the output
// does not vary between runs.
func TestParallelDeflate(t *testing.T) {
	const chunk = 4096 // small chunks keep the test fast under -race
	r := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 3*chunk+123)
	for i := range noise {
		noise[i] = byte(r.IntN(256))
	}
	text := bytes.Repeat([]byte(`<row r="1"><c r="A1" t="inlineStr"><is><t>A0000001</t></is></c></row>`),
		200)
	tests := []struct {
		name  string
		input []byte
		write int // size of each Write call
	}{
		{"Empty", nil, 1},
		{"Small", []byte("hello"), 2},
		{"ExactChunk", text[:chunk], 1000},
		{"Text", text, 5000},
		{"NoiseOneWrite", noise, len(noise)},
		{"NoiseSmallWrites", noise, 77},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			compress := func() []byte {
				var out bytes.Buffer
				z := newParallelDeflate(&out)
				z.chunk = chunk
				for p := tc.input; len(p) > 0; {
					k := min(tc.write, len(p))
					if n, err := z.Write(p[:k]); err != nil || n != k {
						t.Fatalf("write: %d, %v", n, err)
					}
					p = p[k:]
				}
				if err := z.Close(); err != nil {
					t.Fatal(err)
				}
				return out.Bytes()
			}
			first := compress()
			got, err := io.ReadAll(flate.NewReader(bytes.NewReader(first)))
			if err != nil {
				t.Fatalf("inflate: %v", err)
			}
			if !bytes.Equal(got, tc.input) {
				t.Fatalf("round trip: got %d bytes, want %d", len(got), len(tc.input))
			}
			if !bytes.Equal(compress(), first) {
				t.Fatal("two compressions differ")
			}
		})
	}
}
