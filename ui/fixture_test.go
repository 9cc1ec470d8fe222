package ui

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"intiqa/localdb"
	"intiqa/localdb/demo"
	"intiqa/selection"
	"intiqa/selection/office"
)

// smallProvince has few applicants, to keep the tests quick.
const smallProvince = "12.066"

// fixtures holds demonstration stores built once per test binary, by
// whether they hold the office's work in progress; each test works on a
// copy.
var fixtures struct {
	once [2]sync.Once
	dir  string
	path [2]string
	err  [2]error
}

// removeFixtures deletes the stores built for the tests.
func removeFixtures() {
	if fixtures.dir != "" {
		os.RemoveAll(fixtures.dir)
	}
}

// builtFixture builds (once) the demonstration store of the small
// province and returns its path.
func builtFixture(tb testing.TB, decisions bool) (string, localdb.Files) {
	tb.Helper()
	k := 0
	if decisions {
		k = 1
	}
	fixtures.once[k].Do(func() {
		if fixtures.dir == "" {
			fixtures.dir, fixtures.err[k] = os.MkdirTemp("", "intiqa-ui-test-")
		}
		if fixtures.err[k] != nil {
			return
		}
		fixtures.path[k] = filepath.Join(fixtures.dir, []string{"plain.db", "work.db"}[k])
		fixtures.err[k] = demo.Build(context.Background(), fixtures.path[k],
			localdb.Files{Dir: filepath.Join(fixtures.dir, "documents")},
			demo.Options{Province: smallProvince, Seed: 1, Decisions: decisions})
	})
	if fixtures.err[k] != nil {
		tb.Fatal(fixtures.err[k])
	}
	return fixtures.path[k], localdb.Files{Dir: filepath.Join(fixtures.dir, "documents")}
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// mustDataset opens a copy of the demonstration store, with a service
// on a settable clock.
func mustDataset(tb testing.TB, decisions bool) (*Dataset, *localdb.DB, *clock) {
	tb.Helper()
	src, files := builtFixture(tb, decisions)
	path := filepath.Join(tb.TempDir(), "demo.db")
	data, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	db, err := localdb.Open(context.Background(), path, localdb.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	c := &clock{now: time.Date(2024, 5, 25, 9, 0, 0, 0, time.UTC)}
	svc := office.New(db, files, office.Options{Now: c.Now, IdleLock: 10 * time.Minute})
	return &Dataset{Office: svc, Demo: true, DemoPassword: demo.Password}, db, c
}

// fakeBackend answers the shell with canned functions.
type fakeBackend struct {
	open     func(ctx context.Context, progress func(Progress)) (*Dataset, error)
	openDemo func(ctx context.Context, admin *selection.User, progress func(Progress)) (*Dataset, error)
	enroll   func(ctx context.Context, e Enrollment, admin *selection.User) (*Dataset, error)
	restore  func(ctx context.Context, path string) (*Dataset, error)
}

func (f *fakeBackend) RestoreNew(ctx context.Context, path string, _ func(Progress)) (
	*Dataset, error) {
	if f.restore == nil {
		return nil, ErrBadBackup
	}
	return f.restore(ctx, path)
}

func (f *fakeBackend) Open(ctx context.Context, p func(Progress)) (*Dataset, error) {
	return f.open(ctx, p)
}

func (f *fakeBackend) OpenDemo(ctx context.Context, admin *selection.User,
	p func(Progress)) (*Dataset, error) {
	return f.openDemo(ctx, admin, p)
}

func (f *fakeBackend) Enroll(ctx context.Context, e Enrollment, admin *selection.User,
	_ func(Progress)) (*Dataset, error) {
	if f.enroll == nil {
		return nil, ErrEnrollUnavailable
	}
	return f.enroll(ctx, e, admin)
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

// harness runs a shell in a test window and records the screens it
// shows.
type harness struct {
	shell *Shell
	win   fyne.Window
	log   *syncBuffer
	shown []string
}

func mustHarness(tb testing.TB, b Backend) *harness {
	tb.Helper()
	test.NewTempApp(tb)
	SetLanguage(LangFrench)
	tb.Cleanup(func() { SetLanguage(LangFrench) })
	h := &harness{win: test.NewWindow(nil), log: &syncBuffer{}}
	h.win.Resize(fyne.NewSize(1200, 720))
	tb.Cleanup(h.win.Close)
	h.shell = NewShell(h.win, b, slog.New(slog.NewTextHandler(h.log, nil)))
	h.shell.shown = func(name string) { h.shown = append(h.shown, name) }
	return h
}

// mustSignedIn returns a harness over a demonstration store, signed in
// as a demonstration account.
func mustSignedIn(tb testing.TB, user string, decisions bool) (*harness, *Dataset, *localdb.DB, *clock) {
	tb.Helper()
	ds, db, c := mustDataset(tb, decisions)
	h := mustHarness(tb, &fakeBackend{open: func(context.Context, func(Progress)) (*Dataset, error) {
		return ds, nil
	}})
	h.shell.Start(context.Background(), false)
	h.mustShow(tb, "signin")
	if err := h.shell.Command("signin " + user + " " + demo.Password); err != nil {
		tb.Fatal(err)
	}
	if ds.Office.User() == nil {
		tb.Fatalf("%s not signed in:\n%s", user, h.log)
	}
	return h, ds, db, c
}

// mustSyncScreen signs a supervisor in over a demonstration store whose
// sync client is s, and opens the sync screen.
func mustSyncScreen(tb testing.TB, s Syncer) (*harness, *syncScreen) {
	tb.Helper()
	h, ds, _, _ := mustSignedIn(tb, "superviseur", false)
	ds.Sync = s
	// Signing in again builds the screens over the new client.
	h.shell.signOut()
	if err := h.shell.Command("signin superviseur " + demo.Password); err != nil {
		tb.Fatal(err)
	}
	h.shell.frame.open("sync")
	return h, h.shell.frame.active.(*syncScreen)
}

// mustShow fails unless the last screen shown is want.
func (h *harness) mustShow(tb testing.TB, want string) {
	tb.Helper()
	if len(h.shown) == 0 || h.shown[len(h.shown)-1] != want {
		tb.Fatalf("screens shown %v; want %q last\nlog:\n%s", h.shown, want, h.log)
	}
}

// mustHaveShown fails unless a screen was shown at some point: screens
// that load in the background report being ready before being shown
// when tests run the loading at once.
func (h *harness) mustHaveShown(tb testing.TB, want string) {
	tb.Helper()
	for _, s := range h.shown {
		if s == want {
			return
		}
	}
	tb.Fatalf("screens shown %v; want %q among them", h.shown, want)
}

// button finds an enabled button whose text contains text.
func (h *harness) button(tb testing.TB, text string) *widget.Button {
	tb.Helper()
	if b := findButton(h.win.Canvas(), text); b != nil {
		return b
	}
	tb.Fatalf("no button %q on the window:\n%s", text, h.markup())
	return nil
}

// markup renders the window as Fyne's test markup.
func (h *harness) markup() string { return test.RenderToMarkup(h.win.Canvas()) }

// shows reports whether the window shows text.
func (h *harness) shows(text string) bool {
	return strings.Contains(h.markup(), escapeMarkup(text))
}

// escapeMarkup escapes text as the markup does.
func escapeMarkup(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;",
		"'", "&#39;").Replace(s)
}

// typeKey types a key on the window, as the keyboard would with no
// widget focused.
func (h *harness) typeKey(name fyne.KeyName) {
	if fn := h.win.Canvas().OnTypedKey(); fn != nil {
		fn(&fyne.KeyEvent{Name: name})
	}
}

// mustTamper rewrites an audit entry behind the store's back, as someone
// with the file and a SQLite shell could.
func mustTamper(tb testing.TB, db *localdb.DB) {
	tb.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path())
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	_, err = raw.Exec(`DROP TRIGGER audit_log_no_update;
		UPDATE audit_log SET actor = 'quelqu''un' WHERE seq = 2`)
	if err != nil {
		tb.Fatal(err)
	}
}
