package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	"intiqa/selection/synth"
)

// mustNationalMailStore returns a copy of the national store with its
// pre-selection run committed and the generated training progress
// imported: the facts that the national notices come from. The prepared
// store is cached beside the national one.
func mustNationalMailStore(b *testing.B) string {
	b.Helper()
	prepared := filepath.Join(benchDir(b), "national-mail.db")
	if _, err := os.Stat(prepared); err != nil {
		start := time.Now()
		tmp := prepared + ".part"
		mustCopy(b, mustNationalStore(b), tmp)
		prepareMailStore(b, tmp)
		if err := os.Rename(tmp, prepared); err != nil {
			b.Fatal(err)
		}
		b.Logf("prepared %s in %s", prepared, time.Since(start))
	}
	path := filepath.Join(b.TempDir(), "national.db")
	mustCopy(b, prepared, path)
	return path
}

// prepareMailStore runs, stores and commits the national pre-selection
// in the store at path, and imports the generated training progress.
func prepareMailStore(b *testing.B, path string) {
	b.Helper()
	ctx := context.Background()
	in, err := loadStoreInputs(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	g, err := synth.New(benchSeed, "")
	if err != nil {
		b.Fatal(err)
	}
	in.needs = g.Needs()
	p, err := selection.Preselect(selection.PreselectInput{Rules: selection.DefaultRules(),
		Seed: "2024", Applicants: in.applicants, Needs: in.needs})
	if err != nil {
		b.Fatal(err)
	}
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	run := p.Run
	run.ID, run.StartedAt = preselectionRunID(&run), time.Now().UTC()
	if err := db.SaveRun(ctx, "bench", &run, p.Outcomes); err != nil {
		b.Fatal(err)
	}
	if _, err := db.CommitRun(ctx, "bench", run.ID); err != nil {
		b.Fatal(err)
	}
	rows := func(yield func(selection.Row[*selection.TrainingProgress], error) bool) {
		line := 1
		for t := range g.Training() {
			line++
			if !yield(selection.Row[*selection.TrainingProgress]{Line: line, Value: t}, nil) {
				return
			}
		}
	}
	src := selection.Source{File: "training.xlsx", Sheet: "training", SHA256: "bench"}
	if _, err := db.ImportTraining(ctx, "bench", src, rows, nil); err != nil {
		b.Fatal(err)
	}
}

func mustCopy(tb testing.TB, from, to string) {
	tb.Helper()
	src, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		tb.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkMailPlanNational plans the national notices of a committed
// pre-selection of the 488,321 generated applicants, with a round of
// training reminders (First), then plans again, adding nothing (Again),
// then plans only the kinds that follow the provinces' decisions, as
// after each synchronised batch (Decisions).
func BenchmarkMailPlanNational(b *testing.B) {
	ctx := context.Background()
	path := mustNationalMailStore(b)
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	plan := func(b *testing.B, opts selection.PlanOptions) {
		res, err := db.PlanNotifications(ctx, "bench", opts)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Total), "added")
	}
	b.Run("First", func(b *testing.B) {
		if b.N > 1 {
			b.Skip("the first planning runs once")
		}
		measure(b, func(b *testing.B) { plan(b, selection.PlanOptions{TrainingReminder: "r1"}) })
	})
	b.Run("Again", func(b *testing.B) {
		measure(b, func(b *testing.B) { plan(b, selection.PlanOptions{TrainingReminder: "r1"}) })
	})
	b.Run("Decisions", func(b *testing.B) {
		measure(b, func(b *testing.B) {
			plan(b, selection.PlanOptions{Kinds: selection.DecisionNotificationKinds})
		})
	})
	c, err := db.NotificationCounts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("outbox: %d notifications, by kind %v", c.Total, c.ByKind)
}
