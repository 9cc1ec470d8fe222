package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"intiqa/assets"
)

// TestParseVersionInfo reads a version resource laid out as Windows
// lays it: keys and values in UTF-16, values aligned on 4 bytes.
func TestParseVersionInfo(t *testing.T) {
	var b []byte
	b = append(b, 0x5c, 0x03, 0x34, 0x00, 0x00, 0x00) // wLength, wValueLength, wType
	b = append(b, utf16le("VS_VERSION_INFO\x00")...)
	b = pad4(b)
	fixed := make([]byte, 52)
	binary.LittleEndian.PutUint32(fixed, fixedFileInfoSignature)
	binary.LittleEndian.PutUint32(fixed[8:], 0<<16|2)  // 0.2
	binary.LittleEndian.PutUint32(fixed[12:], 0<<16|7) // .0.7
	b = append(b, fixed...)
	for _, kv := range [][2]string{{"ProductName", "Intiqa"}, {"ProductVersion", "0.2.0.7"}} {
		b = append(b, 0, 0, 0, 0, 1, 0) // wLength, wValueLength, wType: lengths do not matter here
		b = append(b, utf16le(kv[0]+"\x00")...)
		b = pad4(b)
		b = append(b, utf16le(kv[1]+"\x00")...)
		b = pad4(b)
	}
	f, err := parseVersionInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.productName != "Intiqa" || f.productVersion != "0.2.0.7" || f.fileVersion != [4]uint16{0, 2, 0, 7} {
		t.Errorf("got %+v", f)
	}
	if _, err := parseVersionInfo(b[:40]); err == nil {
		t.Error("a version resource cut short was read")
	}
	if !hasVersionPrefix("0.2.0.7", "0.2.0") || hasVersionPrefix("0.2.01", "0.2.0") ||
		hasVersionPrefix("0.2.0.", "0.2.0") {
		t.Error("hasVersionPrefix")
	}
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// goBuild builds a package into dir with the environment given, and
// returns the program's path.
func goBuild(t *testing.T, dir, pkg string, env ...string) string {
	t.Helper()
	out := filepath.Join(dir, "prog")
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), env...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// TestCheckStaticBinary checks the real headquarters program, built
// without cgo, then a program that links the C library.
func TestCheckStaticBinary(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the test builds and runs linux/amd64 programs")
	}
	dir := t.TempDir()
	hq := goBuild(t, dir, "intiqa/cmd/intiqa-hq", "CGO_ENABLED=0")
	if err := checkStaticBinary(hq, "amd64", assets.Version); err != nil {
		t.Errorf("the cgo-free headquarters program: %v", err)
	}
	if err := checkStaticBinary(hq, "arm64", assets.Version); err == nil ||
		!strings.Contains(err.Error(), "machine") {
		t.Errorf("an amd64 program passed as arm64: %v", err)
	}
	if err := checkStaticBinary(hq, "amd64", "9.9.9"); err == nil ||
		!strings.Contains(err.Error(), "want version 9.9.9") {
		t.Errorf("a program of another version passed: %v", err)
	}

	// A program that resolves names through the C library is dynamic.
	src := filepath.Join(dir, "dyn")
	mustWrite(t, filepath.Join(src, "go.mod"), "module dyn\n\ngo 1.26\n")
	mustWrite(t, filepath.Join(src, "main.go"),
		"package main\n\nimport \"net\"\n\nfunc main() { net.LookupHost(\"localhost\") }\n")
	cmd := exec.Command("go", "build", "-o", "dyn", ".")
	cmd.Dir, cmd.Env = src, append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build a cgo program: %v\n%s", err, msg)
	}
	err := checkStaticBinary(filepath.Join(src, "dyn"), "amd64", assets.Version)
	if err == nil || !strings.Contains(err.Error(), "linked dynamically") {
		t.Errorf("a dynamic program passed: %v", err)
	}
}

// TestCheckLinuxPackage builds packages laid out as fyne package lays
// them out, one sound and others each missing a part.
func TestCheckLinuxPackage(t *testing.T) {
	entry := "[Desktop Entry]\nType=Application\nName=Intiqa\nExec=Intiqa\nIcon=Intiqa\n"
	files := map[string]string{
		"usr/local/bin/Intiqa":                        "\x7fELF",
		"usr/local/share/applications/Intiqa.desktop": entry,
		"usr/local/share/pixmaps/Intiqa.png":          "\x89PNG",
		"Makefile":                                    "install:\n",
	}
	tests := []struct {
		name string
		edit func(map[string]string)
		want string // "" for a sound package
	}{
		{"Sound", func(map[string]string) {}, ""},
		{"NoProgram", func(m map[string]string) { delete(m, "usr/local/bin/Intiqa") }, "no program"},
		{"RunsAnother", func(m map[string]string) {
			m["usr/local/share/applications/Intiqa.desktop"] = strings.Replace(entry, "Exec=Intiqa", "Exec=other", 1)
		}, "no program usr/local/bin/other"},
		{"NoIcon", func(m map[string]string) { delete(m, "usr/local/share/pixmaps/Intiqa.png") }, "no icon"},
		{"NoEntry", func(m map[string]string) {
			delete(m, "usr/local/share/applications/Intiqa.desktop")
		}, "no .desktop"},
		{"OtherName", func(m map[string]string) {
			m["usr/local/share/applications/Intiqa.desktop"] = strings.Replace(entry, "Name=Intiqa", "Name=Fyne App", 1)
		}, `names "Fyne App"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := map[string]string{}
			for k, v := range files {
				m[k] = v
			}
			tt.edit(m)
			pkg := makeTarXZ(t, m)
			desc, err := checkLinuxPackage(pkg, "Intiqa")
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("a sound package: %v", err)
			case tt.want == "" && !strings.Contains(desc, "Exec=Intiqa"):
				t.Errorf("description %q", desc)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v; want an error saying %q", err, tt.want)
			}
		})
	}
}

// makeTarXZ writes files into a tree and packs it with tar -cJf.
func makeTarXZ(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	var names []string
	for name, content := range files {
		mustWrite(t, filepath.Join(root, name), content)
		names = append(names, name)
	}
	pkg := filepath.Join(t.TempDir(), "pkg.tar.xz")
	cmd := exec.Command("tar", append([]string{"-cJf", pkg, "-C", root}, names...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("tar: %v %s", err, stderr.String())
	}
	return pkg
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}
