package backupzip_test

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/localdb/backupzip"
	"intiqa/localdb/demo"
	"intiqa/selection"
)

// province is a small province, so that the demonstration builds fast.
const province = "12.066"

// fixture is a demonstration store with its document files, built once
// per test binary; each test works on a copy.
var fixture struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

// mustStore copies the demonstration store and its files into a data
// folder of the test's own and opens the store.
func mustStore(tb testing.TB) (db *localdb.DB, docs string) {
	tb.Helper()
	fixture.once.Do(func() {
		fixture.dir, fixture.err = os.MkdirTemp("", "intiqa-backupzip-")
		if fixture.err == nil {
			fixture.err = demo.Build(context.Background(), filepath.Join(fixture.dir, "demo.db"),
				localdb.Files{Dir: filepath.Join(fixture.dir, "documents")},
				demo.Options{Province: province, Seed: 1})
		}
	})
	if fixture.err != nil {
		tb.Fatal(fixture.err)
	}
	dir := tb.TempDir()
	docs = filepath.Join(dir, "documents")
	mustCopyDir(tb, filepath.Join(fixture.dir, "documents"), docs)
	mustCopyFile(tb, filepath.Join(fixture.dir, "demo.db"), filepath.Join(dir, "intiqa.db"))
	db, err := localdb.Open(context.Background(), filepath.Join(dir, "intiqa.db"), localdb.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, docs
}

func mustCopyDir(tb testing.TB, src, dst string) {
	tb.Helper()
	if err := os.MkdirAll(dst, 0o700); err != nil {
		tb.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		mustCopyFile(tb, filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()))
	}
}

func mustCopyFile(tb testing.TB, src, dst string) {
	tb.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// mustArchive writes an archive of db and returns its path.
func mustArchive(tb testing.TB, db *localdb.DB, docs string) (string, *backupzip.Manifest) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "sauvegarde.zip")
	m, err := backupzip.Write(context.Background(), db, docs, path, backupzip.Options{Kind: "demo"})
	if err != nil {
		tb.Fatal(err)
	}
	return path, m
}

