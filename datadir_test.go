package main

import (
	"errors"
	"path/filepath"
	"testing"
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
	t.Setenv("XDG_DATA_HOME", "/xdg")
	tests := []struct {
		name    string
		args    []string
		want    options
		wantErr bool
	}{
		{"Defaults", nil, options{dataDir: "/xdg/intiqa"}, false},
		{"Demo", []string{"--demo", "--data", "/tmp/d"}, options{dataDir: "/tmp/d", demo: true}, false},
		{"StrayArgument", []string{"demo"}, options{}, true},
		{"UnknownFlag", []string{"--nope"}, options{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseArgs(tt.args, bytesSink{})
			if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
				t.Errorf("parseArgs(%q) = %+v, %v; want %+v (error %v)",
					tt.args, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// bytesSink swallows the flag package's usage text.
type bytesSink struct{}

func (bytesSink) Write(p []byte) (int, error) { return len(p), nil }
