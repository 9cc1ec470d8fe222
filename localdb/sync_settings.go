package localdb

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"intiqa/selection"
)

// The keys of the sync_settings table.
const (
	settingNode     = "node"     // this store's node ID, in its decisions' IDs
	settingCursor   = "cursor"   // where the next pull starts
	settingURL      = "hq_url"   // headquarters' address
	settingToken    = "token"    // the enrollment token (a secret: never audited)
	settingRole     = "role"     // the role the token was issued for
	settingEnrolled = "enrolled" // when the laptop was enrolled

	// settingBulkApplicants is set while a bulk import logs its
	// applicants at its end.
	settingBulkApplicants = "bulk_applicants"
)

// Enrollment is what a laptop knows of its enrollment with headquarters.
type Enrollment struct {
	URL      string
	Token    string
	Province string
	Role     selection.SyncRole
	// HQKey is headquarters' public key, which checks the bundles it
	// writes: given back when headquarters registered the laptop's key
	// (see SigningKey). Nil leaves the laptop without bundle keys until
	// it registers one.
	HQKey ed25519.PublicKey
}

// Setting returns one value of the synchronisation settings, "" if
// unset.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.reader.QueryRowContext(ctx, `SELECT value FROM sync_settings WHERE key = ?`, key).Scan(&v)
	if err := notFound(err); err != nil && !errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// setting reads one setting inside a transaction.
func (tx *Tx) setting(key string) (string, error) {
	var v string
	err := tx.queryRow(`SELECT value FROM sync_settings WHERE key = ?`, key).Scan(&v)
	if err := notFound(err); err != nil && !errors.Is(err, ErrNotFound) {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// putSetting writes one setting inside a transaction.
func (tx *Tx) putSetting(key, value string) error {
	_, err := tx.exec(`INSERT INTO sync_settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("write setting %s: %w", key, err)
	}
	return nil
}

// Enroll records the laptop's enrollment with headquarters: its address,
// token and role. The token is kept out of the audit log. An enrollment
// gives the store a new node ID, so that a copied store file never issues
// the same decision IDs as its original; since pending decisions carry
// the old one, enrolling while decisions wait to be pushed is refused.
func (db *DB) Enroll(ctx context.Context, actor string, e Enrollment) error {
	if e.Province != db.scope || db.scope == NationalScope {
		return fmt.Errorf("enroll for province %s in a store of %q: %w", e.Province, db.scope, ErrScope)
	}
	node := make([]byte, 6)
	if _, err := rand.Read(node); err != nil {
		return fmt.Errorf("enroll: %w", err)
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		var pending int
		if err := tx.queryRow(`SELECT count(*) FROM sync_outbox`).Scan(&pending); err != nil {
			return fmt.Errorf("count outbox: %w", err)
		}
		if pending > 0 {
			return fmt.Errorf("enroll: %d decisions wait to be pushed with the current enrollment",
				pending)
		}
		for k, v := range map[string]string{
			settingNode: hex.EncodeToString(node), settingURL: e.URL, settingToken: e.Token,
			settingRole: string(e.Role), settingEnrolled: formatInstant(tx.now),
		} {
			if err := tx.putSetting(k, v); err != nil {
				return err
			}
		}
		if err := tx.putHQKey(TokenID(e.Token), e.HQKey); err != nil {
			return err
		}
		return tx.audit("sync.enroll", "sync", e.Province, nil,
			map[string]string{"url": e.URL, "role": string(e.Role)})
	})
}

// Enrollment returns the laptop's enrollment; ErrNotFound if it has none.
func (db *DB) Enrollment(ctx context.Context) (*Enrollment, error) {
	e := Enrollment{Province: db.scope}
	for key, dst := range map[string]*string{settingURL: &e.URL, settingToken: &e.Token} {
		v, err := db.Setting(ctx, key)
		if err != nil {
			return nil, err
		}
		*dst = v
	}
	role, err := db.Setting(ctx, settingRole)
	if err != nil {
		return nil, err
	}
	e.Role = selection.SyncRole(role)
	if e.Token == "" {
		return nil, fmt.Errorf("enrollment: %w", ErrNotFound)
	}
	return &e, nil
}

// Cursor returns where the laptop's next pull starts.
func (db *DB) Cursor(ctx context.Context) (int64, error) {
	v, err := db.Setting(ctx, settingCursor)
	if err != nil || v == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read cursor: %w", err)
	}
	return n, nil
}

// cursor reads the pull cursor inside a transaction.
func (tx *Tx) cursor() (int64, error) {
	v, err := tx.setting(settingCursor)
	if err != nil || v == "" {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// MoveHQ records a new address for headquarters, keeping the enrollment.
func (db *DB) MoveHQ(ctx context.Context, actor, url string) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		if token, err := tx.setting(settingToken); err != nil || token == "" {
			return errors.Join(fmt.Errorf("move headquarters: %w", ErrNotFound), err)
		}
		if err := tx.putSetting(settingURL, url); err != nil {
			return err
		}
		return tx.audit("sync.move", "sync", db.scope, nil, map[string]string{"url": url})
	})
}
