package localdb_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"intiqa/localdb"
	"intiqa/selection"
)

// putUsers writes users u<from>..u<to-1>, one transaction each.
func putUsers(tb testing.TB, db *localdb.DB, from, to int) {
	tb.Helper()
	for i := from; i < to; i++ {
		if err := db.PutUser(context.Background(), "admin", userN(i)); err != nil {
			tb.Fatal(err)
		}
	}
}

func userN(i int) *selection.User {
	return &selection.User{Name: fmt.Sprintf("u%d", i), DisplayName: fmt.Sprintf("Utilisateur %d", i),
		Role: selection.UserPanel, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		CreatedAt: fixedNow}
}

// mustBackupOf opens a store at a file of its own, writes n users and
// returns the store and the path of a backup of it.
func mustBackupOf(tb testing.TB, n int) (store string, backup string) {
	tb.Helper()
	dir := tb.TempDir()
	store = filepath.Join(dir, "intiqa.db")
	db, err := localdb.Open(context.Background(), store, localdb.Options{Scope: testProvince})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	putUsers(tb, db, 0, n)
	backup = filepath.Join(dir, "backup.db")
	if _, err := db.Backup(context.Background(), backup); err != nil {
		tb.Fatal(err)
	}
	return store, backup
}

func fileSum(tb testing.TB, path string) [32]byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return sha256.Sum256(data)
}

// TestBackupWhileWriting takes a backup while another goroutine commits
// a user per transaction, restores it, and checks that the restored store
// is sound and holds every user committed before the backup began.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := localdb.Open(ctx, filepath.Join(dir, "intiqa.db"), localdb.Options{Scope: testProvince})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	putUsers(t, db, 0, 50)

	// A writer that keeps committing, counting what has committed.
	var committed atomic.Int64
	committed.Store(50)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 50; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := db.PutUser(ctx, "admin", userN(i)); err != nil {
				t.Error(err)
				return
			}
			committed.Store(int64(i + 1))
		}
	})
	for committed.Load() < 80 { // the writer is under way
		runtime.Gosched()
	}
	before := int(committed.Load())
	backup := filepath.Join(dir, "backup.db")
	info, err := db.Backup(ctx, backup)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	after := int(committed.Load())

	// Restored into a place of its own, the backup is sound and whole.
	restored := filepath.Join(t.TempDir(), "intiqa.db")
	if _, err := localdb.Restore(ctx, restored, backup); err != nil {
		t.Fatal(err)
	}
	rdb, err := localdb.Open(ctx, restored, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if rdb.Scope() != testProvince || info.Scope != testProvince {
		t.Errorf("scope %q, backup info %q; want %q", rdb.Scope(), info.Scope, testProvince)
	}
	mustIntegrityOK(t, restored)
	if n, err := rdb.VerifyAudit(ctx); err != nil || n != info.AuditEntries {
		t.Errorf("restored audit chain: %d entries, %v; the backup had %d", n, err, info.AuditEntries)
	}
	for i := range before {
		if _, err := rdb.User(ctx, fmt.Sprintf("u%d", i)); err != nil {
			t.Fatalf("user u%d, committed before the backup began, is missing: %v", i, err)
		}
	}
	var n int
	if err := rawQueryRow(t, restored, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < before || n > after {
		t.Errorf("restored %d users; %d had committed before the backup, %d after", n, before, after)
	}
	t.Logf("backup under writes: %d users before, %d in the backup, %d after", before, n, after)
}

func mustIntegrityOK(tb testing.TB, path string) {
	tb.Helper()
	var msg string
	if err := rawQueryRow(tb, path, `PRAGMA integrity_check`).Scan(&msg); err != nil || msg != "ok" {
		tb.Fatalf("integrity_check of %s: %q, %v", path, msg, err)
	}
}

// rawQueryRow runs one query on a file through a connection of its own.
func rawQueryRow(tb testing.TB, path, query string) *sql.Row {
	tb.Helper()
	pool, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { pool.Close() })
	return pool.QueryRow(query)
}

