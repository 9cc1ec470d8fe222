package xlsx

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// fileError is a fault of the whole file, in French, reported at row 0.
type fileError struct{ msg string }

func (e *fileError) Error() string { return e.msg }

// faultf returns a fileError.
func faultf(format string, args ...any) error {
	return &fileError{msg: fmt.Sprintf(format, args...)}
}

// oleMagic starts a Compound File: an Excel 97-2003 workbook, or an
// .xlsx encrypted with a password.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// workbook is an opened .xlsx: its zip and where its parts are.
type workbook struct {
	file     *os.File
	size     int64
	zip      *zip.Reader
	parts    map[string]*zip.File // by lower-cased name
	sheets   []sheetRef           // in workbook order
	sstPath  string               // "" when there are no shared strings
	date1904 bool
}

// sheetRef names one worksheet and its part.
type sheetRef struct {
	name, part string
}

// openWorkbook opens the .xlsx at name and checks it against lim before
// anything is inflated. The caller closes w.file.
func openWorkbook(name string, lim Limits) (*workbook, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open file: %w", err)
	}
	w, err := readWorkbook(f, lim)
	if err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

// readWorkbook reads the zip directory and the workbook parts of f.
func readWorkbook(f *os.File, lim Limits) (*workbook, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat file: %w", err)
	}
	w := &workbook{file: f, size: st.Size()}
	if w.size > lim.MaxFileSize {
		return nil, faultf("fichier trop volumineux (%s, au plus %s)",
			formatBytes(w.size), formatBytes(lim.MaxFileSize))
	}
	w.zip, err = zip.NewReader(f, w.size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, notXLSX(f)
	}
	if err := lim.checkEntries(w.zip.File); err != nil {
		return nil, faultf("%v", err)
	}
	w.parts = make(map[string]*zip.File, len(w.zip.File))
	for _, zf := range w.zip.File {
		w.parts[strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/"))] = zf
	}
	if err := w.readParts(); err != nil {
		return nil, err
	}
	return w, nil
}

// notXLSX explains why f is not a zip, from its first bytes.
func notXLSX(f *os.File) error {
	head := make([]byte, len(oleMagic))
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	why := "format inconnu ; attendu : un classeur Excel .xlsx"
	switch {
	case n == 0:
		why = "fichier vide"
	case bytes.Equal(head, oleMagic):
		why = "classeur Excel 97-2003 (.xls) ou protégé par mot de passe ; " +
			"l'enregistrer au format .xlsx sans mot de passe"
	case bytes.HasPrefix(head, []byte("PK")):
		why = "archive zip endommagée ou tronquée"
	}
	return faultf("ce n'est pas un fichier XLSX (%s)", why)
}

// readParts finds the workbook, its sheets and its shared strings.
func (w *workbook) readParts() error {
	book := w.officeDocument()
	if w.parts[strings.ToLower(book)] == nil {
		return faultf("ce n'est pas un fichier XLSX (pas de classeur dans l'archive)")
	}
	var wb xWorkbook
	if err := w.decodeXML(book, &wb); err != nil {
		return err
	}
	w.date1904 = wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"
	rels, err := w.relationships(book)
	if err != nil {
		return err
	}
	for _, s := range wb.Sheets {
		w.sheets = append(w.sheets, sheetRef{name: s.Name, part: rels.target[s.relID()]})
	}
	w.sstPath = rels.sharedStrings
	return nil
}

// officeDocument returns the workbook part the package's relationships
// name, or the usual one.
func (w *workbook) officeDocument() string {
	var rels xRelationships
	if w.parts["_rels/.rels"] == nil || w.decodeXML("_rels/.rels", &rels) != nil {
		return "xl/workbook.xml"
	}
	for _, r := range rels.Rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			return resolvePart("", r.Target)
		}
	}
	return "xl/workbook.xml"
}

// bookRels is what the workbook's relationships tell.
type bookRels struct {
	target        map[string]string // relationship ID to part
	sharedStrings string
}

// relationships reads the relationships of the workbook part book.
func (w *workbook) relationships(book string) (bookRels, error) {
	dir, base := path.Split(book)
	name := dir + "_rels/" + base + ".rels"
	out := bookRels{target: map[string]string{}}
	if w.parts[strings.ToLower(name)] == nil {
		return out, faultf("classeur incomplet : %s absent", name)
	}
	var rels xRelationships
	if err := w.decodeXML(name, &rels); err != nil {
		return out, err
	}
	for _, r := range rels.Rels {
		part := resolvePart(dir, r.Target)
		out.target[r.ID] = part
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			out.sharedStrings = part
		}
	}
	return out, nil
}

// resolvePart resolves a relationship target against the folder dir.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(target[1:])
	}
	return path.Clean(path.Join(dir, target))
}

// decodeXML decodes a small part (the workbook, its relationships).
func (w *workbook) decodeXML(name string, v any) error {
	rc, err := w.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxSmallPart+1))
	if err != nil {
		return faultf("élément %s illisible (%v)", name, err)
	}
	if len(data) > maxSmallPart {
		return faultf("élément %s trop volumineux", name)
	}
	if err := xml.Unmarshal(data, v); err != nil {
		return faultf("élément %s mal formé (%v)", name, err)
	}
	return nil
}

// open opens the part called name for reading.
func (w *workbook) open(name string) (io.ReadCloser, error) {
	zf := w.parts[strings.ToLower(name)]
	if zf == nil {
		return nil, faultf("classeur incomplet : %s absent", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, faultf("élément %s illisible (%v)", name, err)
	}
	return rc, nil
}

// digest returns the hex SHA-256 of the whole file.
func (w *workbook) digest() (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(w.file, 0, w.size)); err != nil {
		return "", fmt.Errorf("hash file: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// xWorkbook is the part of xl/workbook.xml the reader needs.
type xWorkbook struct {
	Pr struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []xSheet `xml:"sheets>sheet"`
}

// xSheet is a <sheet> of the workbook.
type xSheet struct {
	Name  string     `xml:"name,attr"`
	Attrs []xml.Attr `xml:",any,attr"`
}

// relID returns the sheet's r:id, whichever namespace URI (transitional
// or strict OOXML) the prefix stands for.
func (s xSheet) relID() string {
	for _, a := range s.Attrs {
		if a.Name.Local == "id" && strings.HasSuffix(a.Name.Space, "relationships") {
			return a.Value
		}
	}
	return ""
}

// xRelationships is a .rels part.
type xRelationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}
