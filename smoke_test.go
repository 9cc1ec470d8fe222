package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"intiqa/assets"
	"intiqa/localdb/backupzip"
)

// The smoke test builds the real desktop binary, runs it in a real X
// server (Xvfb, started by the test) and takes screenshots of its window:
// first the welcome screen of an empty data directory, then a tour of
// every screen of the demonstration, driven through the app's script
// commands (--script), in French and then in Arabic, with a backup taken
// from the window, restored from it, and checked afterwards. It needs Xvfb and
// ImageMagick's import; where they are missing it is skipped, except in
// CI (CI set), where it fails.

// screenSize is the virtual screen, a common laptop size.
const screenSize = "1280x800x24"

// tourStep is one step of the tour: a command for the app, the log line
// that tells it is done, and the screenshot to take then ("" for none).
type tourStep struct {
	command string
	want    string
	shot    string
}

// tour visits every screen of the demonstration as each role sees it.
var tour = []tourStep{
	{"", `screen=signin`, "signin"},
	{"signin superviseur demo-intiqa", `screen=dashboard-ready`, "dashboard"},
	{"open applicants", `screen=applicants-ready`, ""},
	{"select 3", `screen=applicant-detail`, "applicants"},
	{"open review", `screen=review`, "review"},
	{"key A", `command=key`, ""},
	{"key R", `command=key`, "review-reject"},
	{"key 3", `command=key`, ""},
	{"open interviews", `screen=session`, "interviews"},
	{"open selection", `screen=selection-ready`, ""},
	{"click Prévisualiser", `screen=selection-preview`, "selection-preview"},
	{"click Valider et enregistrer", `command=click`, ""},
	{"click Valider", `screen=selection-lists`, "selection-lists"},
	{"click Désistement", `command=click`, ""},
	{"fill Raisons familiales", `command=fill`, ""},
	{"click Enregistrer", `screen=selection-lists`, "withdrawal"},
	{"click OK", `command=click`, ""},
	{"open reports", `screen=reports`, "reports"},
	{"open sync", `screen=sync`, "sync"},
	{"lock", `screen=locked`, "locked"},
	{"signin jury3 demo-intiqa", `screen=session`, ""},
	{"click Noter", `screen=sheet`, "score-sheet"},
	{"signin administrateur demo-intiqa", `screen=dashboard-ready`, ""},
	{"open users", `screen=users`, "users"},
	{"open audit", `screen=audit`, "audit"},
	{"about", `screen=about`, "about"},
	{"dismiss", `command=dismiss`, ""},
	{"open backup", `screen=backup`, "backup"},
	{"backup {{.Archive}}", `msg="backup written"`, "backup-done"},
	{"click OK", `command=click`, ""},
	{"restore {{.Archive}}", `command=restore`, "restore-confirm"},
	{"click Restaurer", `screen=signin`, "restored"},
	{"click OK", `command=click`, ""},
	{"signin administrateur demo-intiqa", `screen=dashboard-ready`, ""},
	{"open backup", `screen=backup`, ""},
	{"lang ar", `screen=backup`, "ar-backup"},
	{"about", `screen=about`, "ar-about"},
	{"dismiss", `command=dismiss`, ""},
	{"open audit", `screen=audit`, "ar-audit"},
	{"signin superviseur demo-intiqa", `screen=dashboard-ready`, "ar-dashboard"},
	{"open applicants", `screen=applicants-ready`, ""},
	{"select 3", `screen=applicant-detail`, "ar-applicants"},
	{"open review", `screen=review`, "ar-review"},
	{"open interviews", `screen=session`, "ar-interviews"},
	{"open selection", `screen=selection-lists`, "ar-selection"},
	{"signout", `screen=signin`, "ar-signin"},
}

func TestDesktopSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the desktop app and runs it under Xvfb")
	}
	requireTools(t, "Xvfb", "import")
	bin := buildDesktop(t)
	display := startXvfb(t)

	t.Run("Welcome", func(t *testing.T) {
		app := startDesktop(t, bin, display, t.TempDir())
		app.waitFor(t, `msg="screen shown" screen=welcome`, time.Minute)
		img := captureDrawn(t, display, 0.01)
		saveArtifact(t, img, "desktop-welcome.png")
		app.stop(t)
	})
	t.Run("DemoTour", func(t *testing.T) {
		data := t.TempDir()
		app := startDesktop(t, bin, display, data, "--demo", "--script")
		archive := filepath.Join(t.TempDir(), "sauvegarde.zip")
		for _, step := range tour {
			if step.command != "" {
				app.send(t, strings.ReplaceAll(step.command, "{{.Archive}}", archive))
			}
			line := app.waitFor(t, step.want, 3*time.Minute)
			if strings.Contains(step.want, "applicants-ready") {
				if rows := intAttr(line, "rows"); rows < 1000 {
					t.Errorf("the demonstration lists %d applicants: %s", rows, line)
				}
			}
			if step.shot != "" {
				img := captureDrawn(t, display, 0.02)
				saveArtifact(t, img, "desktop-"+step.shot+".png")
				// The window keeps its size (1200 x 720, 84% of the
				// screen): a screen whose content is too wide grows it.
				if st := statsOf(img); st.window > 0.86 {
					t.Errorf("%s: the window grew to %.0f%% of the screen", step.shot, 100*st.window)
				}
			}
		}
		app.stop(t)

		// The backup taken from the window, while the app ran, is sound.
		m, err := backupzip.Check(context.Background(), archive, t.TempDir(), nil)
		if err != nil {
			t.Fatalf("the backup taken from the window: %v", err)
		}
		if m.Kind != kindDemo || len(m.Documents) == 0 || len(m.Missing) > 0 {
			t.Errorf("the backup taken from the window: kind %q, %d document files, %d missing",
				m.Kind, len(m.Documents), len(m.Missing))
		}
		// It was restored from the window: the replaced store is kept.
		if kept, _ := filepath.Glob(filepath.Join(data, demoFile+".before-restore-*")); len(kept) != 1 {
			t.Errorf("stores kept by the restore: %v", kept)
		}
	})
	t.Run("Version", func(t *testing.T) {
		out, err := exec.Command(bin, "--version").Output()
		if err != nil || !strings.HasPrefix(string(out), "intiqa "+assets.Version+" ") {
			t.Errorf("intiqa --version: %q, %v", out, err)
		}
	})
}

// requireTools skips the test when a program is missing, or fails it in
// CI, where every check must run.
func requireTools(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI (scripts/setup.sh installs it): %v", name, err)
			}
			t.Skipf("%s not installed (scripts/setup.sh installs it)", name)
		}
	}
}

// buildDesktop builds the desktop binary once for the whole test.
func buildDesktop(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not on PATH: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "intiqa")
	start := time.Now()
	cmd := exec.Command(gobin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built the desktop app in %s", time.Since(start).Round(time.Second))
	return bin
}

// startXvfb starts a virtual X server on a free display and returns the
// display's name, e.g. ":1".
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var stderr bytes.Buffer
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", screenSize,
		"-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	// Xvfb writes the display number when it is ready for clients.
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatalf("Xvfb exited: %s", stderr.String())
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb not ready after 30s: %s", stderr.String())
	}
	return ""
}

// desktop is a running desktop app whose log the test reads.
type desktop struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string // the app's log lines, closed when it exits
	mu    sync.Mutex
	log   []string
}

// startDesktop starts the app on display with a data directory, a home
// of its own and no language set, where Intiqa must show French.
func startDesktop(t *testing.T, bin, display, dataDir string, args ...string) *desktop {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, append([]string{"--data", dataDir}, args...)...)
	cmd.Env = append(cleanEnv(), "DISPLAY="+display, "HOME="+home)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start desktop app: %v", err)
	}
	d := &desktop{cmd: cmd, lines: make(chan string, 256), stdin: stdin}
	go d.read(stderr)
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return d
}

// cleanEnv is the test's environment without what would change the
// app's display, language or home.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "DISPLAY", k == "WAYLAND_DISPLAY", k == "HOME", k == "LANGUAGE",
			strings.HasPrefix(k, "LC_"), k == "LANG", strings.HasPrefix(k, "XDG_"):
			continue
		}
		out = append(out, kv)
	}
	return out
}

