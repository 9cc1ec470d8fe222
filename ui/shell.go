package ui

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// Log attribute keys of the desktop app.
const (
	keyScreen   = "screen"
	keyProvince = "province"
	keyRows     = "rows"
	keyErr      = "err"
)

// ErrNoStore is returned by Backend.Open when this computer holds no
// store yet.
var ErrNoStore = errors.New("no store on this computer")

// Dataset is what the window shows once loaded: one province's
// applicants, and whether they are demonstration data.
type Dataset struct {
	Applicants *ApplicantsModel
	Demo       bool
}

// Backend is what the window asks of the rest of the program; the main
// package wires it to the SQLite store. Both methods run on a background
// goroutine, report their progress through the callback, and stop early
// with ctx's error when ctx is cancelled.
type Backend interface {
	// Open loads the store of this computer, or returns ErrNoStore.
	Open(ctx context.Context, progress func(Progress)) (*Dataset, error)
	// OpenDemo loads the demonstration store, creating it first if
	// needed.
	OpenDemo(ctx context.Context, progress func(Progress)) (*Dataset, error)
}

// Shell is the frame of the main window: it runs the backend's long
// operations off the UI goroutine and shows, in turn, their progress,
// the welcome screen, an error, or the applicants screen.
type Shell struct {
	win     fyne.Window
	backend Backend
	log     *slog.Logger

	mu     sync.Mutex
	parent context.Context
	cancel context.CancelFunc

	shown func(screen string) // called after each screen is shown; for tests
}

// NewShell returns the shell of win over a backend.
func NewShell(win fyne.Window, b Backend, log *slog.Logger) *Shell {
	return &Shell{win: win, backend: b, log: log, shown: func(string) {}}
}

// Start opens this computer's store, or the demonstration when demo is
// true. It returns at once; ctx bounds every operation the shell runs.
// Call it on the UI goroutine.
func (s *Shell) Start(ctx context.Context, demo bool) {
	s.parent = ctx
	if demo {
		s.onOpenDemo()
		return
	}
	s.run(lang.L("Ouverture des données"), s.backend.Open)
}

// onOpenDemo opens the demonstration store, creating it if needed.
func (s *Shell) onOpenDemo() {
	s.run(lang.L("Préparation des données de démonstration"), s.backend.OpenDemo)
}

// onCancel stops the operation in progress.
func (s *Shell) onCancel() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

// run shows the progress screen and runs op on a goroutine, then shows
// its outcome.
func (s *Shell) run(title string, op func(context.Context, func(Progress)) (*Dataset, error)) {
	ctx, cancel := context.WithCancel(s.parent)
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()

	progress := newProgressScreen(title, s.onCancel)
	s.show("progress", progress.build())
	report := newThrottle(progress.update)
	go func() {
		defer cancel()
		ds, err := op(ctx, report.report)
		fyne.Do(func() { s.finish(ctx, ds, err, op) })
	}()
}

// finish shows what an operation ended with. Call it on the UI goroutine.
func (s *Shell) finish(ctx context.Context, ds *Dataset, err error,
	retry func(context.Context, func(Progress)) (*Dataset, error)) {
	switch {
	case errors.Is(err, ErrNoStore), err != nil && ctx.Err() != nil:
		s.show("welcome", newWelcomeScreen(s.onOpenDemo).build())
	case err != nil:
		s.log.Error("open data", keyErr, err)
		onRetry := func() { s.run(lang.L("Ouverture des données"), retry) }
		s.show("error", newErrorScreen(onRetry).build())
	default:
		s.showDataset(ds)
	}
}

// showDataset shows the applicants screen over a loaded dataset.
func (s *Shell) showDataset(ds *Dataset) {
	m := ds.Applicants
	s.win.SetTitle(lang.L("Intiqa — {{.Name}}", map[string]string{"Name": m.Province.NameFR}))
	screen := newApplicantsScreen(m, ds.Demo)
	s.showFocused("applicants", screen.build(), screen.search,
		keyProvince, m.Province.Code, keyRows, m.Total())
}

// show puts a screen in the window and logs it, with attrs: the smoke
// test waits for these lines.
func (s *Shell) show(name string, content fyne.CanvasObject, attrs ...any) {
	s.showFocused(name, content, nil, attrs...)
}

// showFocused shows a screen as show does, with focus on one of its
// widgets (none if focus is nil) before it reports the screen shown.
func (s *Shell) showFocused(name string, content fyne.CanvasObject, focus fyne.Focusable,
	attrs ...any) {
	s.win.SetContent(content)
	if focus != nil {
		s.win.Canvas().Focus(focus)
	}
	s.log.Info("screen shown", append([]any{keyScreen, name}, attrs...)...)
	s.shown(name)
}
