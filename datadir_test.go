package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"intiqa/assets"
	"intiqa/ui"
)

func TestDefaultDataDir(t *testing.T) {
	home := func() (string, error) { return "/home/amina", nil }
	noHome := func() (string, error) { return "", errors.New("$HOME is not defined") }
	config := func() (string, error) { return `C:\Users\amina\AppData\Roaming`, nil }
	env := func(vals map[string]string) func(string) string {
		return func(k string) string { return vals[k] }
	}
	tests := []struct {
		name    string
		e       dirEnv
		want    string
		wantErr bool
	}{
		{"LinuxDefault", dirEnv{"linux", env(nil), home, config},
			"/home/amina/.local/share/intiqa", false},
		{"LinuxXDG", dirEnv{"linux", env(map[string]string{"XDG_DATA_HOME": "/data/x"}), home, config},
			"/data/x/intiqa", false},
		{"LinuxRelativeXDGIgnored", dirEnv{"linux", env(map[string]string{"XDG_DATA_HOME": "rel"}),
			home, config}, "/home/amina/.local/share/intiqa", false},
		{"LinuxNoHome", dirEnv{"linux", env(nil), noHome, config}, "", true},
		{"Windows", dirEnv{"windows", env(nil), home, config},
			filepath.Join(`C:\Users\amina\AppData\Roaming`, "Intiqa"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := defaultDataDir(tt.e)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("defaultDataDir = %q, %v; want %q (error %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_DATA_HOME", xdg)
	def := filepath.Join(xdg, "intiqa")
	tests := []struct {
		name     string
		settings string // settings.json in the default folder; "" for none
		args     []string
		want     options
		wantErr  bool
	}{
		{"Defaults", "", nil, options{dataDir: def, defaultDir: def}, false},
		{"Demo", "", []string{"--demo", "--data", "/tmp/d"},
			options{dataDir: "/tmp/d", defaultDir: def, forced: true, demo: true}, false},
		{"Chosen", `{"data_dir": "/media/chiffre/intiqa"}`, nil,
			options{dataDir: "/media/chiffre/intiqa", defaultDir: def, chosen: true}, false},
		{"DataOverridesChosen", `{"data_dir": "/media/chiffre/intiqa"}`, []string{"--data", "/tmp/d"},
			options{dataDir: "/tmp/d", defaultDir: def, forced: true}, false},
		{"BadSettings", `{"data_dir": `, nil, options{}, true},
		{"Version", `{"data_dir": `, []string{"--version"}, options{version: true}, false},
		{"StrayArgument", "", []string{"demo"}, options{}, true},
		{"UnknownFlag", "", []string{"--nope"}, options{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.RemoveAll(def)
			if tt.settings != "" {
				if err := os.MkdirAll(def, 0o700); err != nil {
					t.Fatal(err)
				}
				err := os.WriteFile(filepath.Join(def, settingsFile), []byte(tt.settings), 0o600)
				if err != nil {
					t.Fatal(err)
				}
			}
			got, err := parseArgs(tt.args, bytesSink{})
			if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
				t.Errorf("parseArgs(%q) = %+v, %v; want %+v (error %v)",
					tt.args, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestVersion prints the version line and opens no window.
func TestVersion(t *testing.T) {
	var stdout, stderr strings.Builder
	if code := run([]string{"--version"}, &stdout, &stderr); code != 0 {
		t.Fatalf("intiqa --version exited %d: %s", code, stderr.String())
	}
	want := "intiqa " + assets.Version
	if got := stdout.String(); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, ")\n") {
		t.Errorf("intiqa --version printed %q; want %q first", got, want)
	}
	if stderr.Len() > 0 {
		t.Errorf("intiqa --version wrote to stderr: %s", stderr.String())
	}
}

// TestChooseDataDir remembers a folder for the next start, where
// parseArgs finds it, refuses a folder it cannot write to, and goes back
// to the default.
func TestChooseDataDir(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_DATA_HOME", xdg)
	def := filepath.Join(xdg, "intiqa")
	k := &keeper{b: newBackend(context.Background(), def, slog.New(slog.DiscardHandler))}
	k.svc = mustAdminService(t)
	chosen := filepath.Join(t.TempDir(), "chiffre", "intiqa")
	if err := k.ChooseDataDir(chosen); err != nil {
		t.Fatal(err)
	}
	if d := k.DataDirs(); d.Chosen != chosen || d.Current != def {
		t.Errorf("after the choice: %+v", d)
	}
	opts, err := parseArgs(nil, bytesSink{})
	if err != nil || opts.dataDir != chosen || !opts.chosen {
		t.Errorf("the next start uses %+v, %v; want %s", opts, err, chosen)
	}

	// Refused: a relative path, a file in the way.
	file := filepath.Join(t.TempDir(), "fichier")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"relatif/intiqa", filepath.Join(file, "intiqa")} {
		if err := k.ChooseDataDir(bad); !errors.Is(err, ui.ErrDataDirUnusable) {
			t.Errorf("ChooseDataDir(%q) = %v; want ErrDataDirUnusable", bad, err)
		}
	}
	if d := k.DataDirs(); d.Chosen != chosen {
		t.Errorf("a refused folder changed the choice: %+v", d)
	}

	// Back to the default.
	if err := k.ChooseDataDir(""); err != nil {
		t.Fatal(err)
	}
	if opts, err := parseArgs(nil, bytesSink{}); err != nil || opts.dataDir != def || opts.chosen {
		t.Errorf("after going back, the next start uses %+v, %v", opts, err)
	}
}

// bytesSink swallows the flag package's usage text.
type bytesSink struct{}

func (bytesSink) Write(p []byte) (int, error) { return len(p), nil }
