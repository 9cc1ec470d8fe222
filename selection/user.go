package selection

import "time"

// UserRole is what a local account may do.
type UserRole string

// The roles of PRODUCT.md.
const (
	UserSupervisor  UserRole = "supervisor"
	UserPanel       UserRole = "panel"
	UserCoordinator UserRole = "coordinator"
	UserAdmin       UserRole = "admin"
	UserHQ          UserRole = "hq"
)

// UserRoles lists the valid roles.
var UserRoles = []UserRole{UserSupervisor, UserPanel, UserCoordinator, UserAdmin, UserHQ}

// User is a local account of a laptop or of headquarters.
type User struct {
	Name         string // login, unique
	DisplayName  string
	Role         UserRole
	PasswordHash string // argon2id, PHC string format
	CreatedAt    time.Time
	Disabled     bool
}

// AuditEntry is one append-only record of a write: who did what, when,
// with the state before and after. Entries form a hash chain: Hash is the
// SHA-256 of the entry's canonical form, which includes PrevHash.
type AuditEntry struct {
	Seq      int64
	At       time.Time
	Actor    string
	Action   string // e.g. "applicant.update"
	Entity   string // e.g. "applicant"
	EntityID string
	Before   string // canonical JSON, "" when created
	After    string // canonical JSON, "" when deleted
	PrevHash string
	Hash     string
}
