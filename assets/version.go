package assets

import (
	_ "embed" // the VERSION file
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

//go:embed VERSION
var versionFile string

// Version is Intiqa's version, x.y.z, the same for the desktop app and
// the headquarters program. assets/VERSION is the one place it is set:
// the packaging script hands it to `fyne package`, which writes it into
// the Windows and Linux packages.
var Version = strings.TrimSpace(versionFile)

// VersionLine describes a build of program for --version: Intiqa's
// version, then the commit it was built from when the build recorded one,
// the Go version and the system.
func VersionLine(program string) string {
	rev := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && len(s.Value) >= 12:
				rev = " " + s.Value[:12] + rev
			case s.Key == "vcs.modified" && s.Value == "true":
				rev += "+modifié"
			}
		}
	}
	return fmt.Sprintf("%s %s%s (%s, %s/%s)", program, Version, rev,
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
