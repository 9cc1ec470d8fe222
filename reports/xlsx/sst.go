package xlsx

import (
	"fmt"
	"io"
	"strings"
)

// sharedStrings is a workbook's shared-string table, held as one buffer.
type sharedStrings struct {
	data []byte
	ends []int // end of each string in data
}

// get returns the i-th shared string.
func (t *sharedStrings) get(i int) ([]byte, bool) {
	if t == nil || i < 0 || i >= len(t.ends) {
		return nil, false
	}
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.data[start:t.ends[i]], true
}

// loadSharedStrings reads the shared-strings part of w, if any; its size
// was checked against lim.MaxSharedStrings.
func (w *workbook) loadSharedStrings(lim Limits) (*sharedStrings, error) {
	if w.sstPath == "" {
		return nil, nil
	}
	if zf := w.parts[strings.ToLower(w.sstPath)]; zf != nil && zf.UncompressedSize64 > uint64(lim.MaxSharedStrings) {
		return nil, faultf("table des chaînes partagées trop volumineuse (au plus %s)",
			formatBytes(lim.MaxSharedStrings))
	}
	rc, err := w.open(w.sstPath)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	t, err := readSharedStrings(rc, lim)
	if err != nil {
		return nil, faultf("table des chaînes partagées illisible (%v)", err)
	}
	return t, nil
}

// readSharedStrings reads every <si> of a shared-strings part.
func readSharedStrings(r io.Reader, lim Limits) (*sharedStrings, error) {
	t := &sharedStrings{}
	sc := newXMLScanner(r, lim.MaxCellBytes)
	text := func() error {
		return appendText(sc, &t.data)
	}
	for {
		tok, err := sc.next()
		if err != nil {
			return nil, err
		}
		if tok == tokEOF {
			return t, nil
		}
		if tok != tokStart || !isLocal(sc.name, "si") {
			continue
		}
		if err := readRichText(sc, text); err != nil {
			return nil, err
		}
		if int64(len(t.data)) > lim.MaxSharedStrings {
			return nil, fmt.Errorf("plus de %s de texte", formatBytes(lim.MaxSharedStrings))
		}
		t.ends = append(t.ends, len(t.data))
	}
}

// appendText appends the text of the element just opened to *dst.
func appendText(sc *xmlScanner, dst *[]byte) error {
	depth := sc.depth()
	for {
		tok, err := sc.next()
		if err != nil {
			return err
		}
		switch {
		case tok == tokEOF || (tok == tokEnd && sc.depth() < depth):
			return nil
		case tok == tokText:
			*dst = append(*dst, sc.text...)
		case tok == tokStart:
			if err := skip(sc); err != nil {
				return err
			}
		}
	}
}
