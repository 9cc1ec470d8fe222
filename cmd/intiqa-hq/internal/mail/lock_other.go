//go:build !unix

package mail

import "errors"

// ErrLocked is returned when another sender holds the outbox.
var ErrLocked = errors.New("the outbox is locked by another sender")

// LockOutbox does nothing here: headquarters runs on Linux.
//
// TODO(mail): a lock for other systems, should headquarters run there.
func LockOutbox(string) (func(), error) { return func() {}, nil }