// newDocument writes a small document file of an applicant, then
// records the document, as a laptop does once a file has downloaded.
func newDocument(ctx context.Context, db *localdb.DB, docs, applicant string, i int) error {
	data := fmt.Appendf(nil, "%%PDF-1.4 pièce de test %d", i)
	sum := sha256.Sum256(data)
	d := &selection.Document{ID: fmt.Sprintf("test-%d", i), ApplicantID: applicant,
		Kind: selection.DocCIN, SHA256: hex.EncodeToString(sum[:]), MediaType: "application/pdf",
		Size: int64(len(data)), UploadedAt: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
	if err := (localdb.Files{Dir: docs}).Write(d, data); err != nil {
		return err
	}
	return db.PutDocument(ctx, "test", d)
}

// TestWriteWhileWriting takes an archive while another goroutine keeps
// committing documents (file first, then its row) and accounts, one per
// transaction; restored into a new data folder, the store passes
// SQLite's integrity check and holds every transaction committed before
// the archive began, with the document files.
func TestWriteWhileWriting(t *testing.T) {
	ctx := context.Background()
	db, docs := mustStore(t)
	before, err := db.DocumentFiles(ctx)
	if err != nil || len(before) == 0 {
		t.Fatalf("the demonstration holds %d documents: %v", len(before), err)
	}
	applicant := before[0].ApplicantID

	// A writer that keeps committing, counting what has committed.
	var committed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := newDocument(ctx, db, docs, applicant, i); err != nil {
				t.Error(err)
				return
			}
			u := &selection.User{Name: fmt.Sprintf("u%d", i), DisplayName: "Test",
				Role: selection.UserPanel, PasswordHash: "$argon2id$v=19$m=1,t=1,p=1$c2Fs$aGFz",
				CreatedAt: time.Now().UTC()}
			if err := db.PutUser(ctx, "test", u); err != nil {
				t.Error(err)
				return
			}
			committed.Store(int64(i + 1))
		}
	})
	for committed.Load() < 20 {
		runtime.Gosched()
	}
	n := int(committed.Load())
	path := filepath.Join(t.TempDir(), "sauvegarde.zip")
	m, err := backupzip.Write(ctx, db, docs, path, backupzip.Options{Kind: "demo"})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if m.Scope != province || len(m.Documents) < len(before)/2 || m.AuditHead == "" {
		t.Errorf("manifest: scope %q, %d document files, audit head %q", m.Scope, len(m.Documents),
			m.AuditHead)
	}

	// Restored into a new data folder.
	dir := t.TempDir()
	store, restoredDocs := filepath.Join(dir, "intiqa.db"), filepath.Join(dir, "documents")
	if _, _, err := backupzip.Restore(ctx, path, store, restoredDocs, nil); err != nil {
		t.Fatal(err)
	}
	mustIntegrityOK(t, store)
	rdb, err := localdb.Open(ctx, store, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	for i := range n {
		if _, err := rdb.User(ctx, fmt.Sprintf("u%d", i)); err != nil {
			t.Fatalf("account u%d, committed before the archive began, is missing: %v", i, err)
		}
		d, err := rdb.Document(ctx, fmt.Sprintf("test-%d", i))
		if err != nil {
			t.Fatalf("document test-%d, committed before the archive began, is missing: %v", i, err)
		}
		if _, err := (localdb.Files{Dir: restoredDocs}).Read(d); err != nil {
			t.Fatalf("document test-%d's file: %v", i, err)
		}
	}

	// Every document of the restored store has its file, checked.
	all, err := rdb.DocumentFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range all {
		if _, err := (localdb.Files{Dir: restoredDocs}).Read(&all[i]); err != nil {
			t.Fatalf("restored document %s: %v", all[i].ID, err)
		}
	}
	t.Logf("archive under writes: %d committed before, %d documents restored, %d missing",
		n, len(all), len(m.Missing))
}

func mustIntegrityOK(tb testing.TB, path string) {
	tb.Helper()
	pool, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer pool.Close()
	var msg string
	if err := pool.QueryRow(`PRAGMA integrity_check`).Scan(&msg); err != nil || msg != "ok" {
		tb.Fatalf("integrity_check of %s: %q, %v", path, msg, err)
	}
}

// TestWriteMissingFiles records the files not on the computer in the
// manifest, and restores without them.
func TestWriteMissingFiles(t *testing.T) {
	ctx := context.Background()
	db, docs := mustStore(t)
	entries, err := os.ReadDir(docs)
	if err != nil || len(entries) < 2 {
		t.Fatalf("%d document files: %v", len(entries), err)
	}
	gone := entries[0].Name()
	if err := os.Remove(filepath.Join(docs, gone)); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(docs, entries[1].Name()) // altered on disk: left out too
	if err := os.WriteFile(bad, []byte("altéré"), 0o600); err != nil {
		t.Fatal(err)
	}
	path, m := mustArchive(t, db, docs)
	if len(m.Missing) != 2 {
		t.Fatalf("missing %v; want the two files", m.Missing)
	}
	dir := t.TempDir()
	if _, _, err := backupzip.Restore(ctx, path, filepath.Join(dir, "intiqa.db"),
		filepath.Join(dir, "documents"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "documents", gone)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file was restored: %v", err)
	}
}

