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
)

// The Ed25519 keys that sign the sync bundles. A laptop makes its key
// pair when it enrolls and registers the public key with headquarters
// for its token; headquarters has one key pair of its own, which the
// laptop learns in return. Private keys never leave the store they were
// made in, and are never written to the audit log.

// ErrNoKey is returned when a bundle's signing key is missing: a laptop
// enrolled before bundles were signed with Ed25519, or a token whose
// laptop never registered its key.
var ErrNoKey = errors.New("no bundle signing key registered")

// ErrKeyTaken is returned when a token that already has a public key is
// given another: a token's key is never replaced.
var ErrKeyTaken = errors.New("the token already has another signing key")

// Keys of sync_settings for the signing keys.
const (
	// settingLaptopKey, followed by a token ID, holds a laptop's private
	// key for that token: kept before headquarters registers it, so that
	// an enrollment tried again sends the same key.
	settingLaptopKey = "signing_key."
	// settingHQKey holds, on a laptop, "TOKEN-ID BASE64": the token whose
	// key headquarters registered, and headquarters' public key.
	settingHQKey = "hq_public_key"
	// settingHQPrivate holds, at headquarters, its own private key.
	settingHQPrivate = "hq_signing_key"
)

// BundleKeys are the keys a laptop signs and checks bundles with.
type BundleKeys struct {
	TokenID string             // the enrollment token the keys belong to
	Private ed25519.PrivateKey // the laptop's own key
	HQ      ed25519.PublicKey  // headquarters' key
}

// KeyFingerprint returns a short hex fingerprint of a public key, for
// the audit log and for people to compare.
func KeyFingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// encodeKey and decodeKey write and read a key as base64.
func encodeKey(key []byte) string { return base64.StdEncoding.EncodeToString(key) }

func decodeKey(what, text string, size int) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(key) != size {
		return nil, fmt.Errorf("%s: not a %d-byte key", what, size)
	}
	return key, nil
}

// newSeed returns the seed of a new Ed25519 private key.
func newSeed() (string, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return "", fmt.Errorf("new signing key: %w", err)
	}
	return encodeKey(seed), nil
}

// keepSetting writes a setting unless it is set already, and returns
// its value.
func (tx *Tx) keepSetting(key, value string) (string, error) {
	_, err := tx.exec(`INSERT INTO sync_settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO NOTHING`, key, value)
	if err != nil {
		return "", fmt.Errorf("write setting: %w", err)
	}
	return tx.setting(key)
}

// SigningKey returns a laptop's private key for an enrollment token,
// making and keeping one if it has none yet. Enrolling again with the
// same token gives the same key.
func (db *DB) SigningKey(ctx context.Context, actor, tokenID string) (ed25519.PrivateKey, error) {
	if db.scope == NationalScope {
		return nil, fmt.Errorf("laptop signing key in the national store: %w", ErrScope)
	}
	if err := TokenIDValid(tokenID); err != nil {
		return nil, err
	}
	seed, err := newSeed()
	if err != nil {
		return nil, err
	}
	err = db.update(ctx, actor, func(tx *Tx) error {
		seed, err = tx.keepSetting(settingLaptopKey+tokenID, seed)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("laptop signing key: %w", err)
	}
	raw, err := decodeKey("laptop signing key", seed, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(raw), nil
}

// putHQKey records, on a laptop, that headquarters registered its key
// for tokenID and answered with its own public key hq, and forgets the
// private keys of other tokens. A nil hq forgets headquarters' key: the
// laptop then signs no bundle until it registers its key.
func (tx *Tx) putHQKey(tokenID string, hq ed25519.PublicKey) error {
	if _, err := tx.exec(`DELETE FROM sync_settings WHERE key LIKE ? AND key <> ?`,
		settingLaptopKey+"%", settingLaptopKey+tokenID); err != nil {
		return fmt.Errorf("forget old signing keys: %w", err)
	}
	if hq == nil {
		_, err := tx.exec(`DELETE FROM sync_settings WHERE key = ?`, settingHQKey)
		if err != nil {
			return fmt.Errorf("forget headquarters' key: %w", err)
		}
		return nil
	}
	if len(hq) != ed25519.PublicKeySize {
		return fmt.Errorf("headquarters' key: %d bytes, not %d", len(hq), ed25519.PublicKeySize)
	}
	return tx.putSetting(settingHQKey, tokenID+" "+encodeKey(hq))
}

// KeepHQKey records, on an enrolled laptop, that headquarters registered
// its signing key and answered with its own public key hq. It is how a
// laptop enrolled before bundles were signed with Ed25519 gets its keys,
// at its next sync over the network.
func (db *DB) KeepHQKey(ctx context.Context, actor, tokenID string, hq ed25519.PublicKey) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		token, err := tx.setting(settingToken)
		if err != nil {
			return err
		}
		if TokenID(token) != tokenID || tokenID == "" {
			return fmt.Errorf("keep headquarters' key for token %s: not this laptop's token: %w",
				tokenID, ErrScope)
		}
		if key, err := tx.setting(settingLaptopKey + tokenID); err != nil || key == "" {
			return errors.Join(fmt.Errorf("keep headquarters' key: %w", ErrNoKey), err)
		}
		if err := tx.putHQKey(tokenID, hq); err != nil {
			return err
		}
		return tx.audit("sync.keys", "sync", db.scope, nil,
			map[string]string{"token": tokenID, "hq_key": KeyFingerprint(hq)})
	})
}

