package xlsx

import (
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSheetReader feeds the sheet reader with arbitrary worksheet XML.
// It must not panic, must end, must keep row numbers increasing and
// only ever give valid UTF-8.
func FuzzSheetReader(f *testing.F) {
	for _, s := range []string{
		`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a&amp;b</t></is></c>` +
			`<c r="B1"><v>1.5</v></c></row><row r="3"><c t="s"><v>0</v></c></row></sheetData></worksheet>`,
		`<?xml version="1.0"?><x:worksheet xmlns:x="u"><x:sheetData><x:row><x:c t="b"><x:v>1</x:v>` +
			`</x:c></x:row></x:sheetData></x:worksheet>`,
		`<worksheet><sheetData><row r="2"><c r="C2" t="inlineStr"><is><r><t>x</t></r><rPh><t>y</t>` +
			`</rPh></is></c></row></sheetData><!-- c --><![CDATA[z]]></worksheet>`,
		`<worksheet><sheetData><row r="1"><c r="A1"><v>&#x41;</v></c></row>`,
		"\ufeff<worksheet><sheetData/></worksheet>",
	} {
		f.Add(s)
	}
	sst := &sharedStrings{data: []byte("shared"), ends: []int{6}}
	lim := Limits{MaxCellBytes: 64, MaxRowBytes: 256, MaxRows: 1000}.withDefaults()
	f.Fuzz(func(t *testing.T, xml string) {
		s := newSheetReader(strings.NewReader(xml), sst, lim)
		last := 0
		for n := 0; n <= len(xml); n++ {
			line, cells, err := s.next(8)
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				_ = err.Error()
				return
			}
			if line <= last {
				t.Fatalf("row %d after row %d", line, last)
			}
			last = line
			for _, c := range cells {
				if !utf8.ValidString(c.Value) || len(c.Value) > lim.MaxCellBytes {
					t.Fatalf("cell %q", c.Value)
				}
			}
		}
		t.Fatalf("more rows than the %d bytes of XML", len(xml))
	})
}