// TestRestoreReplaces restores over a store that changed since the
// archive: the store is back as it was, the replaced one kept.
func TestRestoreReplaces(t *testing.T) {
	ctx := context.Background()
	db, docs := mustStore(t)
	path, m := mustArchive(t, db, docs)
	store := db.Path()
	u := &selection.User{Name: "apres", DisplayName: "Après", Role: selection.UserPanel,
		PasswordHash: "$argon2id$v=19$m=1,t=1,p=1$c2Fs$aGFz", CreatedAt: time.Now().UTC()}
	if err := db.PutUser(ctx, "test", u); err != nil {
		t.Fatal(err)
	}

	// Refused while the store is open.
	_, _, err := backupzip.Restore(ctx, path, store, docs, nil)
	if !errors.Is(err, localdb.ErrStoreInUse) {
		t.Fatalf("restore over an open store: %v; want ErrStoreInUse", err)
	}
	db.Close()

	// One file the archive holds went bad on disk, another went missing:
	// the restore puts both back, and leaves the others as they are.
	bad, gone := m.Documents[0], m.Documents[1]
	badPath := filepath.Join(docs, filepath.Base(bad.Name))
	if err := os.WriteFile(badPath, []byte("abîmé"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(docs, filepath.Base(gone.Name))); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(docs, filepath.Base(m.Documents[2].Name))
	otherInfo, err := os.Stat(other)
	if err != nil {
		t.Fatal(err)
	}
	kept, got, err := backupzip.Restore(ctx, path, store, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []backupzip.Member{bad, gone} {
		sum := fileSum(t, filepath.Join(docs, filepath.Base(d.Name)))
		if hex.EncodeToString(sum[:]) != d.SHA256 {
			t.Errorf("%s not put back", d.Name)
		}
	}
	if st, err := os.Stat(other); err != nil || !st.ModTime().Equal(otherInfo.ModTime()) {
		t.Errorf("a file already in place was rewritten: %v", err)
	}
	if got.AuditHead != m.AuditHead {
		t.Errorf("restored audit head %s; archive %s", got.AuditHead, m.AuditHead)
	}
	rdb, err := localdb.Open(ctx, store, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if _, err := rdb.User(ctx, "apres"); !errors.Is(err, localdb.ErrNotFound) {
		t.Errorf("the account made after the archive: %v; want not found", err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("the replaced store is not kept: %v", err)
	}
}

// TestRestoreRefusesDamaged offers damaged archives: each is refused
// with ErrBadArchive, the store and the document files untouched, and
// nothing left behind.
func TestRestoreRefusesDamaged(t *testing.T) {
	ctx := context.Background()
	db, docs := mustStore(t)
	good, m := mustArchive(t, db, docs)
	db.Close()
	aDoc := m.Documents[0].Name

	tests := []struct {
		name   string
		damage func(t *testing.T, src, dst string)
		why    string
	}{
		{"Truncated", truncate(0.5), "zip"},
		{"TruncatedTail", truncate(0.999), "zip"},
		{"Empty", truncate(0), "zip"},
		{"FlippedByte", flipByte(0.3), ""},
		{"StoreAltered", rewrite(func(name string, b []byte) []byte {
			if name == "intiqa.db" {
				b[len(b)/2] ^= 0xff // a page of the store, with a valid zip checksum
			}
			return b
		}), "store"},
		{"DocumentAltered", rewrite(func(name string, b []byte) []byte {
			if name == aDoc {
				b[len(b)-1] ^= 0x01
			}
			return b
		}), "SHA-256"},
		{"DocumentDropped", rewrite(func(name string, b []byte) []byte {
			if name == aDoc {
				return nil
			}
			return b
		}), "missing from the archive"},
		{"ExtraMember", addMember("../../evil.txt", "x"), "not in the manifest"},
		{"ManifestHashEdited", editManifest(func(m *backupzip.Manifest) {
			m.Store.SHA256 = strings.Repeat("0", 64)
		}), "SHA-256"},
		{"ManifestFormat", editManifest(func(m *backupzip.Manifest) { m.Format = "autre/9" }), "format"},
		{"ManifestAuditHead", editManifest(func(m *backupzip.Manifest) {
			m.AuditHead = strings.Repeat("a", 64)
		}), "the manifest says"},
		{"ReferencedNotListed", rewrite(func(name string, b []byte) []byte {
			switch name {
			case aDoc:
				return nil
			case "manifest.json":
				return editedManifest(b, func(m *backupzip.Manifest) { m.Documents = m.Documents[1:] })
			}
			return b
		}), "neither in the archive nor listed missing"},
		{"TraversalName", editManifest(func(m *backupzip.Manifest) {
			m.Documents[0].Name = "documents/../../" + m.Documents[0].SHA256 + ".pdf"
		}), "not named by its SHA-256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			damaged := filepath.Join(t.TempDir(), "abimee.zip")
			tt.damage(t, good, damaged)
			storeSum, docsBefore := fileSum(t, db.Path()), listing(t, docs)
			_, _, err := backupzip.Restore(ctx, damaged, db.Path(), docs, nil)
			if !errors.Is(err, backupzip.ErrBadArchive) {
				t.Fatalf("restore: %v; want ErrBadArchive", err)
			}
			if !strings.Contains(err.Error(), tt.why) {
				t.Errorf("the error %q does not say %q", err, tt.why)
			}
			if fileSum(t, db.Path()) != storeSum {
				t.Error("the store changed")
			}
			if got := listing(t, docs); got != docsBefore {
				t.Error("the document files changed")
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db.Path()), ".intiqa-*")); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			_, err = backupzip.Check(ctx, damaged, t.TempDir(), nil)
			if !errors.Is(err, backupzip.ErrBadArchive) {
				t.Errorf("check: %v; want ErrBadArchive", err)
			}
		})
	}
	if _, err := backupzip.Check(ctx, good, t.TempDir(), nil); err != nil {
		t.Errorf("the good archive fails its check: %v", err)
	}
}

// TestWriteCancelled leaves no archive behind.
func TestWriteCancelled(t *testing.T) {
	db, docs := mustStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	path := filepath.Join(t.TempDir(), "sauvegarde.zip")
	_, err := backupzip.Write(ctx, db, docs, path, backupzip.Options{Progress: func(done, total int) {
		if done == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("write: %v; want cancelled", err)
	}
	if left, _ := os.ReadDir(filepath.Dir(path)); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

func fileSum(tb testing.TB, path string) [32]byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return sha256.Sum256(data)
}

// listing names the files of a folder with their sizes and times.
func listing(tb testing.TB, dir string) string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %d %s", e.Name(), info.Size(), info.ModTime()))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// truncate keeps a share of the archive's bytes.
func truncate(share float64) func(*testing.T, string, string) {
	return func(t *testing.T, src, dst string) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data[:int(float64(len(data))*share)], 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// flipByte inverts one byte of the archive, at a share of its length.
func flipByte(at float64) func(*testing.T, string, string) {
	return func(t *testing.T, src, dst string) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		data[int(float64(len(data))*at)] ^= 0xff
		if err := os.WriteFile(dst, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// rewrite copies the archive member by member through edit, which may
// change a member's bytes (the zip's checksums then match the new
// bytes) or drop it (nil).
func rewrite(edit func(name string, b []byte) []byte) func(*testing.T, string, string) {
	return func(t *testing.T, src, dst string) {
		zr, err := zip.OpenReader(src)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		out, err := os.Create(dst)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		zw := zip.NewWriter(out)
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			if b = edit(f.Name, b); b == nil {
				continue
			}
			w, err := zw.Create(f.Name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(b); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// editManifest rewrites the archive with an edited manifest.
func editManifest(edit func(*backupzip.Manifest)) func(*testing.T, string, string) {
	return rewrite(func(name string, b []byte) []byte {
		if name != "manifest.json" {
			return b
		}
		return editedManifest(b, edit)
	})
}

// editedManifest returns a manifest's bytes edited.
func editedManifest(b []byte, edit func(*backupzip.Manifest)) []byte {
	var m backupzip.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	edit(&m)
	out, err := json.Marshal(&m)
	if err != nil {
		panic(err)
	}
	return out
}

// addMember rewrites the archive with one more file.
func addMember(name, content string) func(*testing.T, string, string) {
	return func(t *testing.T, src, dst string) {
		rewrite(func(_ string, b []byte) []byte { return b })(t, src, dst+".tmp")
		zr, err := zip.OpenReader(dst + ".tmp")
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		out, err := os.Create(dst)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		zw := zip.NewWriter(out)
		for _, f := range zr.File {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
