//go:build unix

package mail

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrLocked is returned when another sender holds the outbox.
var ErrLocked = errors.New("the outbox is locked by another sender")

// LockOutbox takes an exclusive lock beside the store, so that only one
// sender runs: a second one would take the first one's messages in
// flight for interrupted ones. The system releases the lock when the
// process ends, however it ends.
func LockOutbox(dbPath string) (unlock func(), err error) {
	f, err := os.OpenFile(dbPath+".mail.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock outbox: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("lock outbox: %w", err)
	}
	return func() { f.Close() }, nil
}
