package office_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/localdb/demo"
	"intiqa/selection"
	"intiqa/selection/office"
)

// smallProvince has few applicants, to keep the tests quick.
const smallProvince = "12.066"

// fixture is a demonstration store of the small province, copied per
// test from one built once.
type fixture struct {
	db    *localdb.DB
	files localdb.Files
	svc   *office.Service
	clock *clock
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

// mustFixture builds a demonstration store, with or without the office's
// work in progress, and a service over it.
func mustFixture(tb testing.TB, decisions bool) *fixture {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	files := localdb.Files{Dir: filepath.Join(dir, "documents")}
	path := filepath.Join(dir, "demo.db")
	admin, err := office.NewAccount("admin", "Admin", selection.UserAdmin, "admin-password",
		time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	err = demo.Build(ctx, path, files, demo.Options{Province: smallProvince, Seed: 1,
		Admin: admin, Decisions: decisions})
	if err != nil {
		tb.Fatal(err)
	}
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	c := &clock{now: time.Date(2024, 5, 20, 9, 0, 0, 0, time.UTC)}
	svc := office.New(db, files, office.Options{Now: c.Now, IdleLock: 5 * time.Minute})
	return &fixture{db: db, files: files, svc: svc, clock: c}
}

// signIn signs a demonstration account in.
func (f *fixture) signIn(tb testing.TB, name string) {
	tb.Helper()
	password := demo.Password
	if name == "admin" {
		password = "admin-password"
	}
	if _, err := f.svc.SignIn(context.Background(), name, password); err != nil {
		tb.Fatalf("sign in %s: %v", name, err)
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := office.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; h[:len(want)] != want {
		t.Errorf("hash %q lacks the OWASP argon2id parameters", h)
	}
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"OK", "correct horse battery", true},
		{"Wrong", "correct horse batterY", false},
		{"Empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := office.VerifyPassword(h, tt.password)
			if err != nil || got != tt.want {
				t.Errorf("VerifyPassword(%q) = %v, %v; want %v", tt.password, got, err, tt.want)
			}
		})
	}
	h2, _ := office.HashPassword("correct horse battery")
	if h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if _, err := office.VerifyPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Error("a bcrypt hash was accepted")
	}
}

func TestNewAccount(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name, login, password string
		role                  selection.UserRole
		want                  error
	}{
		{"OK", "samira.a", "long enough pass", selection.UserSupervisor, nil},
		{"ErrWeakPassword", "samira", "short", selection.UserSupervisor, office.ErrWeakPassword},
		{"ErrLoginSpaces", "sam ira", "long enough pass", selection.UserPanel, office.ErrInvalid},
		{"ErrLoginUpper", "Samira", "long enough pass", selection.UserPanel, office.ErrInvalid},
		{"ErrRoleHQ", "samira", "long enough pass", selection.UserHQ, office.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := office.NewAccount(tt.login, "", tt.role, tt.password, now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("NewAccount = %v; want %v", err, tt.want)
			}
			if err == nil && (u.DisplayName != tt.login || u.PasswordHash == tt.password) {
				t.Errorf("account %+v", u)
			}
		})
	}
}

func TestSignIn(t *testing.T) {
	f := mustFixture(t, false)
	ctx := context.Background()
	tests := []struct {
		name, user, password string
		want                 error
	}{
		{"OK", "superviseur", demo.Password, nil},
		{"ErrWrongPassword", "superviseur", "not the password", office.ErrBadCredentials},
		{"ErrUnknownUser", "nobody", demo.Password, office.ErrBadCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := f.svc.SignIn(ctx, tt.user, tt.password)
			if !errors.Is(err, tt.want) {
				t.Fatalf("SignIn = %v; want %v", err, tt.want)
			}
			if err == nil && (u.Role != selection.UserSupervisor || u.PasswordHash == "") {
				t.Errorf("signed in as %+v", u)
			}
		})
	}
	entries, err := f.db.AuditLog(ctx, 1, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if last := entries[len(entries)-1]; last.Action != "user.sign_in" || last.Actor != "superviseur" {
		t.Errorf("last audit entry %s by %s; want the sign-in", last.Action, last.Actor)
	}
}

