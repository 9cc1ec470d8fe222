package localdb

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"intiqa/selection"
)

// ErrRevoked is returned when a revoked enrollment token is used.
var ErrRevoked = errors.New("token revoked")

// tokenPrefix starts every enrollment token, so that one is recognised
// when pasted or found in a file.
const tokenPrefix = "iqt1."

// Token is an enrollment token as headquarters keeps it: never the token
// itself, only its SHA-256.
type Token struct {
	ID        string
	Province  string
	Role      selection.SyncRole
	Label     string
	CreatedAt time.Time
	CreatedBy string
	RevokedAt time.Time // zero while valid
	// Key is the fingerprint (KeyFingerprint) of the bundle-signing key
	// the token's laptop registered, "" before it did; Tokens fills it.
	Key string
}

// TokenHash returns the hex SHA-256 of an enrollment token, the only form
// headquarters keeps.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// TokenID returns the ID part of an enrollment token, "" if the text is
// not one.
func TokenID(token string) string {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return ""
	}
	id, _, ok := strings.Cut(rest, ".")
	if !ok {
		return ""
	}
	return id
}

// CreateToken issues an enrollment token for one province and role and
// returns it: it is shown once, since headquarters keeps only its hash.
func (db *DB) CreateToken(ctx context.Context, actor, province string, role selection.SyncRole,
	label string) (string, *Token, error) {
	if db.scope != NationalScope {
		return "", nil, fmt.Errorf("create token in a laptop store: %w", ErrScope)
	}
	if _, err := selection.ParseEnum("role", string(role), selection.SyncRoles); err != nil {
		return "", nil, err
	}
	terr, err := db.Territory(ctx)
	if err != nil {
		return "", nil, err
	}
	if p, ok := terr.Province(province); !ok || p.Type == selection.ProvinceTypeArrondissements {
		return "", nil, fmt.Errorf("province %q: not a province with communes: %w", province, ErrScope)
	}
	var raw [6 + 32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	t := &Token{ID: hex.EncodeToString(raw[:6]), Province: province, Role: role, Label: label,
		CreatedBy: actor}
	token := tokenPrefix + t.ID + "." + base64.RawURLEncoding.EncodeToString(raw[6:])
	err = db.update(ctx, actor, func(tx *Tx) error {
		t.CreatedAt = tx.now
		_, err := tx.exec(`INSERT INTO sync_tokens (id, hash, province, role, label, created_at,
			created_by) VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, TokenHash(token), province,
			string(role), label, formatInstant(tx.now), actor)
		if err != nil {
			return fmt.Errorf("write token: %w", err)
		}
		return tx.audit("token.create", "token", t.ID, nil, t)
	})
	if err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// RevokeToken revokes an enrollment token by its ID; the laptop holding
// it is refused from then on.
func (db *DB) RevokeToken(ctx context.Context, actor, id string) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE sync_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''`,
			formatInstant(tx.now), id)
		if err != nil {
			return fmt.Errorf("revoke token %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("token %s: %w (unknown or already revoked)", id, ErrNotFound)
		}
		return tx.audit("token.revoke", "token", id, nil, map[string]string{"id": id})
	})
}

const tokenColumns = `id, province, role, label, created_at, created_by, revoked_at`

func scanToken(s scanner) (*Token, error) {
	var t Token
	var created, revoked string
	err := s.Scan(&t.ID, &t.Province, &t.Role, &t.Label, &created, &t.CreatedBy, &revoked)
	if err != nil {
		return nil, notFound(err)
	}
	if t.CreatedAt, err = parseInstant(created); err != nil {
		return nil, err
	}
	t.RevokedAt, err = parseInstant(revoked)
	return &t, err
}

// Authenticate returns the enrollment a token was issued for:
// ErrNotFound for a token headquarters never issued, ErrRevoked for a
// revoked one.
func (db *DB) Authenticate(ctx context.Context, token string) (*Token, error) {
	t, err := scanToken(db.reader.QueryRowContext(ctx,
		`SELECT `+tokenColumns+` FROM sync_tokens WHERE hash = ?`, TokenHash(token)))
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if !t.RevokedAt.IsZero() {
		return nil, fmt.Errorf("token %s: %w", t.ID, ErrRevoked)
	}
	return t, nil
}

// Tokens lists the enrollment tokens, oldest first.
func (db *DB) Tokens(ctx context.Context) ([]Token, error) {
	var out []Token
	err := db.each(ctx, `SELECT coalesce(k.public_key, ''), `+tokenColumns+`
		FROM sync_tokens LEFT JOIN sync_token_keys k ON k.token_id = id
		ORDER BY created_at, id`, nil, func(row scanner) error {
		var key string
		return scanWith(row, []any{&key}, func(s scanner) error {
			t, err := scanToken(s)
			if err != nil {
				return err
			}
			if key != "" {
				pub, err := decodeKey("public key of token "+t.ID, key, ed25519.PublicKeySize)
				if err != nil {
					return err
				}
				t.Key = KeyFingerprint(pub)
			}
			out = append(out, *t)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read tokens: %w", err)
	}
	return out, nil
}

// TokenIDValid checks the form of a token ID: twelve lower-case hex
// digits.
func TokenIDValid(id string) error {
	if len(id) != 12 {
		return fmt.Errorf("token ID %q: twelve hex digits expected", id)
	}
	if _, err := hex.DecodeString(id); err != nil || strings.ToLower(id) != id {
		return fmt.Errorf("token ID %q: twelve hex digits expected", id)
	}
	return nil
}
