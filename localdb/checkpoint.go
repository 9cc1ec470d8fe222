package localdb

import (
	"context"
	"database/sql"
	"fmt"
	gosync "sync"
	"time"
)

// checkpointPause is how long the checkpointer waits after a checkpoint
// before it runs the next: the commits of that time share one.
const checkpointPause = 250 * time.Millisecond

// checkpointer copies the write-ahead log into the database file in the
// background. Left to SQLite, the commit that grows the log past its
// threshold copies it, so that one write of a busy headquarters (a push,
// with laptops queued behind it) pays for the writes of all others. Here
// commits only append to the log; a passive checkpoint, which never
// waits for a lock and never holds one writers need, runs on its own
// connection after them.
type checkpointer struct {
	conn    *sql.DB
	commits chan struct{} // a commit happened: run a checkpoint soon
	stop    chan struct{}
	done    chan struct{}
	once    gosync.Once // a store may be closed twice
}

// startCheckpointer opens the checkpointer's connection on path and
// starts it.
func startCheckpointer(path string) (*checkpointer, error) {
	conn, err := openPool(path, 1)
	if err != nil {
		return nil, err
	}
	c := &checkpointer{conn: conn, commits: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

// committed tells the checkpointer of a commit; it never blocks.
func (c *checkpointer) committed() {
	select {
	case c.commits <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.commits:
		}
		// A checkpoint that fails (the disk is full, say) leaves the log
		// as it was; the next commit tries again, and closing the store
		// checkpoints whatever is left.
		c.conn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointPause):
		}
	}
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	c.once.Do(func() { close(c.stop) })
	<-c.done
	if err := c.conn.Close(); err != nil {
		return fmt.Errorf("close checkpointer: %w", err)
	}
	return nil
}
