package sync_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"intiqa/selection"
	isync "intiqa/sync"
)

func TestDocumentDownloadResumesAndVerifies(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	proxy := MustProxy(t, f.srv.Listener.Addr().String(), 3)
	a1 := MustLaptop(t, f, "a1", provinceA, proxy.URL(), selection.SyncSupervisor, testOptions())
	if err := a1.c.Pull(ctx, func(isync.Progress) {}); err != nil {
		t.Fatal(err)
	}

	// A download cut halfway left a partial file: only the rest comes.
	d := f.docsA[len(f.docsA)-1]
	body := f.files[d.SHA256]
	if err := os.MkdirAll(a1.docs, 0o700); err != nil {
		t.Fatal(err)
	}
	half := len(body) / 2
	if err := os.WriteFile(a1.c.DocumentPath(d)+".part", body[:half], 0o600); err != nil {
		t.Fatal(err)
	}
	// Every other file is there already, but one, which is corrupt.
	for _, o := range f.docsA[:len(f.docsA)-2] {
		if err := os.WriteFile(a1.c.DocumentPath(o), f.files[o.SHA256], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	bad := f.docsA[len(f.docsA)-2]
	wrong := append([]byte("X"), f.files[bad.SHA256][1:]...)
	if err := os.WriteFile(a1.c.DocumentPath(bad)+".part", wrong, 0o600); err != nil {
		t.Fatal(err)
	}
	down := proxy.down.Load()
	err := a1.c.FetchDocuments(ctx, func(isync.Progress) {})
	if !errors.Is(err, isync.ErrCorrupt) {
		t.Fatalf("corrupt partial file: %v, want ErrCorrupt", err)
	}
	if _, err := os.Stat(a1.c.DocumentPath(bad) + ".part"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("corrupt partial file kept: %v", err)
	}

	// The next attempt fetches it whole, and the other file's rest only.
	if err := a1.c.FetchDocuments(ctx, func(isync.Progress) {}); err != nil {
		t.Fatal(err)
	}
	for _, x := range []selection.Document{d, bad} {
		got, err := os.ReadFile(a1.c.DocumentPath(x))
		if err != nil || string(got) != string(f.files[x.SHA256]) {
			t.Errorf("document %s: %v", x.ID, err)
		}
	}
	carried := proxy.down.Load() - down
	if max := int64(len(body)-half) + 2*int64(len(f.files[bad.SHA256])) + 4000; carried > max {
		t.Errorf("%d bytes downloaded, want at most %d: the partial file was not resumed", carried, max)
	}
}

func TestPanelLaptopSyncsWithoutDocuments(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	p := MustLaptop(t, f, "panel", provinceA, f.srv.URL, selection.SyncPanel, testOptions())
	p.mustSync(t)
	decide(t, p, provinceA, "S-panel", f.docsA[0].ApplicantID)

	// A panel pushes attendance and score sheets only: its session and
	// convocation are rejected and wait for a supervisor, and what
	// depends on them cannot apply either; the panel still pulls.
	p.mustSync(t)
	conflicts, err := p.c.Conflicts(ctx)
	if err != nil || len(conflicts) != 4 {
		t.Fatalf("conflicts: %d, %v; want 4", len(conflicts), err)
	}
	for _, c := range conflicts[:2] {
		if c.Status != selection.DecisionRejected || !strings.Contains(c.Reason, "panel") {
			t.Errorf("%s %s: %s %q", c.Kind, c.Key, c.Status, c.Reason)
		}
	}
	if _, err := f.db.Session(ctx, "S-panel"); err == nil {
		t.Error("headquarters holds the panel's session")
	}
	if entries, _ := os.ReadDir(p.docs); len(entries) != 0 {
		t.Errorf("a panel laptop downloaded %d documents", len(entries))
	}
}
