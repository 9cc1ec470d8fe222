package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"intiqa/cmd/intiqa-hq/internal/mail"
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
	db.Close()
	addDecisions(b, path, g)
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

// Decision volumes of the national benchmark store, after SEED.md: the
// documents examined (51,842, of which 1,536 rejected), and for the
// interviews, about 120,000 candidates convoked, 55,000 selected and
// 30,000 on the final waiting lists, 2,000 withdrawals.
const (
	benchReviewed    = 51842
	benchRejectEvery = 34 // one review in 34 rejects: 1,525
	benchConvoked    = 120000
	benchWithdrawals = 2000
)

// addDecisions writes the provinces' decisions into the store at path,
// as synchronisation would bring them, with plain SQL in one
// transaction: reviews of the generated documents, convocations of the
// first invited applicants, and a committed final selection per
// province with withdrawals.
func addDecisions(b *testing.B, path string, g *synth.Generator) {
	b.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) {
		if _, err := tx.Exec(q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	at := "2024-05-02T09:00:00.000000000Z"
	n := 0
	for d := range g.Documents() {
		exec(`INSERT INTO documents (id, applicant_id, kind, sha256, media_type, size, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, d.ID, d.ApplicantID, string(d.Kind),
			fmt.Sprintf("%x", sha256.Sum256([]byte(d.ID))), d.MediaType, 1000, at)
		if n < benchReviewed {
			verdict, reason := "accepted", ""
			if n%benchRejectEvery == 0 {
				verdict, reason = "rejected", "unreadable"
			}
			exec(`INSERT INTO reviews (id, document_id, verdict, reason, reviewer, reviewed_at,
				version) VALUES (?, ?, ?, ?, 'sup', ?, 1)`, "R"+d.ID, d.ID, verdict, reason, at)
		}
		n++
	}
	exec(`INSERT INTO interview_sessions (id, province_code, starts_at, place, panel, version)
		SELECT 'S-' || code, code, ?, 'Siège de la province', '[]', 1 FROM provinces`, at)
	exec(`INSERT INTO convocations (session_id, applicant_id, slot, role)
		SELECT 'S-' || a.province_code, o.applicant_id, ?, 'enumerator'
		FROM outcomes o JOIN runs r ON r.id = o.run_id JOIN applicants a ON a.id = o.applicant_id
		WHERE r.kind = 'preselection' AND o.status = 'invited'
		ORDER BY o.applicant_id LIMIT ?`, at, benchConvoked)
	exec(`INSERT INTO runs (id, kind, scope, rules_version, rules_hash, seed, params, input_hash,
		output_hash, started_at, committed_at, created_by)
		SELECT 'fin-' || code, 'final', code, '2024.1', '', '', '{}', '', '', ?, ?, 'sup'
		FROM provinces`, at, at)
	// Of each province's convoked, by applicant: 46% selected, the next
	// 25% waiting.
	exec(`INSERT INTO outcomes (run_id, applicant_id, status, commune_code, role, rank, score,
		lottery)
		SELECT 'fin-' || province, applicant_id,
			CASE WHEN pos * 100 < 46 * total THEN 'selected'
				WHEN pos * 100 < 71 * total THEN 'waiting' ELSE 'not_selected' END,
			commune, CASE WHEN pos * 100 < 46 * total THEN 'enumerator' ELSE '' END,
			pos + 1, 50, '0'
		FROM (SELECT a.province_code AS province, c.applicant_id, a.choice_1 AS commune,
			row_number() OVER (PARTITION BY a.province_code ORDER BY c.applicant_id) - 1 AS pos,
			count(*) OVER (PARTITION BY a.province_code) AS total
			FROM convocations c JOIN applicants a ON a.id = c.applicant_id)`)
	exec(`WITH sel AS (SELECT run_id, applicant_id,
			row_number() OVER (PARTITION BY run_id ORDER BY applicant_id) AS k
			FROM outcomes WHERE status = 'selected' AND run_id LIKE 'fin-%'),
		wai AS (SELECT run_id, applicant_id,
			row_number() OVER (PARTITION BY run_id ORDER BY rank) AS k
			FROM outcomes WHERE status = 'waiting' AND run_id LIKE 'fin-%')
		INSERT INTO withdrawals (id, run_id, applicant_id, reason, replaced_by, recorded_by,
			recorded_at)
		SELECT 'W-' || sel.applicant_id, sel.run_id, sel.applicant_id, 'désistement',
			coalesce(wai.applicant_id, ''), 'sup', ?
		FROM sel LEFT JOIN wai ON wai.run_id = sel.run_id AND wai.k = sel.k
		WHERE sel.k <= 30 LIMIT ?`, at, benchWithdrawals)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkMailPlanNational plans the national notices of a committed
// pre-selection of the 488,321 generated applicants and the provinces'
// decisions at SEED.md's volumes, with a round of training reminders
// (First), then plans again, adding nothing (Again), then plans only the
// kinds that follow the provinces' decisions, for every applicant
// (Decisions) and for the 1,000 applicants of a synchronised batch
// (Batch), then renders and checks every pending message (DryRun).
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
	b.Run("Batch", func(b *testing.B) {
		var ids []string
		for n, err := range db.Notifications(ctx, localdb.NotificationFilter{
			Kind: selection.NotifyConvocation, Limit: 1000}) {
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, n.ApplicantID)
		}
		measure(b, func(b *testing.B) {
			plan(b, selection.PlanOptions{Kinds: selection.DecisionNotificationKinds,
				Applicants: ids})
		})
	})
	b.Run("DryRun", func(b *testing.B) {
		tmpl, err := mail.LoadTemplates()
		if err != nil {
			b.Fatal(err)
		}
		r, err := mail.NewRenderer(ctx, db, tmpl, mail.Links{})
		if err != nil {
			b.Fatal(err)
		}
		measure(b, func(b *testing.B) {
			rep, err := r.DryRun(ctx)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(rep.Pending), "rendered")
		})
	})
	c, err := db.NotificationCounts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("outbox: %d notifications, by kind %v", c.Total, c.ByKind)
}
