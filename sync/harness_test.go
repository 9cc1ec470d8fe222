package sync_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	"intiqa/selection/synth"
	isync "intiqa/sync"
)

// The provinces of the tests: two laptops in provinceA, one in provinceB.
const (
	provinceA = "09.163" // Chtouka-Aït Baha
	provinceB = "09.001" // Agadir Ida-Ou-Tanane
)

// hqFixture is a headquarters store with two provinces' applicants and
// documents, served over loopback.
type hqFixture struct {
	db    *localdb.DB
	docs  string
	srv   *httptest.Server
	dir   string
	files map[string][]byte // document files by SHA-256
	docsA []selection.Document
	docsB []selection.Document

	mu      sync.Mutex
	applied map[string]string // applicant ID to province, as OnApplied told
}

// appliedApplicants returns the applicants OnApplied was told of.
func (f *hqFixture) appliedApplicants() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.applied))
}

// fixtureSize is how many applicants of each province the fixture holds,
// and how many of them uploaded a document.
const (
	fixtureApplicants = 60
	fixtureUploaders  = 30
)

// MustHQ builds the headquarters fixture and its server.
func MustHQ(tb testing.TB) *hqFixture {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	db, err := localdb.Open(ctx, filepath.Join(dir, "hq.db"), localdb.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	f := &hqFixture{db: db, docs: filepath.Join(dir, "documents"), dir: dir,
		files: map[string][]byte{}}
	if err := os.MkdirAll(f.docs, 0o755); err != nil {
		tb.Fatal(err)
	}
	f.docsA = f.mustProvince(tb, provinceA)
	f.docsB = f.mustProvince(tb, provinceB)
	if _, err := db.PublishRules(ctx, "hq", selection.DefaultRulesJSON()); err != nil {
		tb.Fatal(err)
	}
	if err := db.PutRubric(ctx, "hq", testRubric()); err != nil {
		tb.Fatal(err)
	}
	srv := isync.NewServer(db, f.docs, slog.New(slog.DiscardHandler))
	f.applied = map[string]string{}
	srv.OnApplied(func(province string, applicants []string) {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, id := range applicants {
			f.applied[id] = province
		}
	})
	f.srv = httptest.NewServer(srv)
	tb.Cleanup(f.srv.Close)
	return f
}

// mustProvince imports the first applicants of a province, with their
// needs, and gives the first ones a document each.
func (f *hqFixture) mustProvince(tb testing.TB, province string) []selection.Document {
	tb.Helper()
	ctx := context.Background()
	g, err := synth.New(1, province)
	if err != nil {
		tb.Fatal(err)
	}
	var as []*selection.Applicant
	for a := range g.Applicants() {
		if len(as) == fixtureApplicants {
			break
		}
		as = append(as, a)
	}
	src := selection.Source{File: "test", Sheet: "applicants"}
	if _, err := f.db.ImportApplicants(ctx, "hq", src, rowsOf(as), nil); err != nil {
		tb.Fatal(err)
	}
	needs := g.Needs()
	for i := range needs {
		if err := f.db.PutNeed(ctx, "hq", &needs[i]); err != nil {
			tb.Fatal(err)
		}
	}
	// Training progress and the pre-selection's outcomes of every
	// applicant.
	outcomes := make([]selection.Outcome, len(as))
	for i, a := range as {
		t := &selection.TrainingProgress{ApplicantID: a.ID, Started: true, ModulesCompleted: 2,
			ModulesTotal: 5}
		if err := f.db.PutTraining(ctx, "hq", t); err != nil {
			tb.Fatal(err)
		}
		outcomes[i] = selection.Outcome{ApplicantID: a.ID, Status: selection.StatusInvited,
			CommuneCode: a.Choices[0], Rank: i + 1, Score: 50, Lottery: uint64(i)}
	}
	run := &selection.Run{ID: "PRE-" + province, Kind: selection.RunPreselection,
		Scope: province, RulesVersion: "2024.1", Seed: "1", StartedAt: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	if err := f.db.SaveRun(ctx, "hq", run, outcomes); err != nil {
		tb.Fatal(err)
	}

	var docs []selection.Document
	for i, a := range as[:fixtureUploaders] {
		body := make([]byte, 2000+97*i)
		rand.Read(body)
		sum := sha256.Sum256(body)
		d := selection.Document{ID: fmt.Sprintf("D-%s-%03d", province, i), ApplicantID: a.ID,
			Kind: selection.DocCIN, SHA256: hex.EncodeToString(sum[:]), MediaType: "image/png",
			Size: int64(len(body)), UploadedAt: time.Date(2024, 4, 1, 10, 0, i, 0, time.UTC)}
		if err := os.WriteFile(filepath.Join(f.docs, d.SHA256+".png"), body, 0o644); err != nil {
			tb.Fatal(err)
		}
		if err := f.db.PutDocument(ctx, "hq", &d); err != nil {
			tb.Fatal(err)
		}
		f.files[d.SHA256] = body
		docs = append(docs, d)
	}
	return docs
}

// rowsOf presents values as the rows of a file.
func rowsOf[T any](vs []T) iter.Seq2[selection.Row[T], error] {
	return func(yield func(selection.Row[T], error) bool) {
		for i, v := range vs {
			if !yield(selection.Row[T]{Line: i + 2, Value: v}, nil) {
				return
			}
		}
	}
}

func testRubric() *selection.Rubric {
	return &selection.Rubric{Version: "2024.1", Criteria: []selection.Criterion{
		{Code: "communication", LabelFR: "Communication", LabelAR: "التواصل", Weight: 0.5, Max: 4,
			Anchors: []string{"0", "1", "2", "3", "4"}},
		{Code: "tablet", LabelFR: "Tablette", LabelAR: "اللوحة", Weight: 0.5, Max: 4,
			Anchors: []string{"0", "1", "2", "3", "4"}},
	}}
}

// mustToken issues a token.
func (f *hqFixture) mustToken(tb testing.TB, province string, role selection.SyncRole) string {
	tb.Helper()
	tok, _, err := f.db.CreateToken(context.Background(), "hq", province, role, "test")
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// laptop is a province laptop: its store on disk and its client.
type laptop struct {
	name string
	db   *localdb.DB
	c    *isync.Client
	docs string
}

// testOptions keep retries quick in tests.
func testOptions() isync.Options {
	return isync.Options{Timeout: 10 * time.Second, Retries: 8, RetryWait: 5 * time.Millisecond,
		RetryMaxWait: 50 * time.Millisecond, BatchSize: 50, PageSize: 500}
}

// MustLaptop creates a laptop store of province and enrolls it with
// headquarters at url (the server, or a proxy in front of it).
func MustLaptop(tb testing.TB, f *hqFixture, name, province, url string, role selection.SyncRole,
	opts isync.Options) *laptop {
	tb.Helper()
	ctx := context.Background()
	dir := filepath.Join(tb.TempDir(), name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	db, err := localdb.Open(ctx, filepath.Join(dir, "intiqa.db"), localdb.Options{Scope: province})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	token := f.mustToken(tb, province, role)
	if _, err := isync.Enroll(ctx, db, "admin", url, token, opts); err != nil {
		tb.Fatal(err)
	}
	docs := filepath.Join(dir, "documents")
	c, err := isync.NewClient(db, docs, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return &laptop{name: name, db: db, c: c, docs: docs}
}

// mustSync runs a whole sync.
func (l *laptop) mustSync(tb testing.TB) {
	tb.Helper()
	if err := l.c.Sync(context.Background(), nil); err != nil {
		tb.Fatalf("%s: sync: %v", l.name, err)
	}
}

// request sends a request to the server with a token and returns the
// status and body.
func request(tb testing.TB, method, url, token string, body []byte,
	header map[string]string) (int, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, b
}
