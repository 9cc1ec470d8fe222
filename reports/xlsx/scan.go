package xlsx

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// NOTE: the sheet is read with this small pull scanner rather than
// excelize's Rows or encoding/xml. On the national applicants.xlsx
// (540 MB of sheet XML) excelize's Rows takes 80 to 110 s, and it ends
// silently, with no error, at the first malformed tag, so a damaged file
// would import half its rows; encoding/xml alone takes about 40 s; this
// scanner about 12 s. It checks what the contract files need (nesting,
// attribute syntax, entities, truncation) and refuses DTDs, so no
// entity can expand.

// tokKind is the kind of token the scanner stopped on.
type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
)

// Bounds of the scanner, beyond which a file is refused.
const (
	scanBufSize = 256 << 10
	maxTagBytes = 64 << 10
	maxDepth    = 64
)

// errXML marks a malformed part; messages are in French.
var errXML = errors.New("XML mal formé")

// xmlAttr is one attribute of the current start tag: its qualified name
// and its value with entities decoded.
type xmlAttr struct {
	name, value []byte
}

// xmlScanner tokenizes one XML part. Name, attrs and text are valid until
// the next call to next.
type xmlScanner struct {
	r       *bufio.Reader
	maxText int

	name  []byte
	attrs []xmlAttr
	text  []byte

	tag     []byte // the raw current start tag
	tagBuf  []byte // a tag or section read across several buffer fills
	textBuf []byte // text read across several buffer fills
	decBuf  []byte // text with entities decoded
	valBuf  []byte // attribute values with entities decoded

	stack     []byte // names of the open elements, end to end
	stackEnds []int
	sawRoot   bool
	tagNext   bool // a '<' was consumed with the text before it
	endNext   bool // the current start tag was empty: its end comes next
}

// newXMLScanner scans r; a text longer than maxText bytes is refused.
func newXMLScanner(r io.Reader, maxText int) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, scanBufSize), maxText: maxText}
}

// xmlErrorf returns a fault of the part wrapping errXML.
func xmlErrorf(format string, args ...any) error {
	return fmt.Errorf("%w : %s", errXML, fmt.Sprintf(format, args...))
}

// next moves to the next token.
func (s *xmlScanner) next() (tokKind, error) {
	if s.endNext {
		s.endNext = false
		s.name = s.pop()
		return tokEnd, nil
	}
	if !s.tagNext {
		found, err := s.readText()
		if err != nil {
			return tokEOF, err
		}
		if !found {
			return tokEOF, s.atEOF()
		}
		if len(s.text) > 0 {
			if len(s.stackEnds) > 0 {
				s.tagNext = true
				return tokText, nil
			}
			if len(trimLeft(s.text)) > 0 && !s.isBOM() {
				return tokEOF, xmlErrorf("texte hors de l'élément racine")
			}
		}
	}
	s.tagNext = false
	return s.readMarkup()
}

// isBOM reports whether the current text is a UTF-8 byte order mark at
// the start of the part.
func (s *xmlScanner) isBOM() bool {
	return !s.sawRoot && bytes.Equal(trimRight(s.text), []byte("\ufeff"))
}

// atEOF checks that the part ended with its root element closed.
func (s *xmlScanner) atEOF() error {
	if len(s.stackEnds) > 0 {
		return xmlErrorf("fin inattendue, élément <%s> non fermé (fichier tronqué ?)", s.top())
	}
	if !s.sawRoot {
		return xmlErrorf("document vide")
	}
	return nil
}

