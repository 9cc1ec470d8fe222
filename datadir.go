package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"intiqa/ui"
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

// settingsFile is the file, in the default data folder, that remembers
// the data folder chosen in the window.
const settingsFile = "settings.json"

// settings are what the app remembers between runs beside Fyne's own
// preferences: kept in a file of the default data folder, so that the
// folder chosen is found before any store is open.
type settings struct {
	DataDir string `json:"data_dir,omitempty"` // "" for the default
}

// readSettings reads the settings kept in defaultDir; none is no error.
func readSettings(defaultDir string) (settings, error) {
	var s settings
	data, err := os.ReadFile(filepath.Join(defaultDir, settingsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read settings: %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("read settings %s: %w", filepath.Join(defaultDir, settingsFile), err)
	}
	return s, nil
}

// writeSettings keeps s in defaultDir, through a temporary file so that
// a crash leaves the old settings or the new ones.
func writeSettings(defaultDir string, s settings) error {
	if err := os.MkdirAll(defaultDir, 0o700); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	path := filepath.Join(defaultDir, settingsFile)
	if err := os.WriteFile(path+".tmp", append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	return nil
}

// checkDataDir makes sure dir can hold the data: an absolute path,
// created if needed, where a file can be written, synced and removed.
func checkDataDir(dir string) error {
	if !filepath.IsAbs(dir) {
		return fmt.Errorf("data folder %q: not an absolute path: %w", dir, ui.ErrDataDirUnusable)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data folder: %w: %w", err, ui.ErrDataDirUnusable)
	}
	probe, err := os.CreateTemp(dir, ".intiqa-probe-*")
	if err != nil {
		return fmt.Errorf("data folder: %w: %w", err, ui.ErrDataDirUnusable)
	}
	defer os.Remove(probe.Name())
	_, err = probe.WriteString("intiqa")
	if err == nil {
		err = probe.Sync()
	}
	if cerr := probe.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("data folder: %w: %w", err, ui.ErrDataDirUnusable)
	}
	return nil
}
