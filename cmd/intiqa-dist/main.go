// Command intiqa-dist checks the release files that scripts/dist.sh
// builds into dist/: the Windows desktop program is a GUI PE file with
// the app's icon, manifest and version; the Linux package holds the
// program, its icon and a .desktop entry; the headquarters binaries are
// static, for their architecture, and tell the right version.
//
// Usage:
//
//	intiqa-dist check [DIR]   (DIR defaults to dist)
//	intiqa-dist --version
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"intiqa/assets"
)

// appName is the desktop app's name, as FyneApp.toml gives it.
const appName = "Intiqa"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run carries out the command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 1 && (args[0] == "--version" || args[0] == "version"):
		fmt.Fprintln(stdout, assets.VersionLine("intiqa-dist"))
		return 0
	case len(args) >= 1 && len(args) <= 2 && args[0] == "check":
		dir := "dist"
		if len(args) == 2 {
			dir = args[1]
		}
		if err := check(dir, stdout); err != nil {
			fmt.Fprintf(stderr, "intiqa-dist check: %v\n", err)
			return 1
		}
		return 0
	}
	fmt.Fprintln(stderr, "usage : intiqa-dist check [DOSSIER]   |   intiqa-dist --version")
	return 2
}

// Names of the release files of version v, as scripts/dist.sh writes
// them.
func windowsExe(v string) string   { return fmt.Sprintf("%s-%s-windows-amd64.exe", appName, v) }
func linuxPackage(v string) string { return fmt.Sprintf("intiqa-%s-linux-amd64.tar.xz", v) }
func hqBinary(v, arch string) string {
	return fmt.Sprintf("intiqa-hq-%s-linux-%s", v, arch)
}

// check checks every release file of the current version in dir and
// prints a line for each; it returns every fault found.
func check(dir string, out io.Writer) error {
	v := assets.Version
	var errs []error
	facts, err := checkWindowsExe(filepath.Join(dir, windowsExe(v)), appName, v)
	if err != nil {
		errs = append(errs, err)
	} else {
		fmt.Fprintf(out, "ok  %s: GUI, %d icon images, version %s (%d.%d.%d.%d)\n",
			windowsExe(v), facts.icons, facts.productVersion, facts.fileVersion[0],
			facts.fileVersion[1], facts.fileVersion[2], facts.fileVersion[3])
	}
	if entry, err := checkLinuxPackage(filepath.Join(dir, linuxPackage(v)), appName); err != nil {
		errs = append(errs, err)
	} else {
		fmt.Fprintf(out, "ok  %s: program, icon, %s\n", linuxPackage(v), entry)
	}
	for _, arch := range []string{"amd64", "arm64"} {
		name := hqBinary(v, arch)
		if err := checkStaticBinary(filepath.Join(dir, name), arch, v); err != nil {
			errs = append(errs, err)
		} else {
			fmt.Fprintf(out, "ok  %s: static, %s\n", name, arch)
		}
	}
	return errors.Join(errs...)
}