// BundleKeys returns the keys a laptop signs and checks bundles with:
// ErrNotFound if it is not enrolled, ErrNoKey if headquarters has not
// registered its key for the token it holds.
func (db *DB) BundleKeys(ctx context.Context) (*BundleKeys, error) {
	enr, err := db.Enrollment(ctx)
	if err != nil {
		return nil, err
	}
	k := &BundleKeys{TokenID: TokenID(enr.Token)}
	hq, err := db.Setting(ctx, settingHQKey)
	if err != nil {
		return nil, err
	}
	id, hqText, _ := strings.Cut(hq, " ")
	if hq == "" || id != k.TokenID {
		return nil, fmt.Errorf("bundle keys of token %s: %w", k.TokenID, ErrNoKey)
	}
	raw, err := decodeKey("headquarters' key", hqText, ed25519.PublicKeySize)
	if err != nil {
		return nil, err
	}
	k.HQ = raw
	seed, err := db.Setting(ctx, settingLaptopKey+k.TokenID)
	if err != nil {
		return nil, err
	}
	if seed == "" {
		return nil, fmt.Errorf("bundle keys of token %s: %w", k.TokenID, ErrNoKey)
	}
	if raw, err = decodeKey("laptop signing key", seed, ed25519.SeedSize); err != nil {
		return nil, err
	}
	k.Private = ed25519.NewKeyFromSeed(raw)
	return k, nil
}

// HQKey returns headquarters' private key, making it on first need.
func (db *DB) HQKey(ctx context.Context) (ed25519.PrivateKey, error) {
	if db.scope != NationalScope {
		return nil, fmt.Errorf("headquarters' key in a laptop store: %w", ErrScope)
	}
	seed, err := db.Setting(ctx, settingHQPrivate)
	if err != nil {
		return nil, err
	}
	if seed == "" {
		if seed, err = db.makeHQKey(ctx); err != nil {
			return nil, err
		}
	}
	raw, err := decodeKey("headquarters' key", seed, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(raw), nil
}

// makeHQKey makes and keeps headquarters' key pair, unless another call
// did it first, and returns its seed.
func (db *DB) makeHQKey(ctx context.Context) (string, error) {
	seed, err := newSeed()
	if err != nil {
		return "", err
	}
	err = db.update(ctx, "hq", func(tx *Tx) error {
		kept, err := tx.keepSetting(settingHQPrivate, seed)
		if err != nil || kept != seed {
			seed = kept
			return err
		}
		raw, _ := base64.StdEncoding.DecodeString(seed)
		pub := ed25519.NewKeyFromSeed(raw).Public().(ed25519.PublicKey)
		return tx.audit("hq.key", "sync", "hq", nil,
			map[string]string{"public_key": KeyFingerprint(pub)})
	})
	if err != nil {
		return "", fmt.Errorf("make headquarters' key: %w", err)
	}
	return seed, nil
}

// RegisterKey records, at headquarters, the public key of the laptop
// holding a token. Registering the same key again changes nothing;
// another key is refused with ErrKeyTaken, as is a revoked token with
// ErrRevoked.
func (db *DB) RegisterKey(ctx context.Context, actor, tokenID string, pub ed25519.PublicKey) error {
	if db.scope != NationalScope {
		return fmt.Errorf("register a key in a laptop store: %w", ErrScope)
	}
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("public key: %d bytes, not %d", len(pub), ed25519.PublicKeySize)
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		t, err := scanToken(tx.queryRow(`SELECT `+tokenColumns+` FROM sync_tokens WHERE id = ?`,
			tokenID))
		if err != nil {
			return fmt.Errorf("token %s: %w", tokenID, err)
		}
		if !t.RevokedAt.IsZero() {
			return fmt.Errorf("token %s: %w", tokenID, ErrRevoked)
		}
		var had string
		err = tx.queryRow(`SELECT public_key FROM sync_token_keys WHERE token_id = ?`,
			tokenID).Scan(&had)
		switch err := notFound(err); {
		case err == nil && had == encodeKey(pub):
			return nil
		case err == nil:
			return fmt.Errorf("token %s: %w", tokenID, ErrKeyTaken)
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("read key of token %s: %w", tokenID, err)
		}
		if _, err := tx.exec(`INSERT INTO sync_token_keys (token_id, public_key, registered_at)
			VALUES (?, ?, ?)`, tokenID, encodeKey(pub), formatInstant(tx.now)); err != nil {
			return fmt.Errorf("write key of token %s: %w", tokenID, err)
		}
		return tx.audit("token.key", "token", tokenID, nil,
			map[string]string{"id": tokenID, "public_key": KeyFingerprint(pub)})
	})
}

// TokenPublicKey returns a token and the public key its laptop
// registered: ErrNotFound for an unknown token, ErrNoKey if its laptop
// registered none.
func (db *DB) TokenPublicKey(ctx context.Context, id string) (*Token, ed25519.PublicKey, error) {
	t, err := scanToken(db.reader.QueryRowContext(ctx,
		`SELECT `+tokenColumns+` FROM sync_tokens WHERE id = ?`, id))
	if err != nil {
		return nil, nil, fmt.Errorf("token %s: %w", id, err)
	}
	var text string
	err = db.reader.QueryRowContext(ctx, `SELECT public_key FROM sync_token_keys
		WHERE token_id = ?`, id).Scan(&text)
	if errors.Is(notFound(err), ErrNotFound) {
		return t, nil, fmt.Errorf("token %s: %w", id, ErrNoKey)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read key of token %s: %w", id, err)
	}
	raw, err := decodeKey("public key of token "+id, text, ed25519.PublicKeySize)
	return t, raw, err
}
