package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// Resource types of the Windows resource section that a packaged app
// carries.
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// subsystemGUI is IMAGE_SUBSYSTEM_WINDOWS_GUI: the program opens no
// console window.
const subsystemGUI = 2

// fixedFileInfoSignature starts VS_FIXEDFILEINFO.
const fixedFileInfoSignature = 0xFEEF04BD

// exeFacts is what checkWindowsExe found in an executable.
type exeFacts struct {
	productName    string
	productVersion string
	fileVersion    [4]uint16
	icons          int // RT_ICON images
}

// checkWindowsExe checks that the file at path is a 64-bit Windows GUI
// program carrying an icon, a manifest and version information whose
// product version starts with version.
func checkWindowsExe(path, name, version string) (*exeFacts, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PE file: %w", path, err)
	}
	defer f.Close()
	opt, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		return nil, fmt.Errorf("%s: not a 64-bit x86 program", path)
	}
	if opt.Subsystem != subsystemGUI {
		return nil, fmt.Errorf("%s: subsystem %d, not a GUI program (a console window would open)",
			path, opt.Subsystem)
	}
	res, err := readResources(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, t := range []struct {
		id   int
		what string
	}{{rtIcon, "icon"}, {rtGroupIcon, "icon group"}, {rtVersion, "version"}, {rtManifest, "manifest"}} {
		if len(res[t.id]) == 0 {
			return nil, fmt.Errorf("%s: no %s resource", path, t.what)
		}
	}
	facts, err := parseVersionInfo(res[rtVersion][0])
	if err != nil {
		return nil, fmt.Errorf("%s: version resource: %w", path, err)
	}
	facts.icons = len(res[rtIcon])
	switch {
	case facts.productName != name:
		return facts, fmt.Errorf("%s: product name %q, want %q", path, facts.productName, name)
	case !hasVersionPrefix(facts.productVersion, version):
		return facts, fmt.Errorf("%s: product version %q, want %s.*", path, facts.productVersion, version)
	}
	return facts, nil
}

// hasVersionPrefix reports whether v is version followed by a build
// number, as fyne package writes it ("0.2.0.1").
func hasVersionPrefix(v, version string) bool {
	rest, ok := bytes.CutPrefix([]byte(v), []byte(version+"."))
	return ok && len(rest) > 0
}

// readResources returns the data of every resource in the .rsrc section,
// by type ID.
func readResources(f *pe.File) (map[int][][]byte, error) {
	sec := f.Section(".rsrc")
	if sec == nil {
		return nil, errors.New("no resource section")
	}
	data, err := sec.Data()
	if err != nil {
		return nil, fmt.Errorf("read resource section: %w", err)
	}
	r := &rsrc{data: data, base: sec.VirtualAddress, out: map[int][][]byte{}}
	if err := r.walk(0, 0, -1); err != nil {
		return nil, fmt.Errorf("resource section: %w", err)
	}
	return r.out, nil
}

// rsrc walks a resource directory tree: type, then name, then language.
type rsrc struct {
	data []byte
	base uint32 // the section's virtual address
	out  map[int][][]byte
}

func (r *rsrc) u16(at int) uint16 { return binary.LittleEndian.Uint16(r.data[at:]) }
func (r *rsrc) u32(at int) uint32 { return binary.LittleEndian.Uint32(r.data[at:]) }

// walk reads the directory at offset off, at tree depth depth; typ is the
// resource type the directory lies under (-1 at the root).
func (r *rsrc) walk(off, depth, typ int) error {
	if depth > 2 || off+16 > len(r.data) {
		return fmt.Errorf("directory at %#x out of bounds", off)
	}
	n := int(r.u16(off+12)) + int(r.u16(off+14))
	for i := range n {
		e := off + 16 + 8*i
		if e+8 > len(r.data) {
			return fmt.Errorf("entry at %#x out of bounds", e)
		}
		id, target := r.u32(e), r.u32(e+4)
		t := typ
		if depth == 0 {
			t = int(id)
		}
		if target&0x80000000 != 0 {
			if err := r.walk(int(target&0x7fffffff), depth+1, t); err != nil {
				return err
			}
			continue
		}
		leaf, err := r.leaf(int(target))
		if err != nil {
			return err
		}
		r.out[t] = append(r.out[t], leaf)
	}
	return nil
}

// leaf returns the bytes a data entry points to.
func (r *rsrc) leaf(at int) ([]byte, error) {
	if at+16 > len(r.data) {
		return nil, fmt.Errorf("data entry at %#x out of bounds", at)
	}
	rva, size := r.u32(at), r.u32(at+4)
	start := int(rva) - int(r.base)
	if start < 0 || start+int(size) > len(r.data) {
		return nil, fmt.Errorf("data at RVA %#x out of the section", rva)
	}
	return r.data[start : start+int(size)], nil
}

// parseVersionInfo reads VS_VERSIONINFO: the fixed file version, and the
// ProductName and ProductVersion strings.
func parseVersionInfo(b []byte) (*exeFacts, error) {
	facts := &exeFacts{}
	sig := make([]byte, 4)
	binary.LittleEndian.PutUint32(sig, fixedFileInfoSignature)
	at := bytes.Index(b, sig)
	if at < 0 || at+52 > len(b) {
		return nil, errors.New("no VS_FIXEDFILEINFO")
	}
	ms, ls := binary.LittleEndian.Uint32(b[at+8:]), binary.LittleEndian.Uint32(b[at+12:])
	facts.fileVersion = [4]uint16{uint16(ms >> 16), uint16(ms), uint16(ls >> 16), uint16(ls)}
	facts.productName = versionString(b, "ProductName")
	facts.productVersion = versionString(b, "ProductVersion")
	if facts.productVersion == "" {
		return nil, errors.New("no ProductVersion string")
	}
	return facts, nil
}

// versionString finds a String structure keyed key in a version
// resource and returns its value: UTF-16, after the key's terminating
// zero and padding to a 4-byte boundary.
func versionString(b []byte, key string) string {
	k := utf16le(key + "\x00")
	at := bytes.Index(b, k)
	if at < 0 {
		return ""
	}
	v := at + len(k)
	v += (4 - v%4) % 4
	var units []uint16
	for ; v+2 <= len(b); v += 2 {
		u := binary.LittleEndian.Uint16(b[v:])
		if u == 0 {
			break
		}
		units = append(units, u)
	}
	return string(utf16.Decode(units))
}

func utf16le(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}
