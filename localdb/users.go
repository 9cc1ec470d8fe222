package localdb

import (
	"context"
	"fmt"

	"intiqa/selection"
)

// userAudit is what the audit log keeps of an account: never the
// password hash.
type userAudit struct {
	Name, DisplayName string
	Role              selection.UserRole
	Disabled          bool
}

// PutUser creates or updates a local account. The password hash is
// stored but kept out of the audit log.
func (db *DB) PutUser(ctx context.Context, actor string, u *selection.User) error {
	if _, err := selection.ParseEnum("role", string(u.Role), selection.UserRoles); err != nil {
		return fmt.Errorf("user %s: %w", u.Name, err)
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO users (name, display_name, role, password_hash, created_at,
			disabled) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET
			display_name = excluded.display_name, role = excluded.role,
			password_hash = excluded.password_hash, disabled = excluded.disabled`,
			u.Name, u.DisplayName, string(u.Role), u.PasswordHash, formatInstant(u.CreatedAt),
			u.Disabled)
		if err != nil {
			return fmt.Errorf("write user %s: %w", u.Name, err)
		}
		after := userAudit{u.Name, u.DisplayName, u.Role, u.Disabled}
		return tx.audit("user.put", "user", u.Name, nil, after)
	})
}

// User returns one local account.
func (db *DB) User(ctx context.Context, name string) (*selection.User, error) {
	var u selection.User
	var at string
	err := db.reader.QueryRowContext(ctx, `SELECT name, display_name, role, password_hash,
		created_at, disabled FROM users WHERE name = ?`, name).Scan(&u.Name, &u.DisplayName,
		&u.Role, &u.PasswordHash, &at, &u.Disabled)
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", name, notFound(err))
	}
	if u.CreatedAt, err = parseInstant(at); err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	return &u, nil
}
