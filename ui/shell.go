package ui

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"intiqa/selection"
)

// Log attribute keys of the desktop app.
const (
	keyScreen   = "screen"
	keyProvince = "province"
	keyRows     = "rows"
	keyErr      = "err"
	keyUser     = "user"
	keyRole     = "role"
	keyLang     = "lang"
)

// idleCheck is how often the window looks whether the session went idle,
// and refreshes the sync status bar.
const idleCheck = 5 * time.Second

// Shell is the frame of the main window: it runs the backend's long
// operations off the UI goroutine, and leads the user from the first
// run or the sign-in to the screens their role opens, locking the
// window after inactivity.
type Shell struct {
	win     fyne.Window
	backend Backend
	log     *slog.Logger
	dataDir string // for the About box

	mu     sync.Mutex
	parent context.Context
	cancel context.CancelFunc

	ds       *Dataset
	sess     *session
	frame    *frame
	firstRun *firstRunScreen // while the first run shows
	signIn   *signInScreen   // while the sign-in shows
	about    *aboutBox       // the last About box shown
	locked   bool
	stop     chan struct{} // closes the idle watcher

	shown func(screen string) // called after each screen is shown; for tests
}

// NewShell returns the shell of win over a backend.
func NewShell(win fyne.Window, b Backend, log *slog.Logger) *Shell {
	return &Shell{win: win, backend: b, log: log, shown: func(string) {}, parent: context.Background()}
}

// Start opens this computer's store, or the demonstration when demo is
// true. It returns at once; ctx bounds every operation the shell runs.
// Call it on the UI goroutine.
func (s *Shell) Start(ctx context.Context, demo bool) {
	s.parent = ctx
	if demo {
		s.openDemo(nil)
		return
	}
	s.run(tr("Ouverture des données"), s.backend.Open)
}

// openDemo opens the demonstration store, creating it if needed with
// admin as its administrator.
func (s *Shell) openDemo(admin *selection.User) {
	s.run(tr("Préparation des données de démonstration"),
		func(ctx context.Context, p func(Progress)) (*Dataset, error) {
			return s.backend.OpenDemo(ctx, admin, p)
		})
}

// enroll enrolls the laptop with headquarters.
func (s *Shell) enroll(e Enrollment, admin *selection.User) {
	s.run(tr("Inscription auprès du siège"),
		func(ctx context.Context, p func(Progress)) (*Dataset, error) {
			return s.backend.Enroll(ctx, e, admin, p)
		})
}

// restoreNew fills this computer from a backup archive.
func (s *Shell) restoreNew(path string) {
	s.run(tr("Restauration d'une sauvegarde"),
		func(ctx context.Context, p func(Progress)) (*Dataset, error) {
			return s.backend.RestoreNew(ctx, path, p)
		})
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
	goAsync(func() {
		defer cancel()
		ds, err := op(ctx, report.report)
		fyne.Do(func() { s.finish(ctx, ds, err, title, op) })
	})
}

// finish shows what an operation ended with. Call it on the UI goroutine.
func (s *Shell) finish(ctx context.Context, ds *Dataset, err error, title string,
	retry func(context.Context, func(Progress)) (*Dataset, error)) {
	switch {
	case errors.Is(err, ErrNoStore), err != nil && ctx.Err() != nil:
		s.showFirstRun(nil)
	case errors.Is(err, ErrEnrollUnavailable), errors.Is(err, ErrBadBackup),
		errors.Is(err, ErrBackupMismatch), errors.Is(err, ErrStorePresent):
		s.showFirstRun(err)
	case err != nil:
		s.log.Error("open data", keyErr, err)
		onRetry := func() { s.run(title, retry) }
		es := newErrorScreen(onRetry)
		if errors.Is(err, ErrDataDirMissing) {
			es.text = userMessage(err)
		}
		s.show("error", es.build())
	default:
		s.opened(ds)
	}
}

// showFirstRun shows the first run: creating the administrator, then
// enrolling or opening the demonstration; err, if any, is why the last
// attempt failed.
func (s *Shell) showFirstRun(err error) {
	fr := newFirstRunScreen(s)
	if s.firstRun != nil {
		fr.admin = s.firstRun.admin // the administrator typed before is kept
	}
	s.firstRun = fr
	s.show("welcome", fr.build())
	if fr.admin != nil {
		fr.onAdminReady()
	}
	if err != nil {
		fr.showProblem(userMessage(err))
	}
}

