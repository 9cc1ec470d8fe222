package sync_test

import (
	"context"
	"path/filepath"
	"testing"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

// TestRestoredLaptopLosesNoDecision backs a laptop up, has it decide and
// push, then restores its store from the backup, as after a breakdown,
// and has it decide again. Headquarters must apply the new decisions,
// not take them for the ones the laptop pushed after its backup.
func TestRestoredLaptopLosesNoDecision(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a1.mustSync(t)
	docs := f.docsA[:5]
	decideOn := func(l *laptop, i int) {
		t.Helper()
		if err := l.db.AddReview(ctx, "sup", review("R-"+docs[i].ID, docs[i],
			selection.VerdictAccepted)); err != nil {
			t.Fatal(err)
		}
	}
	decideOn(a1, 0)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := a1.db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	decideOn(a1, 1)
	decideOn(a1, 2)
	a1.mustSync(t)

	path := a1.db.Path()
	a1.db.Close()
	if _, err := localdb.Restore(ctx, path, backup); err != nil {
		t.Fatal(err)
	}
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := isync.NewClient(db, a1.docs, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	restored := &laptop{name: "a1 restored", db: db, c: c, docs: a1.docs}
	decideOn(restored, 3)
	decideOn(restored, 4)
	restored.mustSync(t)

	for _, d := range docs {
		rs, err := f.db.Reviews(ctx, d.ID)
		if err != nil || len(rs) != 1 || rs[0].ID != "R-"+d.ID {
			t.Errorf("headquarters' reviews of %s: %+v, %v; want R-%s alone", d.ID, rs, err, d.ID)
		}
	}
	if n, err := db.PendingCount(ctx); err != nil || n != 0 {
		t.Errorf("%d decisions pending on the restored laptop, %v", n, err)
	}
	if n, err := db.ConflictCount(ctx); err != nil || n != 0 {
		t.Errorf("%d conflicts on the restored laptop, %v", n, err)
	}
}