// TestRolesRefused checks that the core refuses, for each role, actions
// outside it, whatever the window shows.
func TestRolesRefused(t *testing.T) {
	f := mustFixture(t, true)
	ctx := context.Background()
	tests := []struct {
		user   string
		action string
		call   func() error
	}{
		{"jury1", "review", func() error { _, err := f.svc.ReviewQueue(ctx); return err }},
		{"jury1", "applicants", func() error { _, err := f.svc.CountApplicants(ctx); return err }},
		{"coordinateur", "review", func() error { _, err := f.svc.ReviewQueue(ctx); return err }},
		{"coordinateur", "final", func() error { _, err := f.svc.PreviewFinal(ctx, "s"); return err }},
		{"coordinateur", "withdraw", func() error { _, err := f.svc.Withdraw(ctx, "x", "r"); return err }},
		{"admin", "plan", func() error {
			_, err := f.svc.PlanSession(ctx, time.Now(), "Salle", []string{"jury1"})
			return err
		}},
		{"admin", "score", func() error {
			return f.svc.SaveSheet(ctx, "ses-demo-1", "x", nil, nil, false)
		}},
		{"superviseur", "score", func() error {
			return f.svc.SaveSheet(ctx, "ses-demo-1", "x", nil, nil, false)
		}},
		{"superviseur", "users", func() error {
			return f.svc.CreateUser(ctx, "new", "", selection.UserPanel, "long enough pass")
		}},
		{"jury1", "users", func() error { _, err := f.svc.Users(ctx); return err }},
		{"superviseur", "audit", func() error { _, err := f.svc.AuditTail(ctx, 10); return err }},
		{"coordinateur", "convoke", func() error { _, err := f.svc.Convoke(ctx, "ses-demo-1", 1); return err }},
		{"superviseur", "restore", authorize(f, office.ActRestore)},
		{"superviseur", "datadir", authorize(f, office.ActChooseDataDir)},
		{"coordinateur", "backup", authorize(f, office.ActBackup)},
		{"jury1", "backup", authorize(f, office.ActBackup)},
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.action, func(t *testing.T) {
			f.signIn(t, tt.user)
			if err := tt.call(); !errors.Is(err, office.ErrForbidden) {
				t.Errorf("%s by %s = %v; want ErrForbidden", tt.action, tt.user, err)
			}
		})
	}
	t.Run("SignedOut", func(t *testing.T) {
		f.svc.SignOut()
		if _, err := f.svc.Figures(ctx); !errors.Is(err, office.ErrSignedOut) {
			t.Errorf("Figures signed out = %v; want ErrSignedOut", err)
		}
	})
}

// authorize is a check of an action made by the parts beside the
// service (backups, the data folder), as a call for TestRolesRefused.
func authorize(f *fixture, a office.Action) func() error {
	return func() error { _, err := f.svc.Authorize(a); return err }
}

// TestLaptopRoles lets the administrator back up, restore and move the
// data folder, and the supervisor back up.
func TestLaptopRoles(t *testing.T) {
	f := mustFixture(t, false)
	for _, tt := range []struct {
		user    string
		actions []office.Action
	}{
		{"admin", []office.Action{office.ActBackup, office.ActRestore, office.ActChooseDataDir}},
		{"superviseur", []office.Action{office.ActBackup}},
	} {
		f.signIn(t, tt.user)
		for _, a := range tt.actions {
			if u, err := f.svc.Authorize(a); err != nil || u.Name != tt.user {
				t.Errorf("%s by %s: %v", a, tt.user, err)
			}
		}
	}
}

func TestIdleLock(t *testing.T) {
	f := mustFixture(t, false)
	ctx := context.Background()
	f.signIn(t, "superviseur")
	f.clock.Add(4 * time.Minute)
	if _, err := f.svc.Figures(ctx); err != nil {
		t.Fatalf("Figures after 4 idle minutes: %v", err)
	}
	f.clock.Add(5 * time.Minute)
	if !f.svc.Locked() {
		t.Fatal("session not locked after 5 idle minutes")
	}
	if _, err := f.svc.Figures(ctx); !errors.Is(err, office.ErrSessionLocked) {
		t.Errorf("Figures when locked = %v; want ErrSessionLocked", err)
	}
	if err := f.svc.Unlock("wrong password"); !errors.Is(err, office.ErrBadCredentials) {
		t.Errorf("Unlock with a wrong password = %v", err)
	}
	if err := f.svc.Unlock(demo.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Figures(ctx); err != nil {
		t.Errorf("Figures after unlock: %v", err)
	}
}

func TestFirstAdmin(t *testing.T) {
	ctx := context.Background()
	db, err := localdb.Open(ctx, filepath.Join(t.TempDir(), "x.db"),
		localdb.Options{Scope: smallProvince})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := office.New(db, localdb.Files{}, office.Options{})
	if need, err := svc.NeedsAdmin(ctx); err != nil || !need {
		t.Fatalf("NeedsAdmin on an empty store = %v, %v", need, err)
	}
	sup, _ := office.NewAccount("samira", "", selection.UserSupervisor, "long enough pass", time.Now())
	if err := svc.CreateFirstAdmin(ctx, sup); !errors.Is(err, office.ErrInvalid) {
		t.Errorf("first account as supervisor = %v; want ErrInvalid", err)
	}
	admin, _ := office.NewAccount("admin", "", selection.UserAdmin, "long enough pass", time.Now())
	if err := svc.CreateFirstAdmin(ctx, admin); err != nil {
		t.Fatal(err)
	}
	if err := svc.CreateFirstAdmin(ctx, admin); !errors.Is(err, office.ErrExists) {
		t.Errorf("second first administrator = %v; want ErrExists", err)
	}
	if _, err := svc.SignIn(ctx, "admin", "long enough pass"); err != nil {
		t.Fatal(err)
	}
	if err := svc.CreateUser(ctx, "samira", "Samira", selection.UserSupervisor,
		"long enough pass"); err != nil {
		t.Errorf("administrator creating a supervisor: %v", err)
	}
}
