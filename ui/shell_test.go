package ui

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fakeBackend answers the shell with canned functions.
type fakeBackend struct {
	open     func(ctx context.Context, progress func(Progress)) (*Dataset, error)
	openDemo func(ctx context.Context, progress func(Progress)) (*Dataset, error)
}

func (f *fakeBackend) Open(ctx context.Context, p func(Progress)) (*Dataset, error) {
	return f.open(ctx, p)
}

func (f *fakeBackend) OpenDemo(ctx context.Context, p func(Progress)) (*Dataset, error) {
	return f.openDemo(ctx, p)
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// shellHarness runs a shell in a test window and records the screens it
// shows.
type shellHarness struct {
	shell *Shell
	win   fyne.Window
	log   *syncBuffer
	shown chan string
}

func mustShell(tb testing.TB, b Backend) *shellHarness {
	tb.Helper()
	test.NewTempApp(tb)
	h := &shellHarness{win: test.NewWindow(nil), log: &syncBuffer{}, shown: make(chan string, 16)}
	h.win.Resize(fyne.NewSize(1200, 720))
	tb.Cleanup(h.win.Close)
	h.shell = NewShell(h.win, b, slog.New(slog.NewTextHandler(h.log, nil)))
	h.shell.shown = func(name string) { h.shown <- name }
	return h
}

// waitFor waits until the shell shows the named screen.
func (h *shellHarness) waitFor(tb testing.TB, want string) {
	tb.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case got := <-h.shown:
			if got == want {
				return
			}
		case <-timeout:
			tb.Fatalf("screen %q never shown", want)
		}
	}
}

// button finds the button labelled text on the window.
func (h *shellHarness) button(tb testing.TB, text string) *widget.Button {
	tb.Helper()
	for _, o := range test.LaidOutObjects(h.win.Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	tb.Fatalf("no button %q on the window", text)
	return nil
}

func (h *shellHarness) shows(text string) bool {
	return strings.Contains(test.RenderToMarkup(h.win.Canvas()), text)
}

func demoDataset(tb testing.TB) (*Dataset, error) {
	return &Dataset{Applicants: mustScreenModel(tb, 12), Demo: true}, nil
}

func TestShellNoStoreOffersDemo(t *testing.T) {
	var progressed bool
	h := mustShell(t, &fakeBackend{
		open: func(context.Context, func(Progress)) (*Dataset, error) { return nil, ErrNoStore },
		openDemo: func(_ context.Context, p func(Progress)) (*Dataset, error) {
			p(Progress{Step: StepImportApplicants, Done: 5, Total: 10})
			progressed = true
			return demoDataset(t)
		},
	})
	h.shell.Start(context.Background(), false)
	h.waitFor(t, "welcome")

	test.Tap(h.button(t, "Ouvrir la démonstration"))
	h.waitFor(t, "applicants")
	if !progressed || !h.shows("Données de démonstration") ||
		!h.shows("Province de Chtouka-Aït Baha") {
		t.Errorf("demonstration not shown after the welcome screen offered it")
	}
	if h.win.Title() != "Intiqa — Chtouka-Aït Baha" {
		t.Errorf("window title = %q", h.win.Title())
	}
	if !strings.Contains(h.log.String(), `msg="screen shown" screen=applicants province=09.163 rows=12`) {
		t.Errorf("log lacks the ready line:\n%s", h.log)
	}
}

func TestShellErrorThenRetry(t *testing.T) {
	calls := 0
	h := mustShell(t, &fakeBackend{
		open: func(context.Context, func(Progress)) (*Dataset, error) {
			calls++
			if calls == 1 {
				return nil, errors.New("open store: disk I/O error at /secret/path")
			}
			return demoDataset(t)
		},
	})
	h.shell.Start(context.Background(), false)
	h.waitFor(t, "error")
	if h.shows("disk I/O") {
		t.Error("the error screen shows the technical cause")
	}
	if !strings.Contains(h.log.String(), "disk I/O error") {
		t.Errorf("the log lacks the cause:\n%s", h.log)
	}

	test.Tap(h.button(t, "Réessayer"))
	h.waitFor(t, "applicants")
	if calls != 2 {
		t.Errorf("backend opened %d times; want 2", calls)
	}
}

func TestShellCancel(t *testing.T) {
	started := make(chan struct{})
	h := mustShell(t, &fakeBackend{
		openDemo: func(ctx context.Context, p func(Progress)) (*Dataset, error) {
			p(Progress{Step: StepGenerate})
			close(started)
			<-ctx.Done()
			return nil, ctx.Err()
		},
	})
	h.shell.Start(context.Background(), true)
	<-started
	test.Tap(h.button(t, "Annuler"))
	h.waitFor(t, "welcome")
}

func TestThrottle(t *testing.T) {
	test.NewTempApp(t)
	var got []Progress
	th := newThrottle(func(p Progress) { got = append(got, p) })
	for i := range 10_001 {
		th.report(Progress{Step: StepImportApplicants, Done: i, Total: 10_000})
	}
	th.report(Progress{Step: StepImportNeeds, Done: 1, Total: 10})
	// One update per thousandth (0 to 1000), then one for the new step.
	if len(got) != 1002 {
		t.Errorf("throttle forwarded %d updates; want 1002", len(got))
	}
	if last := got[len(got)-1]; last.Step != StepImportNeeds {
		t.Errorf("last update is %+v; want the needs step", last)
	}
}
