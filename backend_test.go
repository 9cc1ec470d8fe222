package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"intiqa/selection/synth"
	"intiqa/ui"
)

// mustBackend returns a backend over a new data directory whose
// demonstration is the smallest province, to keep the tests quick (the
// smoke test runs the real one).
func mustBackend(tb testing.TB) *backend {
	tb.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := newBackend(filepath.Join(tb.TempDir(), "data"), log)
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

// TestBackendDemo creates a demonstration store for real, then opens it
// again without generating.
func TestBackendDemo(t *testing.T) {
	b := mustBackend(t)
	g, err := synth.New(demoSeed, b.demoProvince)
	if err != nil {
		t.Fatal(err)
	}
	steps := map[ui.Step]bool{}
	ds, err := b.OpenDemo(context.Background(), func(p ui.Progress) { steps[p.Step] = true })
	if err != nil {
		t.Fatalf("OpenDemo: %v", err)
	}
	m := ds.Applicants
	if !ds.Demo || m.Province.Code != b.demoProvince || m.Total() != g.Count() || m.Total() == 0 {
		t.Errorf("demo dataset: demo %v, province %q, %d applicants; want true, %q, %d",
			ds.Demo, m.Province.Code, m.Total(), b.demoProvince, g.Count())
	}
	for _, s := range []ui.Step{ui.StepGenerate, ui.StepImportApplicants, ui.StepImportNeeds,
		ui.StepImportTraining, ui.StepLoad} {
		if !steps[s] {
			t.Errorf("step %d never reported", s)
		}
	}
	if r := m.Row(0); r.NameAR == "" || r.CommuneFR == "" || r.CommuneAR == "" {
		t.Errorf("first row lacks names: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(b.dir, demoFile+".partial")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unfinished store left behind: %v", err)
	}

	// Open finds the demonstration store and reads it without generating.
	steps = map[ui.Step]bool{}
	again, err := b.Open(context.Background(), func(p ui.Progress) { steps[p.Step] = true })
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if again.Applicants.Total() != m.Total() || !again.Demo || steps[ui.StepGenerate] {
		t.Errorf("reopened demo: %d applicants, demo %v, generated %v; want %d, true, false",
			again.Applicants.Total(), again.Demo, steps[ui.StepGenerate], m.Total())
	}
}

func TestBackendDemoCancelled(t *testing.T) {
	b := mustBackend(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := b.OpenDemo(ctx, func(p ui.Progress) {
		if p.Step == ui.StepGenerate && p.Done == 10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled OpenDemo = %v; want context.Canceled", err)
	}
	entries, _ := os.ReadDir(b.dir)
	if len(entries) != 0 {
		t.Errorf("cancelled demo left %d files behind, e.g. %s", len(entries), entries[0].Name())
	}
}
