package main

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestSystemdUnitMatchesFlags reads the sample unit and environment file
// of deploy/ and checks that the command line they make is one serve
// accepts, so that the samples keep up with the program.
func TestSystemdUnitMatchesFlags(t *testing.T) {
	env := readEnvFile(t, "deploy/intiqa-hq.env")
	unit, err := os.ReadFile("deploy/intiqa-hq.service")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(unit), "\\\n", " ")
	var exec string
	for line := range strings.SplitSeq(text, "\n") {
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			exec = v
		}
	}
	args := strings.Fields(os.Expand(exec, func(k string) string {
		v, ok := env[k]
		if !ok {
			t.Errorf("the unit uses ${%s}, which the environment file does not set", k)
		}
		return v
	}))
	if len(args) < 2 || args[0] != "/usr/local/bin/intiqa-hq" || args[1] != "serve" {
		t.Fatalf("ExecStart runs %q; want /usr/local/bin/intiqa-hq serve", args)
	}
	opts, err := parseServeFlags(args[2:], os.Stderr)
	if err != nil {
		t.Fatalf("serve refuses the unit's command line: %v", err)
	}
	if opts.db != env["INTIQA_DB"] || opts.cert == "" || opts.docs == "" {
		t.Errorf("options %+v", opts)
	}
}

// readEnvFile reads KEY=VALUE lines, skipping comments and blank lines.
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: line %q is not KEY=VALUE", path, line)
		}
		env[k] = v
	}
	return env
}
