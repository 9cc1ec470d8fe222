package sync_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

// Example shows how the desktop app uses the client: enroll once, then
// sync in the background and show the status; resolve conflicts.
func Example() {
	ctx := context.Background()
	dir := "/path/to/data"
	db, err := localdb.Open(ctx, filepath.Join(dir, "intiqa.db"), localdb.Options{Scope: "09.163"})
	if err != nil {
		return
	}
	defer db.Close()

	// Enroll once, with the address and token headquarters gave.
	if _, err := db.Enrollment(ctx); errors.Is(err, localdb.ErrNotFound) {
		_, err := isync.Enroll(ctx, db, "admin", "https://hq.example.ma", "iqt1.…", isync.Options{})
		if err != nil {
			return
		}
	}
	c, err := isync.NewClient(db, filepath.Join(dir, "documents"), isync.Options{})
	if err != nil {
		return
	}

	// Sync in the background every few minutes; the window shows the
	// progress (through fyne.Do) and the status.
	go func() {
		for {
			err := c.Sync(ctx, func(p isync.Progress) {
				fmt.Printf("%s %d/%d\n", p.Stage, p.Done, p.Total)
			})
			if err != nil && ctx.Err() != nil {
				return
			}
			time.Sleep(5 * time.Minute)
		}
	}()
	st, _ := c.Status(ctx)
	fmt.Println(st.Pending, st.Conflicts, st.LastSuccess, st.LastError)

	// A supervisor resolves the conflicts; each choice syncs.
	conflicts, _ := c.Conflicts(ctx)
	for _, k := range conflicts {
		err := c.Resolve(ctx, "superviseur", k.ID, selection.KeepTheirs)
		if errors.Is(err, selection.ErrSyncFirst) {
			break // the other laptop's decision is on its way: sync first
		}
	}
}