// readText reads up to and including the next '<' and decodes the text
// before it into s.text. found is false at the end of the part.
func (s *xmlScanner) readText() (found bool, err error) {
	s.textBuf = s.textBuf[:0]
	for {
		chunk, err := s.r.ReadSlice('<')
		switch {
		case err == nil && len(s.textBuf) == 0:
			return true, s.setText(chunk[:len(chunk)-1])
		case err == nil:
			s.textBuf = append(s.textBuf, chunk[:len(chunk)-1]...)
			return true, s.setText(s.textBuf)
		case errors.Is(err, bufio.ErrBufferFull):
			s.textBuf = append(s.textBuf, chunk...)
			if len(s.textBuf) > s.maxText {
				return false, fmt.Errorf("texte de plus de %d octets", s.maxText)
			}
		case errors.Is(err, io.EOF):
			s.textBuf = append(s.textBuf, chunk...)
			return false, s.setText(s.textBuf)
		default:
			return false, err
		}
	}
}

// setText decodes raw into s.text.
func (s *xmlScanner) setText(raw []byte) error {
	if len(raw) > s.maxText {
		return fmt.Errorf("texte de plus de %d octets", s.maxText)
	}
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		s.text = raw
		return nil
	}
	var err error
	s.decBuf, err = decodeText(s.decBuf[:0], raw)
	s.text = s.decBuf
	return err
}

// readMarkup reads what follows a '<'.
func (s *xmlScanner) readMarkup() (tokKind, error) {
	b, err := s.r.ReadByte()
	if err != nil {
		return tokEOF, xmlErrorf("fin inattendue après « < » (fichier tronqué ?)")
	}
	switch b {
	case '/':
		return s.readEndTag()
	case '?':
		return s.next1(s.skipUntil("?>"))
	case '!':
		return s.readBang()
	}
	if err := s.r.UnreadByte(); err != nil {
		return tokEOF, err
	}
	return s.readStartTag()
}

// next1 continues to the next token once a skipped construct is done.
func (s *xmlScanner) next1(err error) (tokKind, error) {
	if err != nil {
		return tokEOF, err
	}
	return s.next()
}

// readBang handles a comment, a CDATA section, or refuses a DTD.
func (s *xmlScanner) readBang() (tokKind, error) {
	head, err := s.r.Peek(2)
	if err == nil && string(head) == "--" {
		return s.next1(s.skipUntil("-->"))
	}
	head, err = s.r.Peek(7)
	if err != nil || string(head) != "[CDATA[" {
		return tokEOF, xmlErrorf("déclaration <!…> non admise (DTD)")
	}
	if len(s.stackEnds) == 0 {
		return tokEOF, xmlErrorf("section CDATA hors de l'élément racine")
	}
	if _, err := s.r.Discard(7); err != nil {
		return tokEOF, err
	}
	raw, err := s.readUntil("]]>")
	if err != nil {
		return tokEOF, err
	}
	s.decBuf = append(s.decBuf[:0], raw...)
	s.text = s.decBuf
	return tokText, nil
}

// skipUntil discards input up to and including end.
func (s *xmlScanner) skipUntil(end string) error {
	_, err := s.readUntil(end)
	return err
}

// readUntil returns the input before end, consuming end too.
func (s *xmlScanner) readUntil(end string) ([]byte, error) {
	s.tagBuf = s.tagBuf[:0]
	last := end[len(end)-1]
	for {
		chunk, err := s.r.ReadSlice(last)
		s.tagBuf = append(s.tagBuf, chunk...)
		switch {
		case err == nil && bytes.HasSuffix(s.tagBuf, []byte(end)):
			return s.tagBuf[:len(s.tagBuf)-len(end)], nil
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF):
			return nil, xmlErrorf("fin inattendue, « %s » manquant (fichier tronqué ?)", end)
		default:
			return nil, err
		}
		if len(s.tagBuf) > s.maxText+maxTagBytes {
			return nil, fmt.Errorf("section de plus de %d octets", s.maxText)
		}
	}
}

// readEndTag reads "name>" and checks it closes the open element.
func (s *xmlScanner) readEndTag() (tokKind, error) {
	chunk, err := s.r.ReadSlice('>')
	if err != nil {
		return tokEOF, xmlErrorf("balise fermante tronquée")
	}
	name := trimRight(chunk[:len(chunk)-1])
	if len(s.stackEnds) == 0 {
		return tokEOF, xmlErrorf("balise </%s> sans ouverture", name)
	}
	if !bytes.Equal(name, s.top()) {
		return tokEOF, xmlErrorf("balise </%s> au lieu de </%s>", name, s.top())
	}
	s.name = s.pop()
	return tokEnd, nil
}

