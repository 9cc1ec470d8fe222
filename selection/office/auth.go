package office

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"intiqa/selection"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB of memory,
// two passes, one lane).
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// MinPasswordLength is the shortest password an account may have.
const MinPasswordLength = 10

// HashPassword returns the argon2id hash of a password in the PHC string
// format, with a random salt.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("draw salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory,
		argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errHashFormat is returned for a stored hash that is not argon2id PHC.
var errHashFormat = errors.New("password hash: not an argon2id PHC string")

// VerifyPassword reports whether password matches a hash made by
// HashPassword, with the parameters the hash records.
func VerifyPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errHashFormat
	}
	var version int
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errHashFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false, errHashFormat
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errHashFormat
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errHashFormat
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when a user is unknown, so that a wrong
// name takes as long as a wrong password.
var dummyHash = func() string {
	h, err := HashPassword("intiqa-dummy-password")
	if err != nil {
		panic(err)
	}
	return h
}()

// NewAccount checks and hashes a new account: a login of 2 to 32 lower
// case letters, digits, dots, hyphens or underscores, a laptop role and
// a password of at least MinPasswordLength characters.
func NewAccount(name, displayName string, role selection.UserRole,
	password string, now time.Time) (*selection.User, error) {
	name = strings.TrimSpace(name)
	if !validLogin(name) {
		return nil, fmt.Errorf("login %q: %w", name, ErrInvalid)
	}
	if !isLaptopRole(role) {
		return nil, fmt.Errorf("role %q: %w", role, ErrInvalid)
	}
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return nil, ErrWeakPassword
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	display := strings.TrimSpace(displayName)
	if display == "" {
		display = name
	}
	return &selection.User{Name: name, DisplayName: display, Role: role, PasswordHash: hash,
		CreatedAt: now.UTC()}, nil
}

func validLogin(name string) bool {
	if len(name) < 2 || len(name) > 32 {
		return false
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

func isLaptopRole(r selection.UserRole) bool {
	for _, x := range LaptopRoles {
		if x == r {
			return true
		}
	}
	return false
}

// NeedsAdmin reports whether the store has no account yet: the first
// run must create the local administrator.
func (s *Service) NeedsAdmin(ctx context.Context) (bool, error) {
	users, err := s.store.Users(ctx)
	if err != nil {
		return false, err
	}
	return len(users) == 0, nil
}

// CreateFirstAdmin creates the local administrator of a store that has
// no account yet; with any account present it returns ErrExists.
func (s *Service) CreateFirstAdmin(ctx context.Context, u *selection.User) error {
	need, err := s.NeedsAdmin(ctx)
	if err != nil {
		return err
	}
	if !need {
		return fmt.Errorf("first administrator: %w", ErrExists)
	}
	if u.Role != selection.UserAdmin {
		return fmt.Errorf("first account must be the administrator: %w", ErrInvalid)
	}
	return s.store.PutUser(ctx, "system", u)
}

// SignIn opens a session for a user whose password matches.
func (s *Service) SignIn(ctx context.Context, name, password string) (*selection.User, error) {
	u, err := s.store.User(ctx, strings.TrimSpace(name))
	switch {
	case errors.Is(err, selection.ErrNotFound):
		_, _ = VerifyPassword(dummyHash, password)
		return nil, ErrBadCredentials
	case err != nil:
		return nil, err
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("sign in %s: %w", u.Name, err)
	}
	if !ok || u.Disabled || !isLaptopRole(u.Role) {
		return nil, ErrBadCredentials
	}
	if err := s.store.RecordSignIn(ctx, u.Name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.locked, s.lastSeen = u, false, s.opts.Now()
	out := *u
	return &out, nil
}

// SignOut closes the session.
func (s *Service) SignOut() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.locked = nil, false
}

// User returns the signed-in user, or nil.
func (s *Service) User() *selection.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return nil
	}
	u := *s.user
	return &u
}

// Touch records activity that calls no action, such as scrolling or
// moving between screens; it does not reopen a locked session.
func (s *Service) Touch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.activeLocked() == nil {
		s.lastSeen = s.opts.Now()
	}
}

// Lock locks the session at once.
func (s *Service) Lock() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user != nil {
		s.locked = true
	}
}

// Locked reports whether the session is locked, locking it when it has
// been idle for longer than the limit.
func (s *Service) Locked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Is(s.activeLocked(), ErrSessionLocked)
}

// Unlock reopens a locked session with the signed-in user's password.
func (s *Service) Unlock(password string) error {
	s.mu.Lock()
	u := s.user
	s.mu.Unlock()
	if u == nil {
		return ErrSignedOut
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return err
	}
	if !ok {
		return ErrBadCredentials
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locked, s.lastSeen = false, s.opts.Now()
	return nil
}

// Users lists the laptop's accounts, for the administrator.
func (s *Service) Users(ctx context.Context) ([]selection.User, error) {
	if _, err := s.check(ActManageUsers); err != nil {
		return nil, err
	}
	users, err := s.store.Users(ctx)
	for i := range users {
		users[i].PasswordHash = ""
	}
	return users, err
}

// PanelMembers lists the accounts that may sit on an interview panel.
func (s *Service) PanelMembers(ctx context.Context) ([]selection.User, error) {
	if _, err := s.check(ActPlanInterviews); err != nil {
		return nil, err
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []selection.User
	for _, u := range users {
		if u.Role == selection.UserPanel && !u.Disabled {
			u.PasswordHash = ""
			out = append(out, u)
		}
	}
	return out, nil
}

// CreateUser adds an account; only the administrator may.
func (s *Service) CreateUser(ctx context.Context, name, displayName string,
	role selection.UserRole, password string) error {
	admin, err := s.check(ActManageUsers)
	if err != nil {
		return err
	}
	if _, err := s.store.User(ctx, strings.TrimSpace(name)); err == nil {
		return fmt.Errorf("user %s: %w", name, ErrExists)
	} else if !errors.Is(err, selection.ErrNotFound) {
		return err
	}
	u, err := NewAccount(name, displayName, role, password, s.opts.Now())
	if err != nil {
		return err
	}
	return s.store.PutUser(ctx, admin.Name, u)
}

// randomID returns 16 random bytes in hex.
func randomID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("office: no randomness: %v", err))
	}
	return hex.EncodeToString(b)
}
