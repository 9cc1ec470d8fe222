package main

import (
	"errors"
	"fmt"
	"path/filepath"
)

// errNoHome is returned when no data directory can be derived.
var errNoHome = errors.New("no home directory")

// dirEnv is what the default data directory depends on, so that it can be
// computed for any system in tests.
type dirEnv struct {
	goos      string
	getenv    func(string) string
	homeDir   func() (string, error)
	configDir func() (string, error)
}

// defaultDataDir returns where the desktop app keeps its stores: on
// Linux and other Unix systems $XDG_DATA_HOME/intiqa, by default
// ~/.local/share/intiqa; on Windows %AppData%\Intiqa; on macOS
// ~/Library/Application Support/Intiqa.
func defaultDataDir(e dirEnv) (string, error) {
	switch e.goos {
	case "windows", "darwin":
		dir, err := e.configDir()
		if err != nil {
			return "", fmt.Errorf("find data directory: %w", err)
		}
		return filepath.Join(dir, "Intiqa"), nil
	}
	// The XDG base directory specification ignores relative paths.
	if x := e.getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "intiqa"), nil
	}
	home, err := e.homeDir()
	if err != nil || home == "" {
		return "", fmt.Errorf("find data directory: %w", errors.Join(errNoHome, err))
	}
	return filepath.Join(home, ".local", "share", "intiqa"), nil
}
