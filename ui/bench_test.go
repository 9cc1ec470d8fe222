package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"intiqa/localdb"
	"intiqa/localdb/demo"
	"intiqa/selection"
	"intiqa/selection/office"
	"intiqa/selection/synth"
)

// largeApplicants is the size of the largest province a laptop holds
// (PRODUCT.md).
const largeApplicants = 60_000

// largeProvince is the province the large store is scoped to: the
// largest of the generator's, whose applicants are topped up to 60,000
// with those of other provinces moved onto its communes.
const largeProvince = "06.141"

// donors give the applicants moved onto the large province.
var donors = []string{"07.351", "01.511"}

var large struct {
	once sync.Once
	dir  string
	err  error
}

// mustLargeStore builds (once per test binary) a store of 60,000
// applicants of one province, with needs, training, document metadata
// and a committed pre-selection, and returns its path.
func mustLargeStore(tb testing.TB) string {
	tb.Helper()
	large.once.Do(func() {
		large.dir, large.err = os.MkdirTemp("", "intiqa-ui-bench-")
		if large.err == nil {
			large.err = buildLarge(filepath.Join(large.dir, "large.db"))
		}
	})
	if large.err != nil {
		tb.Fatal(large.err)
	}
	tb.Cleanup(func() {}) // the directory goes with the test binary's TestMain
	return filepath.Join(large.dir, "large.db")
}

// buildLarge fills the large store.
func buildLarge(path string) error {
	ctx := context.Background()
	main, err := synth.New(1, largeProvince)
	if err != nil {
		return err
	}
	communes := main.Territory().CommunesOf(largeProvince)
	var apps []*selection.Applicant
	var training []*selection.TrainingProgress
	var docs []selection.Document
	for _, code := range append([]string{largeProvince}, donors...) {
		g, err := synth.New(1, code)
		if err != nil {
			return err
		}
		moved := map[string]bool{}
		for a := range g.Applicants() {
			if len(apps) == largeApplicants {
				break
			}
			for i, c := range a.Choices {
				a.Choices[i] = communes[int(selection.Lottery("move", c)%uint64(len(communes)))].Code
			}
			a.Choices = dedupe(a.Choices)
			apps = append(apps, a)
			moved[a.ID] = true
		}
		for t := range g.Training() {
			if moved[t.ApplicantID] {
				training = append(training, t)
			}
		}
		for d := range g.Documents() {
			if moved[d.ApplicantID] {
				sum := sha256.Sum256([]byte(d.ID))
				d.SHA256, d.Size = hex.EncodeToString(sum[:]), 4096
				docs = append(docs, d)
			}
		}
	}
	db, err := localdb.Open(ctx, path, localdb.Options{Scope: largeProvince})
	if err != nil {
		return err
	}
	defer db.Close()
	src := selection.Source{File: "synth", Sheet: "applicants"}
	if _, err := db.ImportApplicants(ctx, "bench", src, rowsOf(apps), nil); err != nil {
		return err
	}
	needs := main.Needs()
	needRows := make([]*selection.Need, len(needs))
	for i := range needs {
		needRows[i] = &needs[i]
	}
	if _, err := db.ImportNeeds(ctx, "bench", src, rowsOf(needRows), nil); err != nil {
		return err
	}
	if _, err := db.ImportTraining(ctx, "bench", src, rowsOf(training), nil); err != nil {
		return err
	}
	if err := db.PutDocuments(ctx, "bench", docs); err != nil {
		return err
	}
	p, err := selection.Preselect(selection.PreselectInput{Rules: selection.DefaultRules(),
		Seed: "bench", Applicants: apps, Needs: needs})
	if err != nil {
		return err
	}
	run := p.Run
	run.ID, run.Scope, run.CreatedBy = "pre-bench", largeProvince, "bench"
	run.StartedAt, run.CommittedAt = time.Now().UTC(), time.Now().UTC()
	for i := range p.Outcomes {
		p.Outcomes[i].RunID = run.ID
	}
	if err := db.SaveRun(ctx, "bench", &run, p.Outcomes); err != nil {
		return err
	}
	hash, err := office.HashPassword(demo.Password)
	if err != nil {
		return err
	}
	return db.PutUser(ctx, "bench", &selection.User{Name: "superviseur", DisplayName: "S",
		Role: selection.UserSupervisor, PasswordHash: hash, CreatedAt: time.Now()})
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		seen := false
		for _, y := range out {
			seen = seen || x == y
		}
		if !seen {
			out = append(out, x)
		}
	}
	return out
}

func rowsOf[T any](vals []T) iter.Seq2[selection.Row[T], error] {
	return func(yield func(selection.Row[T], error) bool) {
		for i, v := range vals {
			if !yield(selection.Row[T]{Line: i + 2, Value: v}, nil) {
				return
			}
		}
	}
}

// benchSession opens a store and signs its supervisor in, in a test
// window of a laptop's size. Signing in, deliberately slow (argon2id),
// is kept out of the benchmark's timer.
func benchSession(b *testing.B, path string, files localdb.Files) (*session, fyne.Window, func()) {
	b.Helper()
	ctx := context.Background()
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	svc := office.New(db, files, office.Options{})
	b.StopTimer()
	if _, err := svc.SignIn(ctx, "superviseur", demo.Password); err != nil {
		b.Fatal(err)
	}
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1200, 720))
	b.StartTimer()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ds := &Dataset{Office: svc}
	sh := NewShell(w, nil, log)
	sh.ds = ds
	s := &session{ctx: ctx, win: w, svc: svc, ds: ds, log: log, shell: sh}
	var once sync.Once
	return s, w, func() { once.Do(func() { w.Close(); db.Close() }) }
}