// readStartTag reads "name attr="v"...>" or its empty form "…/>".
func (s *xmlScanner) readStartTag() (tokKind, error) {
	if len(s.stackEnds) == 0 && s.sawRoot {
		return tokEOF, xmlErrorf("second élément racine")
	}
	if err := s.readTag(); err != nil {
		return tokEOF, err
	}
	t := s.tag
	empty := len(t) > 0 && t[len(t)-1] == '/'
	if empty {
		t = t[:len(t)-1]
	}
	n := 0
	for n < len(t) && !isSpace(t[n]) {
		n++
	}
	if !validName(t[:n]) {
		return tokEOF, xmlErrorf("nom d'élément invalide %q", clip(t[:n]))
	}
	if err := s.parseAttrs(t[n:]); err != nil {
		return tokEOF, err
	}
	if err := s.push(t[:n]); err != nil {
		return tokEOF, err
	}
	s.name = t[:n]
	s.sawRoot = true
	s.endNext = empty
	return tokStart, nil
}

// readTag reads a start tag up to its closing '>', which may not be
// inside a quoted attribute value, into s.tag without the '>'. A tag
// that lies whole in the read buffer is not copied: like every token, it
// is valid until the next read.
func (s *xmlScanner) readTag() error {
	chunk, err := s.r.ReadSlice('>')
	if err == nil && quotesClosed(chunk) {
		s.tag = chunk[:len(chunk)-1]
		return nil
	}
	s.tagBuf = append(s.tagBuf[:0], chunk...)
	for {
		switch {
		case err == nil && quotesClosed(s.tagBuf):
			s.tag = s.tagBuf[:len(s.tagBuf)-1]
			return nil
		case err != nil && !errors.Is(err, bufio.ErrBufferFull):
			return xmlErrorf("balise ouvrante tronquée (fichier tronqué ?)")
		case len(s.tagBuf) > maxTagBytes:
			return xmlErrorf("balise de plus de %d octets", maxTagBytes)
		}
		chunk, err = s.r.ReadSlice('>')
		s.tagBuf = append(s.tagBuf, chunk...)
	}
}

// quotesClosed reports whether every quoted value of tag is closed.
func quotesClosed(tag []byte) bool {
	var q byte
	for _, c := range tag {
		switch {
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case c == q:
			q = 0
		}
	}
	return q == 0
}

// parseAttrs splits ` a="1" b='2'` into s.attrs.
func (s *xmlScanner) parseAttrs(t []byte) error {
	s.attrs = s.attrs[:0]
	s.valBuf = s.valBuf[:0]
	for {
		t = trimLeft(t)
		if len(t) == 0 {
			return nil
		}
		eq := bytes.IndexByte(t, '=')
		if eq < 0 {
			return xmlErrorf("attribut sans valeur %q", clip(t))
		}
		name := trimRight(t[:eq])
		if !validName(name) {
			return xmlErrorf("nom d'attribut invalide %q", clip(name))
		}
		t = trimLeft(t[eq+1:])
		if len(t) == 0 || (t[0] != '"' && t[0] != '\'') {
			return xmlErrorf("valeur d'attribut sans guillemets")
		}
		end := bytes.IndexByte(t[1:], t[0])
		if end < 0 {
			return xmlErrorf("valeur d'attribut non fermée")
		}
		value, err := s.attrValue(t[1 : 1+end])
		if err != nil {
			return err
		}
		s.attrs = append(s.attrs, xmlAttr{name: name, value: value})
		t = t[2+end:]
		if len(t) > 0 && !isSpace(t[0]) {
			return xmlErrorf("attributs non séparés")
		}
	}
}