func (d *desktop) read(r io.Reader) {
	s := bufio.NewScanner(r)
	for s.Scan() {
		d.mu.Lock()
		d.log = append(d.log, s.Text())
		d.mu.Unlock()
		d.lines <- s.Text()
	}
	close(d.lines)
}

// send writes a script command to the app.
func (d *desktop) send(t *testing.T, command string) {
	t.Helper()
	if _, err := io.WriteString(d.stdin, command+"\n"); err != nil {
		t.Fatalf("send %q: %v", command, err)
	}
}

func (d *desktop) output() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.log, "\n")
}

// waitFor waits for a log line containing want, failing on an error
// line, a data race, the app's exit or the timeout.
func (d *desktop) waitFor(t *testing.T, want string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case line, ok := <-d.lines:
			if !ok {
				t.Fatalf("the app exited before %q:\n%s", want, d.output())
			}
			if strings.Contains(line, "level=ERROR") || strings.Contains(line, "DATA RACE") {
				t.Fatalf("the app reported an error:\n%s", d.output())
			}
			if strings.Contains(line, want) {
				return line
			}
		case <-deadline:
			t.Fatalf("no %q after %s:\n%s", want, timeout, d.output())
		}
	}
}

// stop ends the app and checks that it logged no error on the way.
func (d *desktop) stop(t *testing.T) {
	t.Helper()
	_ = d.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() {
		for range d.lines {
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = d.cmd.Process.Kill()
	}
	if out := d.output(); strings.Contains(out, "level=ERROR") || strings.Contains(out, "DATA RACE") {
		t.Errorf("the app reported an error:\n%s", out)
	}
}

func intAttr(line, key string) int {
	m := regexp.MustCompile(`\b` + key + `=(\d+)`).FindStringSubmatch(line)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// captureDrawn takes screenshots of the whole screen until one shows a
// drawn window with at least the given share of it off the background:
// the first frame may not be painted when the log line comes.
func captureDrawn(t *testing.T, display string, minForeground float64) image.Image {
	t.Helper()
	var last screenStats
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		time.Sleep(time.Second)
		img := capture(t, display)
		last = statsOf(img)
		if last.drawn() && last.foreground >= minForeground {
			t.Logf("screenshot: %s", last)
			return img
		}
	}
	t.Fatalf("the window is not drawn as expected: %s", last)
	return nil
}

func capture(t *testing.T, display string) image.Image {
	t.Helper()
	cmd := exec.Command("import", "-display", display, "-window", "root", "png:-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("import: %v: %s", err, stderr.String())
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	return img
}

// screenStats sums up a screenshot. The screen is black where no window
// is, so the window is what is not pure black: how much of the screen it
// covers, how many colours it has, and what share of it differs from its
// most common colour, the background.
type screenStats struct {
	window     float64 // share of the screen
	colours    int
	foreground float64 // share of the window
}

func (s screenStats) String() string {
	return fmt.Sprintf("window on %.0f%% of the screen, %d colours, %.1f%% of it off the background",
		100*s.window, s.colours, 100*s.foreground)
}

// drawn tells a painted window from an empty or black one: text drawn
// with anti-aliasing brings many shades.
func (s screenStats) drawn() bool {
	return s.window >= 0.5 && s.colours >= 64
}

func statsOf(img image.Image) screenStats {
	black := color.RGBA{A: 0xff}
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}
			if c != black {
				counts[c]++
			}
		}
	}
	area, top := 0, 0
	for _, n := range counts {
		area += n
		top = max(top, n)
	}
	s := screenStats{window: float64(area) / float64(b.Dx()*b.Dy()), colours: len(counts)}
	if area > 0 {
		s.foreground = float64(area-top) / float64(area)
	}
	return s
}

// saveArtifact writes a screenshot to $INTIQA_SCREENSHOT_DIR, by default
// the git-ignored folder screenshots/, for people and CI to look at.
func saveArtifact(t *testing.T, img image.Image, name string) {
	t.Helper()
	dir := os.Getenv("INTIQA_SCREENSHOT_DIR")
	if dir == "" {
		dir = "screenshots"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot saved to %s", path)
}
