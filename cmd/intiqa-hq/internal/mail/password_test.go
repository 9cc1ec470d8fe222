package mail_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"intiqa/cmd/intiqa-hq/internal/mail"
)

func TestPasswordKey(t *testing.T) {
	k, path := mustKey(t)
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", info.Mode().Perm(), err)
	}

	t.Run("Stable", func(t *testing.T) {
		again, err := mail.LoadKey(path)
		if err != nil {
			t.Fatal(err)
		}
		group := `[A-HJ-NP-Za-km-z2-9]{4}`
		shape := regexp.MustCompile(`^` + group + `-` + group + `-` + group + `$`)
		seen := map[string]bool{}
		for _, id := range []string{"A0000001", "A0000002", "A0488321", ""} {
			pw := k.Password(id)
			if pw != again.Password(id) || !shape.MatchString(pw) ||
				!regexp.MustCompile(`[A-Z]`).MatchString(pw) ||
				!regexp.MustCompile(`[a-z]`).MatchString(pw) ||
				!regexp.MustCompile(`[2-9]`).MatchString(pw) {
				t.Errorf("password of %q: %q", id, pw)
			}
			if seen[pw] {
				t.Errorf("two applicants share %q", pw)
			}
			seen[pw] = true
		}
		other, _ := mustKey(t)
		if other.Password("A0000001") == k.Password("A0000001") {
			t.Error("two keys give the same password")
		}
	})
	t.Run("ErrKeyExists", func(t *testing.T) {
		if err := mail.CreateKey(path); !errors.Is(err, mail.ErrKeyExists) {
			t.Fatalf("replacing a key: %v", err)
		}
	})
	t.Run("ErrKeyExposed", func(t *testing.T) {
		if err := os.Chmod(path, 0o640); err != nil {
			t.Fatal(err)
		}
		if _, err := mail.LoadKey(path); !errors.Is(err, mail.ErrKeyExposed) {
			t.Fatalf("a key readable by its group: %v", err)
		}
	})
	t.Run("Garbled", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.key")
		if err := os.WriteFile(bad, []byte("not hex\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := mail.LoadKey(bad); err == nil {
			t.Fatal("a garbled key was loaded")
		}
	})
}

func TestHashPassword(t *testing.T) {
	p := mail.HashParams{Memory: 1024, Time: 1, Threads: 1}
	h, err := mail.HashPassword("Abcd-efgh-2345", p)
	if err != nil {
		t.Fatal(err)
	}
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=1024,t=1,p=1\$` +
		`[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h) {
		t.Fatalf("not a PHC argon2id string: %s", h)
	}
	if ok, err := mail.VerifyPassword(h, "Abcd-efgh-2345"); !ok || err != nil {
		t.Fatalf("the password does not verify: %v", err)
	}
	if ok, _ := mail.VerifyPassword(h, "Abcd-efgh-2346"); ok {
		t.Fatal("another password verifies")
	}
	if h2, _ := mail.HashPassword("Abcd-efgh-2345", p); h2 == h {
		t.Fatal("two hashes share a salt")
	}
}

// FuzzVerifyPassword feeds the PHC parser any string: it must answer, or
// refuse, without panicking, and accept only a hash of the password.
func FuzzVerifyPassword(f *testing.F) {
	params := mail.HashParams{Memory: 64, Time: 1, Threads: 1}
	good, err := mail.HashPassword("Abcd-efgh-2345", params)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, "", "$argon2id$v=19$m=64,t=1,p=1$$",
		"$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x,t=1,p=1$AA$AA",
		"$argon2id$v=19$m=64,t=1,p=1$!!$AA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, phc string) {
		if len(phc) > 200 || strings.Contains(phc, "m=") && !strings.Contains(phc, "m=64,") {
			t.Skip() // keep the memory cost of each try small
		}
		ok, err := mail.VerifyPassword(phc, "Abcd-efgh-2345")
		if ok && (err != nil || !strings.HasPrefix(phc, "$argon2id$")) {
			t.Fatalf("accepted %q (%v)", phc, err)
		}
	})
}