// attrValue decodes the entities of one attribute value.
func (s *xmlScanner) attrValue(raw []byte) ([]byte, error) {
	if bytes.IndexByte(raw, '<') >= 0 {
		return nil, xmlErrorf("« < » dans une valeur d'attribut")
	}
	if bytes.IndexByte(raw, '&') < 0 {
		return raw, nil
	}
	start := len(s.valBuf)
	var err error
	s.valBuf, err = decodeText(s.valBuf, raw)
	return s.valBuf[start:len(s.valBuf):len(s.valBuf)], err
}

// attr returns the value of the unprefixed attribute name, or nil.
func (s *xmlScanner) attr(name string) []byte {
	for _, a := range s.attrs {
		if string(a.name) == name {
			return a.value
		}
	}
	return nil
}

// push opens an element.
func (s *xmlScanner) push(name []byte) error {
	if len(s.stackEnds) >= maxDepth {
		return xmlErrorf("éléments imbriqués sur plus de %d niveaux", maxDepth)
	}
	s.stack = append(s.stack, name...)
	s.stackEnds = append(s.stackEnds, len(s.stack))
	return nil
}

// top returns the name of the innermost open element.
func (s *xmlScanner) top() []byte {
	n := len(s.stackEnds)
	start := 0
	if n > 1 {
		start = s.stackEnds[n-2]
	}
	return s.stack[start:s.stackEnds[n-1]]
}

// pop closes the innermost element and returns its name, valid until
// the next push.
func (s *xmlScanner) pop() []byte {
	name := s.top()
	s.stackEnds = s.stackEnds[:len(s.stackEnds)-1]
	s.stack = s.stack[:len(s.stack)-len(name)]
	return name
}

// depth returns how many elements are open.
func (s *xmlScanner) depth() int { return len(s.stackEnds) }

// localName returns name without its namespace prefix.
func localName(name []byte) []byte {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// isLocal reports whether the qualified name has the local part local.
func isLocal(name []byte, local string) bool {
	return string(localName(name)) == local
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trimLeft drops the XML white space that starts b.
func trimLeft(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// trimRight drops the XML white space that ends b.
func trimRight(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// validName accepts the names SpreadsheetML uses: letters, digits, and
// ".-_:" after a first letter or '_'. Non-ASCII names are accepted
// whole, as XML allows.
func validName(n []byte) bool {
	if len(n) == 0 || (n[0] >= '0' && n[0] <= '9') || n[0] == '-' || n[0] == '.' {
		return false
	}
	for _, c := range n {
		ok := c >= 0x80 || c == '_' || c == ':' || c == '-' || c == '.' ||
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// clip shortens raw bytes quoted in a message.
func clip(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return string(b)
}

// decodeText appends raw to dst with its entities decoded and its line
// ends normalised, as an XML parser must.
func decodeText(dst, raw []byte) ([]byte, error) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\r':
			dst = append(dst, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		case '&':
			end := bytes.IndexByte(raw[i:], ';')
			if end < 0 || end > 12 {
				return dst, xmlErrorf("« & » sans entité")
			}
			var err error
			if dst, err = appendEntity(dst, raw[i+1:i+end]); err != nil {
				return dst, err
			}
			i += end
		default:
			dst = append(dst, c)
		}
	}
	return dst, nil
}

// appendEntity appends what the entity name (between '&' and ';')
// stands for.
func appendEntity(dst, name []byte) ([]byte, error) {
	switch string(name) {
	case "lt":
		return append(dst, '<'), nil
	case "gt":
		return append(dst, '>'), nil
	case "amp":
		return append(dst, '&'), nil
	case "quot":
		return append(dst, '"'), nil
	case "apos":
		return append(dst, '\''), nil
	}
	if len(name) < 2 || name[0] != '#' {
		return dst, xmlErrorf("entité inconnue &%s;", clip(name))
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	r := rune(n)
	if err != nil || r == 0 || !utf8.ValidRune(r) {
		return dst, xmlErrorf("référence de caractère invalide &%s;", clip(name))
	}
	return utf8.AppendRune(dst, r), nil
}
