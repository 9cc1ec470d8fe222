package localdb_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// TestFinalSelectionMigration opens a laptop store whose final runs were
// keyed one by one, as before migration 0006: one synced, one waiting to
// be pushed. The migration keys both by the province's final selection:
// the synced run is the base of the waiting one, which is in force on
// the laptop.
func TestFinalSelectionMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "intiqa.db")
	db, err := localdb.Open(ctx, path, localdb.Options{Scope: testProvince})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"F1", "F2"} {
		r := &selection.Run{ID: id, Kind: selection.RunFinal, Scope: testProvince,
			RulesVersion: "2024.1", StartedAt: decided.Add(time.Duration(i) * time.Hour),
			CommittedAt: decided.Add(time.Duration(i) * time.Hour), CreatedBy: "sup"}
		if err := db.SaveRun(ctx, "sup", r, nil); err != nil {
			t.Fatal(err)
		}
	}
	items, err := db.Outbox(ctx, 10)
	if err != nil || len(items) != 2 || items[1].Base != "F1" {
		t.Fatalf("outbox before the migration: %+v, %v", items, err)
	}
	db.Close()

	// Make the store as it was before the migration: F1 pushed, F2
	// waiting, each with a version of its own.
	raw := mustRaw(t, path)
	mustExec(t, raw, `DELETE FROM sync_heads WHERE kind = 'final_run'`)
	mustExec(t, raw, `INSERT INTO sync_heads (kind, key, version) VALUES
		('final_run', 'F1', ?), ('final_run', 'F2', ?)`, items[0].ID, items[1].ID)
	mustExec(t, raw, `DELETE FROM sync_outbox WHERE json_extract(data, '$.Run.ID') = 'F1'`)
	mustExec(t, raw, `UPDATE sync_outbox SET key = 'F2', base = '' WHERE kind = 'final_run'`)
	mustExec(t, raw, `DELETE FROM schema_migrations WHERE version = 6`)
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = localdb.Open(ctx, path, localdb.Options{Scope: testProvince})
	if err != nil {
		t.Fatal(err)
	}
	items, err = db.Outbox(ctx, 10)
	if err != nil || len(items) != 1 || items[0].Base != "F1" {
		t.Errorf("outbox after the migration: %+v, %v; want F2 based on F1", items, err)
	}
	if r, err := db.LatestRun(ctx, selection.RunFinal); err != nil || r.ID != "F2" {
		t.Errorf("final selection in force: %+v, %v; want F2", r, err)
	}
	db.Close()
	raw = mustRaw(t, path)
	var heads, key string
	err = raw.QueryRow(`SELECT group_concat(key || '=' || version) FROM sync_heads
		WHERE kind = 'final_run'`).Scan(&heads)
	if err != nil || heads != "final/"+testProvince+"=F2" {
		t.Errorf("versions of final runs: %q, %v", heads, err)
	}
	err = raw.QueryRow(`SELECT key FROM sync_outbox WHERE kind = 'final_run'`).Scan(&key)
	if err != nil || key != "final/"+testProvince {
		t.Errorf("key of the waiting run: %q, %v", key, err)
	}
}

func mustExec(tb testing.TB, db *sql.DB, query string, args ...any) {
	tb.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}