// TestRestoreRefusesBadBackups offers damaged backups and checks that
// each is refused with ErrBadBackup, saying what is wrong, and that the
// current store is left byte for byte as it was.
func TestRestoreRefusesBadBackups(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		want   string
	}{
		{"Truncated", func(t *testing.T, p string) { truncateHalf(t, p) }, "unreadable as SQLite"},
		{"PageOverwritten", func(t *testing.T, p string) { overwritePage(t, p) }, ""},
		{"NotSQLite", func(t *testing.T, p string) { writeFile(t, p, "applicant_id;cin\nA1;BK1\n") }, "unreadable"},
		{"Empty", func(t *testing.T, p string) { writeFile(t, p, "") }, ""},
		{"AuditEdited", func(t *testing.T, p string) { editAudit(t, p) }, "audit log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, backup := mustBackupOf(t, 30)
			tt.damage(t, backup)
			sum := fileSum(t, store)
			_, err := localdb.Restore(context.Background(), store, backup)
			if !errors.Is(err, localdb.ErrBadBackup) {
				t.Fatalf("restore of a damaged backup: %v; want ErrBadBackup", err)
			}
			t.Logf("refused: %v", err)
			if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if fileSum(t, store) != sum {
				t.Error("the refused restore changed the current store")
			}
			left, _ := filepath.Glob(store + ".*")
			if len(left) > 0 {
				t.Errorf("the refused restore left %v", left)
			}
			mustIntegrityOK(t, store)
		})
	}
}

// TestRestoreReplacesAndKeeps restores an older backup over a store that
// moved on, and checks that the store is the backup's and that the
// replaced one is kept whole.
func TestRestoreReplacesAndKeeps(t *testing.T) {
	ctx := context.Background()
	store, backup := mustBackupOf(t, 10)
	db, err := localdb.Open(ctx, store, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	putUsers(t, db, 10, 15)
	db.Close()

	kept, err := localdb.Restore(ctx, store, backup)
	if err != nil {
		t.Fatal(err)
	}
	count := func(path string) int {
		var n int
		if err := rawQueryRow(t, path, `SELECT count(*) FROM users`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := count(store); got != 10 {
		t.Errorf("restored store has %d users; the backup had 10", got)
	}
	if got := count(kept); got != 15 {
		t.Errorf("the replaced store, kept in %s, has %d users; want 15", kept, got)
	}
}

func TestRestoreRefusesStoreInUse(t *testing.T) {
	ctx := context.Background()
	store, backup := mustBackupOf(t, 3)
	db, err := localdb.Open(ctx, store, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := localdb.Restore(ctx, store, backup); !errors.Is(err, localdb.ErrStoreInUse) {
		t.Fatalf("restore over an open store: %v; want ErrStoreInUse", err)
	}
	if _, err := db.User(ctx, "u2"); err != nil {
		t.Errorf("the open store no longer reads: %v", err)
	}
}

func truncateHalf(t *testing.T, path string) {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, st.Size()/2); err != nil {
		t.Fatal(err)
	}
}

// overwritePage fills a page in the middle of the file with noise.
func overwritePage(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	at := (len(data) / page / 2) * page
	r := rand.New(rand.NewPCG(3, 4))
	for i := at; i < at+page && i < len(data); i++ {
		data[i] = byte(r.Uint32())
	}
	writeFile(t, path, string(data))
}

func writeFile(t *testing.T, path, content string) {
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// editAudit rewrites one audit entry behind the store's back, dropping
// the trigger that forbids it: a sound SQLite file with a broken chain.
func editAudit(t *testing.T, path string) {
	pool, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = pool.Exec(`DROP TRIGGER audit_log_no_update;
		UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`)
	if err != nil {
		t.Fatal(err)
	}
}
