package mail

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Errors of the password key file.
var (
	// ErrKeyExists is returned when a key file is created where one
	// already is: replacing the key would change every password.
	ErrKeyExists = errors.New("key file already exists")
	// ErrKeyExposed is returned when a key file can be read by others
	// than its owner.
	ErrKeyExposed = errors.New("key file readable by others than its owner")
	// ErrKeyMissing is returned when a message needs a password and no
	// key was given.
	ErrKeyMissing = errors.New("no password key")
)

// keySize is the length of the secret key, in bytes.
const keySize = 32

// PasswordKey derives each applicant's initial password of the training
// platform. The password is never stored: it is derived again whenever
// the invitation is rendered, the same for the same key and applicant, so
// that a crash or a resend gives the same password, and only the key, a
// file held at headquarters, must be kept secret.
type PasswordKey struct {
	key []byte
}

// CreateKey writes a new random key to path, readable by its owner only.
// It refuses to replace an existing file.
func CreateKey(path string) error {
	var k [keySize]byte
	if _, err := rand.Read(k[:]); err != nil {
		return fmt.Errorf("draw key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create key %s: %w", path, ErrKeyExists)
	}
	if err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	_, err = f.WriteString(hex.EncodeToString(k[:]) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write key: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a new file's name durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder: %w", err)
	}
	return nil
}

// LoadKey reads a key file made by CreateKey. It refuses a file that its
// group or others may read.
func LoadKey(path string) (*PasswordKey, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key %s (mode %v): %w", path, info.Mode().Perm(), ErrKeyExposed)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	k, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(k) != keySize {
		return nil, fmt.Errorf("key %s: not %d bytes in hexadecimal", path, keySize)
	}
	return &PasswordKey{key: k}, nil
}

// passwordAlphabet leaves out the letters and digits that look alike
// (I, l, O, o, 0, 1): 56 symbols.
const passwordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"

// passwordLength is the number of symbols of a password, about 70 bits
// of entropy; they are written in groups of four.
const passwordLength = 12

// Password returns the applicant's initial password: 12 symbols drawn
// from an HMAC-SHA256 stream of the key over the applicant ID, with at
// least one capital, one small letter and one digit, written
// "Abcd-efgh-2345".
func (k *PasswordKey) Password(applicantID string) string {
	for round := 0; ; round++ {
		symbols := k.draw(applicantID, round)
		if hasEachClass(symbols) {
			return group(symbols)
		}
	}
}

// draw takes passwordLength symbols from the HMAC stream of a round,
// rejecting bytes that would bias the alphabet.
func (k *PasswordKey) draw(applicantID string, round int) []byte {
	limit := byte(256 / len(passwordAlphabet) * len(passwordAlphabet))
	out := make([]byte, 0, passwordLength)
	for block := 0; len(out) < passwordLength; block++ {
		mac := hmac.New(sha256.New, k.key)
		fmt.Fprintf(mac, "intiqa/training-password/v1\x00%s\x00%d\x00%d", applicantID, round, block)
		for _, b := range mac.Sum(nil) {
			if b < limit && len(out) < passwordLength {
				out = append(out, passwordAlphabet[int(b)%len(passwordAlphabet)])
			}
		}
	}
	return out
}

func hasEachClass(s []byte) bool {
	var upper, lower, digit bool
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		default:
			digit = true
		}
	}
	return upper && lower && digit
}

func group(s []byte) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// HashParams are the argon2id costs of the exported password hashes.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultHashParams are those of the project's local accounts (and the
// OWASP recommendation): 19 MiB, 2 passes, 1 thread.
var DefaultHashParams = HashParams{Memory: 19456, Time: 2, Threads: 1}

// Sizes of the argon2id salt and hash, in bytes.
const (
	saltSize = 16
	hashSize = 32
)

// HashPassword returns the argon2id hash of a password in the PHC string
// format ($argon2id$v=19$m=…,t=…,p=…$salt$hash, base64 without padding),
// with a random salt.
func HashPassword(password string, p HashParams) (string, error) {
	salt := make([]byte, saltSize)
	if _, err := io.ReadFull(rand.Reader, salt); err != nil {
		return "", fmt.Errorf("draw salt: %w", err)
	}
	sum := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, hashSize)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time,
		p.Threads, enc.EncodeToString(salt), enc.EncodeToString(sum)), nil
}

// VerifyPassword reports whether password matches a PHC argon2id hash, as
// the training platform checks it.
func VerifyPassword(phc, password string) (bool, error) {
	parts := strings.Split(phc, "$")
	version := fmt.Sprintf("v=%d", argon2.Version)
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != version {
		return false, fmt.Errorf("not an argon2id PHC string")
	}
	var p HashParams
	_, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads)
	if err != nil {
		return false, fmt.Errorf("argon2id parameters: %w", err)
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("argon2id salt: %w", err)
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("argon2id hash: %w", err)
	}
	switch {
	case len(salt) < 8 || len(want) < 16 || len(want) > 64:
		return false, fmt.Errorf("argon2id salt or hash of a wrong length")
	case p.Time < 1 || p.Threads < 1 || p.Memory < 8*uint32(p.Threads) || p.Memory > 1<<20:
		return false, fmt.Errorf("argon2id parameters out of range")
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