// opened takes a freshly opened store: it asks for the administrator
// when the store has no account, else for a sign-in.
func (s *Shell) opened(ds *Dataset) {
	s.ds = ds
	s.sess = &session{ctx: s.parent, win: s.win, svc: ds.Office, ds: ds, log: s.log, shell: s}
	async(func() (bool, error) { return ds.Office.NeedsAdmin(s.parent) }, func(need bool, err error) {
		switch {
		case err != nil:
			s.log.Error("read accounts", keyErr, err)
			s.show("error", newErrorScreen(func() { s.opened(ds) }).build())
		case need:
			s.showAdminSetup()
		default:
			s.showSignIn()
		}
	})
}

// showAdminSetup asks for the local administrator of a store that has
// no account.
func (s *Shell) showAdminSetup() {
	fr := newFirstRunScreen(s)
	fr.storeOpen = true
	s.show("admin-setup", fr.build())
}

// showSignIn shows the sign-in screen.
func (s *Shell) showSignIn() {
	s.stopIdleWatch()
	s.frame, s.locked = nil, false
	si := newSignInScreen(s)
	s.signIn = si
	s.showFocused("signin", si.build(), si.login)
}

// signedIn opens the window's screens for the signed-in user.
func (s *Shell) signedIn() {
	u := s.ds.Office.User()
	s.log.Info("signed in", keyUser, u.Name, keyRole, u.Role)
	s.frame, s.locked = newFrame(s.sess), false
	s.showFrame("")
	s.startIdleWatch()
}

// showFrame shows the frame of screens, on a named screen or the
// first the role opens.
func (s *Shell) showFrame(screen string) {
	// The window manager lays the title out itself: it gets logical text.
	s.win.SetTitle(trRaw("Intiqa — {{.Name}}", map[string]any{"Name": s.frame.province.NameFR}))
	content := s.frame.build()
	s.win.SetContent(content)
	s.frame.open(screen)
}

// signOut closes the session and shows the sign-in screen.
func (s *Shell) signOut() {
	s.ds.Office.SignOut()
	s.showSignIn()
}

// relabel rebuilds the window in the language just chosen, on the same
// screen.
func (s *Shell) relabel() {
	s.log.Info("language", keyLang, Language())
	if s.frame == nil || s.locked {
		if s.ds != nil && s.ds.Office.User() == nil {
			s.showSignIn()
		}
		return
	}
	current := s.frame.current
	s.frame = newFrame(s.sess)
	s.showFrame(current)
}

// lock covers the window until the user types their password again.
// The service refuses every action meanwhile.
func (s *Shell) lock() {
	if s.locked || s.frame == nil {
		return
	}
	s.ds.Office.Lock()
	s.locked = true
	ls := newLockScreen(s)
	s.showFocused("locked", ls.build(), ls.password)
}

// unlocked puts the screens back as they were.
func (s *Shell) unlocked() {
	s.locked = false
	s.win.SetContent(s.frame.root)
	s.log.Info("screen shown", keyScreen, s.frame.current)
	s.shown(s.frame.current)
}

// checkIdle locks the window when the service reports the session idle
// for too long, and otherwise refreshes the sync status bar.
func (s *Shell) checkIdle() {
	if s.frame == nil || s.locked {
		return
	}
	if s.ds.Office.Locked() {
		s.lock()
		return
	}
	s.frame.status.refresh()
}

// watchIdle turns the idle watcher's goroutine on; tests turn it off
// and call checkIdle themselves.
var watchIdle = true

// startIdleWatch checks for inactivity every idleCheck.
func (s *Shell) startIdleWatch() {
	s.stopIdleWatch()
	if !watchIdle {
		return
	}
	stop := make(chan struct{})
	s.stop = stop
	go func() {
		t := time.NewTicker(idleCheck)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-s.parent.Done():
				return
			case <-t.C:
				fyne.Do(s.checkIdle)
			}
		}
	}()
}

func (s *Shell) stopIdleWatch() {
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
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
	s.screenShown(name, attrs...)
}

// screenShown logs that a screen is on the window.
func (s *Shell) screenShown(name string, attrs ...any) {
	s.log.Info("screen shown", append([]any{keyScreen, name}, attrs...)...)
	s.shown(name)
}

// SetDataDir tells the shell which data folder is in use, for the About
// box.
func (s *Shell) SetDataDir(dir string) { s.dataDir = dir }

// showAbout opens the About box over the window.
func (s *Shell) showAbout() {
	s.about = newAboutBox(s.dataDir)
	s.about.show(s.win)
	s.screenShown("about")
}

// reopen opens the data again once a restore replaced the store: the
// session ends and everybody signs in again, with the restored accounts.
func (s *Shell) reopen() {
	s.stopIdleWatch()
	demo := s.ds != nil && s.ds.Demo
	s.frame, s.locked, s.ds, s.sess = nil, false, nil, nil
	if demo {
		s.openDemo(nil)
		return
	}
	s.run(tr("Ouverture des données"), s.backend.Open)
}
