package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"intiqa/selection"
	"intiqa/selection/office"
	"intiqa/selection/synth"
	"intiqa/ui"
)

// mustBackend returns a backend over a new data directory whose
// demonstration is the smallest province, to keep the tests quick (the
// smoke test runs the real one).
func mustBackend(tb testing.TB) *backend {
	tb.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := newBackend(context.Background(), filepath.Join(tb.TempDir(), "data"), log)
	b.demoProvince = mustSmallestProvince(tb)
	return b
}

func mustSmallestProvince(tb testing.TB) string {
	tb.Helper()
	g, err := synth.New(demoSeed, "")
	if err != nil {
		tb.Fatal(err)
	}
	best, fewest := "", 0
	for code, n := range g.ProvinceCounts() {
		if best == "" || n < fewest || (n == fewest && code < best) {
			best, fewest = code, n
		}
	}
	return best
}

func TestBackendOpenWithoutStore(t *testing.T) {
	b := mustBackend(t)
	if _, err := b.Open(context.Background(), func(ui.Progress) {}); !errors.Is(err, ui.ErrNoStore) {
		t.Errorf("Open on an empty data directory = %v; want ErrNoStore", err)
	}
}

// TestBackendDemo creates a demonstration store for real, with the
// administrator of the first run, then opens it again without
// generating.
func TestBackendDemo(t *testing.T) {
	ctx := context.Background()
	b := mustBackend(t)
	t.Cleanup(func() { b.Close() })
	g, err := synth.New(demoSeed, b.demoProvince)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := office.NewAccount("admin", "Admin", selection.UserAdmin, "long enough pass",
		time.Now())
	if err != nil {
		t.Fatal(err)
	}
	steps := map[ui.Step]bool{}
	ds, err := b.OpenDemo(ctx, admin, func(p ui.Progress) { steps[p.Step] = true })
	if err != nil {
		t.Fatalf("OpenDemo: %v", err)
	}
	for _, s := range []ui.Step{ui.StepGenerate, ui.StepImportApplicants, ui.StepImportNeeds,
		ui.StepImportTraining, ui.StepDocuments, ui.StepPreselection, ui.StepDecisions} {
		if !steps[s] {
			t.Errorf("step %d never reported", s)
		}
	}
	if !ds.Demo || ds.Office.Scope() != b.demoProvince || ds.DemoPassword == "" {
		t.Errorf("demo dataset: demo %v, scope %q", ds.Demo, ds.Office.Scope())
	}
	if _, err := ds.Office.SignIn(ctx, "admin", "long enough pass"); err != nil {
		t.Errorf("the first run's administrator cannot sign in: %v", err)
	}
	if _, err := ds.Office.SignIn(ctx, "superviseur", ds.DemoPassword); err != nil {
		t.Fatal(err)
	}
	if n, err := ds.Office.CountApplicants(ctx); err != nil || n != g.Count() {
		t.Errorf("demo holds %d applicants (%v); want %d", n, err, g.Count())
	}
	if _, err := os.Stat(filepath.Join(b.dir, demoFile+".partial")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unfinished store left behind: %v", err)
	}

	// Open finds the demonstration store and reads it without generating.
	steps = map[ui.Step]bool{}
	again, err := b.Open(ctx, func(p ui.Progress) { steps[p.Step] = true })
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if !again.Demo || steps[ui.StepGenerate] {
		t.Errorf("reopened demo: demo %v, generated %v", again.Demo, steps[ui.StepGenerate])
	}
}

func TestBackendDemoCancelled(t *testing.T) {
	b := mustBackend(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := b.OpenDemo(ctx, nil, func(p ui.Progress) {
		if p.Step == ui.StepGenerate && p.Done == 10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled OpenDemo = %v; want context.Canceled", err)
	}
	entries, _ := os.ReadDir(b.dir)
	for _, e := range entries {
		if e.Name() != demoDocs {
			t.Errorf("cancelled demo left %s behind", e.Name())
		}
	}
}
