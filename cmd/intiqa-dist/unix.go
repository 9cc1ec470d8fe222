package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"os/exec"
	"path"
	"runtime"
	"slices"
	"strings"
)

// elfMachines maps a Go architecture to its ELF machine.
var elfMachines = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// checkStaticBinary checks that the file at p is a Linux program for
// arch that needs no dynamic loader (so it runs on any distribution),
// and, when it can run here, that it tells version.
func checkStaticBinary(p, arch, version string) error {
	f, err := elf.Open(p)
	if err != nil {
		return fmt.Errorf("%s: not an ELF file: %w", p, err)
	}
	defer f.Close()
	if want := elfMachines[arch]; f.Machine != want {
		return fmt.Errorf("%s: machine %v, want %v", p, f.Machine, want)
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP || prog.Type == elf.PT_DYNAMIC {
			return fmt.Errorf("%s: linked dynamically (%v): build it with CGO_ENABLED=0", p, prog.Type)
		}
	}
	if arch != runtime.GOARCH || runtime.GOOS != "linux" {
		return nil
	}
	out, err := exec.Command(p, "--version").Output()
	if err != nil {
		return fmt.Errorf("%s --version: %w", p, err)
	}
	if !strings.HasPrefix(string(out), "intiqa-hq "+version+" ") {
		return fmt.Errorf("%s --version says %q, want version %s", p, strings.TrimSpace(string(out)), version)
	}
	return nil
}

// checkLinuxPackage checks the tarball fyne package makes: a .desktop
// entry naming the app, an icon, and the program the entry runs, in
// usr/local/bin. It returns a short description of the entry.
func checkLinuxPackage(p, name string) (string, error) {
	list, err := exec.Command("tar", "-tJf", p).Output()
	if err != nil {
		return "", fmt.Errorf("%s: cannot list the archive: %w", p, err)
	}
	files := strings.Fields(string(list))
	var icon, desktop string
	for _, f := range files {
		switch {
		case strings.HasSuffix(f, ".desktop") && strings.Contains(f, "/applications/"):
			desktop = f
		case strings.Contains(f, "/icons/") || strings.Contains(f, "/pixmaps/"):
			if strings.HasSuffix(f, ".png") || strings.HasSuffix(f, ".svg") {
				icon = f
			}
		}
	}
	switch {
	case desktop == "":
		return "", fmt.Errorf("%s: no .desktop entry in usr/local/share/applications", p)
	case icon == "":
		return "", fmt.Errorf("%s: no icon", p)
	}
	entry, err := exec.Command("tar", "-xJOf", p, desktop).Output()
	if err != nil {
		return "", fmt.Errorf("%s: cannot read %s: %w", p, desktop, err)
	}
	keys := desktopKeys(entry)
	program := "usr/local/bin/" + path.Base(keys["Exec"])
	switch {
	case keys["Name"] != name:
		return "", fmt.Errorf("%s: %s names %q, want %q", p, desktop, keys["Name"], name)
	case keys["Exec"] == "" || !slices.ContainsFunc(files, func(f string) bool {
		return strings.HasSuffix(f, "/"+program) || f == program
	}):
		return "", fmt.Errorf("%s: no program %s, which %s runs", p, program, path.Base(desktop))
	case keys["Icon"] == "":
		return "", fmt.Errorf("%s: %s has no icon", p, desktop)
	}
	return fmt.Sprintf("%s (Exec=%s, Icon=%s)", path.Base(desktop), keys["Exec"], keys["Icon"]), nil
}

// desktopKeys reads the keys of a .desktop file's [Desktop Entry] group.
func desktopKeys(b []byte) map[string]string {
	keys := map[string]string{}
	group := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "["):
			group = line
		case group == "[Desktop Entry]":
			if k, v, ok := strings.Cut(line, "="); ok {
				keys[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
	}
	return keys
}