// BenchmarkOpenProvinceFirstList measures opening a 60,000-applicant
// province's store to the applicants screen showing its first rows:
// the store opened and the service over it, the screen built, the first
// page read, listed and laid out. (Signing in is not counted: argon2id takes its time on
// purpose.) The rest of the list then loads in the background; its time
// is reported as full-load-ms.
func BenchmarkOpenProvinceFirstList(b *testing.B) {
	test.NewTempApp(b)
	path := mustLargeStore(b)
	var full time.Duration
	n := 0
	for b.Loop() {
		// Open the store (signing in is left out of the timer).
		sess, w, done := benchSession(b, path, localdb.Files{})
		queued := goAsync
		var background func()
		goAsync = func(f func()) { background = f }

		// Open the screen; its loading is captured, then its first
		// step run here, as the background goroutine would.
		sc := newApplicantsScreen(sess)
		w.SetContent(sc.build())
		page, err := sc.readFirst()
		if err != nil {
			b.Fatal(err)
		}
		sc.appendRows(page)
		w.Content().Refresh()
		if sc.table == nil || sc.model.Len() != firstPage {
			b.Fatalf("first list of %d rows", sc.model.Len())
		}

		b.StopTimer()
		goAsync = queued
		start := time.Now()
		rest, outs, files, err := sc.readRest(len(page))
		if err != nil {
			b.Fatal(err)
		}
		sc.appendRows(rest)
		sc.model.SetOutcomes(outs)
		sc.model.SetDossiers(files)
		full += time.Since(start)
		n++
		if sc.model.Total() != largeApplicants {
			b.Fatalf("%d applicants listed; want %d", sc.model.Total(), largeApplicants)
		}
		_ = background
		done()
		b.StartTimer()
	}
	b.ReportMetric(float64(full.Milliseconds())/float64(n), "full-load-ms")
}

// BenchmarkFilterAsYouType measures one keystroke of the search over
// 60,000 applicants: the query alone (the list's filter), then with the
// table and the count redrawn. The keystrokes type a Latin name, an Arabic name, a CIN and
// an e-mail, letter by letter.
func BenchmarkFilterAsYouType(b *testing.B) {
	test.NewTempApp(b)
	path := mustLargeStore(b)
	sess, w, done := benchSession(b, path, localdb.Files{})
	defer done()
	sc := newApplicantsScreen(sess)
	w.SetContent(sc.build()) // loads everything: goAsync runs at once in tests
	if sc.model.Total() != largeApplicants {
		b.Fatalf("%d applicants listed", sc.model.Total())
	}
	var typed []string
	for _, q := range []string{"bennani", "العلوي", "JE12", "naciri25"} {
		r := []rune(q)
		for i := 1; i <= len(r); i++ {
			typed = append(typed, string(r[:i]))
		}
	}
	b.Run("Query", func(b *testing.B) {
		i := 0
		for b.Loop() {
			sc.model.SetFilter(typed[i%len(typed)])
			i++
		}
	})
	b.Run("QueryAndRedraw", func(b *testing.B) {
		i := 0
		for b.Loop() {
			sc.onSearchChanged(typed[i%len(typed)])
			i++
		}
	})
}

var reviewStore struct {
	once sync.Once
	dir  string
	err  error
}

// mustReviewStore builds (once) the demonstration province with its
// document files, for the review benchmark.
func mustReviewStore(b *testing.B) (string, localdb.Files) {
	b.Helper()
	reviewStore.once.Do(func() {
		reviewStore.dir, reviewStore.err = os.MkdirTemp("", "intiqa-ui-review-")
		if reviewStore.err == nil {
			reviewStore.err = demo.Build(context.Background(),
				filepath.Join(reviewStore.dir, "demo.db"),
				localdb.Files{Dir: filepath.Join(reviewStore.dir, "documents")},
				demo.Options{Seed: 1})
		}
	})
	if reviewStore.err != nil {
		b.Fatal(reviewStore.err)
	}
	return filepath.Join(reviewStore.dir, "demo.db"),
		localdb.Files{Dir: filepath.Join(reviewStore.dir, "documents")}
}

// BenchmarkReviewDecisionToNextFile measures a supervisor's keystroke in
// the review queue of the demonstration province (5,273 documents, real
// PNG and PDF files): the verdict written to the store with its audit
// entry, and the next document on screen with its image. The prefetch
// of the document three places ahead runs in the keystroke too (tests
// run background work at once), so the figure is an upper bound.
func BenchmarkReviewDecisionToNextFile(b *testing.B) {
	test.NewTempApp(b)
	path, files := mustReviewStore(b)
	copyPath := filepath.Join(b.TempDir(), "demo.db")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(copyPath, data, 0o600); err != nil {
		b.Fatal(err)
	}
	sess, w, done := benchSession(b, copyPath, files)
	defer done()
	sc := newReviewScreen(sess)
	w.SetContent(sc.build())
	if sc.item == nil {
		b.Fatal("empty review queue")
	}
	keys := []fyne.KeyName{fyne.KeyA, fyne.KeyA, fyne.KeyA, fyne.KeyR, fyne.Key2}
	i := 0
	for b.Loop() {
		before := sc.queue.Position()
		for {
			sc.onKey(&fyne.KeyEvent{Name: keys[i%len(keys)]})
			i++
			if !sc.rejecting {
				break
			}
		}
		if sc.queue.Position() != before+1 || sc.item == nil {
			b.Fatalf("queue at %d after a decision at %d", sc.queue.Position(), before)
		}
	}
}
