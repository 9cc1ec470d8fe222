package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/reports/specimen"
	"intiqa/selection"
	"intiqa/selection/office"
	"intiqa/selection/synth"
	"intiqa/sync"
	"intiqa/ui"
)

// hqProvince is the province the headquarters of the tests serves.
const hqProvince = "12.066"

// mustHQ serves, over loopback, a headquarters store holding one small
// province (applicants, needs, documents with their files, the rules
// and the rubric), and returns its address, a supervisor laptop's token
// and the store.
func mustHQ(t *testing.T) (url, token string, hq *localdb.DB) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := localdb.Open(ctx, filepath.Join(dir, "hq.db"), localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	g, err := synth.New(demoSeed, hqProvince)
	if err != nil {
		t.Fatal(err)
	}
	var apps []*selection.Applicant
	for a := range g.Applicants() {
		apps = append(apps, a)
	}
	src := selection.Source{File: "test", Sheet: "applicants"}
	if _, err := db.ImportApplicants(ctx, "hq", src, seqRows(apps), nil); err != nil {
		t.Fatal(err)
	}
	needs := g.Needs()
	for i := range needs {
		if err := db.PutNeed(ctx, "hq", &needs[i]); err != nil {
			t.Fatal(err)
		}
	}
	files := localdb.Files{Dir: filepath.Join(dir, "documents")}
	var docs []selection.Document
	for f, err := range g.DocumentFiles(specimen.Render) {
		if err != nil {
			t.Fatal(err)
		}
		if err := files.Write(&f.Document, f.Bytes); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, f.Document)
	}
	if err := db.PutDocuments(ctx, "hq", docs); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishRules(ctx, "hq", selection.DefaultRulesJSON()); err != nil {
		t.Fatal(err)
	}
	if err := db.PutRubric(ctx, "hq", selection.DefaultRubric()); err != nil {
		t.Fatal(err)
	}
	token, _, err = db.CreateToken(ctx, "hq", hqProvince, selection.SyncSupervisor, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sync.NewServer(db, files.Dir, slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	return srv.URL, token, db
}

func seqRows[T any](vals []T) iter.Seq2[selection.Row[T], error] {
	return func(yield func(selection.Row[T], error) bool) {
		for i, v := range vals {
			if !yield(selection.Row[T]{Line: i + 2, Value: v}, nil) {
				return
			}
		}
	}
}

// TestEnrollAndSync enrolls a laptop with a real headquarters over
// loopback, then reviews a document and syncs the decision.
func TestEnrollAndSync(t *testing.T) {
	ctx := context.Background()
	url, token, hq := mustHQ(t)
	b := mustBackend(t)
	t.Cleanup(func() { b.Close() })
	admin, err := office.NewAccount("admin", "Admin", selection.UserAdmin, "long enough pass",
		time.Now())
	if err != nil {
		t.Fatal(err)
	}

	// A wrong token leaves nothing behind.
	if _, err := b.Enroll(ctx, ui.Enrollment{URL: url, Token: "wrong"}, admin,
		func(ui.Progress) {}); err == nil {
		t.Fatal("enrolled with a wrong token")
	}
	if _, err := b.Open(ctx, func(ui.Progress) {}); !errors.Is(err, ui.ErrNoStore) {
		t.Fatalf("a refused enrollment left a store: %v", err)
	}

	steps := map[ui.Step]bool{}
	ds, err := b.Enroll(ctx, ui.Enrollment{URL: url, Token: token}, admin,
		func(p ui.Progress) { steps[p.Step] = true })
	if err != nil {
		t.Fatal(err)
	}
	if ds.Demo || ds.Sync == nil || ds.Reports == nil || !steps[ui.StepSync] {
		t.Fatalf("enrolled dataset: demo %v, sync %v, steps %v", ds.Demo, ds.Sync, steps)
	}
	if _, err := ds.Office.SignIn(ctx, "admin", "long enough pass"); err != nil {
		t.Fatal(err)
	}
	if err := ds.Office.CreateUser(ctx, "samira", "Samira", selection.UserSupervisor,
		"long enough pass"); err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Office.SignIn(ctx, "samira", "long enough pass"); err != nil {
		t.Fatal(err)
	}
	g, _ := synth.New(demoSeed, hqProvince)
	if n, err := ds.Office.CountApplicants(ctx); err != nil || n != g.Count() {
		t.Errorf("pulled %d applicants (%v); want %d", n, err, g.Count())
	}
	st := ds.Sync.State()
	if st.LastSync.IsZero() || st.Failed || st.Pending != 0 {
		t.Errorf("state after enrolling: %+v", st)
	}
	// The laptop shows the key headquarters lists for its token.
	id, err := ds.Sync.Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := hq.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tokens, func(tk localdb.Token) bool { return tk.ID == id.TokenID })
	if i < 0 || id.Key == "" || tokens[i].Key != id.Key || id.Province != hqProvince ||
		id.TokenID != localdb.TokenID(token) {
		t.Errorf("laptop's identity %+v; headquarters' tokens %+v", id, tokens)
	}

	// A review is pending until synced.
	q, err := ds.Office.ReviewQueue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	it, err := q.Current(ctx)
	if err != nil || it == nil {
		t.Fatalf("empty review queue after the pull: %v", err)
	}
	if _, err := ds.Office.DocumentFile(&it.Doc.Document); err != nil {
		t.Errorf("the document's file was not downloaded: %v", err)
	}
	if err := q.Accept(ctx); err != nil {
		t.Fatal(err)
	}
	if st := ds.Sync.State(); st.Pending == 0 {
		t.Errorf("the review is not pending: %+v", st)
	}

	// With no network, the decision goes by USB stick and comes back
	// answered.
	var stick bytes.Buffer
	if n, err := ds.Sync.ExportBundle(ctx, &stick); err != nil || n != 1 {
		t.Fatalf("exported %d decisions: %v", n, err)
	}
	_, answers, err := sync.ImportLaptopBundle(ctx, hq, &stick)
	if err != nil || len(answers) != 1 {
		t.Fatalf("headquarters applied %d answers: %v", len(answers), err)
	}
	var reply bytes.Buffer
	if _, err := sync.WriteProvinceBundle(ctx, hq, &reply, localdb.TokenID(token), 0,
		answers); err != nil {
		t.Fatal(err)
	}
	// An altered reply is refused with a message that says so.
	altered := bytes.Replace(reply.Bytes(), []byte(`"province":"`),
		[]byte(`"province":"0`), 1)
	if _, err := ds.Sync.ImportBundle(ctx, bytes.NewReader(altered)); !errors.Is(err,
		ui.ErrBundleRefused) {
		t.Fatalf("altered reply: %v, want ui.ErrBundleRefused", err)
	}
	res, err := ds.Sync.ImportBundle(ctx, &reply)
	if err != nil || res.Answers != 1 || res.Changes == 0 {
		t.Fatalf("imported %+v: %v", res, err)
	}
	if st := ds.Sync.State(); st.Pending != 0 {
		t.Errorf("the answered decision is still pending: %+v", st)
	}
	if err := q.Accept(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ds.Sync.SyncNow(ctx, func(ui.Progress) {}); err != nil {
		t.Fatal(err)
	}
	if st := ds.Sync.State(); st.Pending != 0 || st.Failed {
		t.Errorf("state after sync: %+v", st)
	}

	// A coordinator prints reports but may not sync: the core refuses.
	if _, err := ds.Office.SignIn(ctx, "admin", "long enough pass"); err != nil {
		t.Fatal(err)
	}
	if err := ds.Office.CreateUser(ctx, "hassan", "Hassan", selection.UserCoordinator,
		"long enough pass"); err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Office.SignIn(ctx, "hassan", "long enough pass"); err != nil {
		t.Fatal(err)
	}
	if err := ds.Sync.SyncNow(ctx, func(ui.Progress) {}); !errors.Is(err, office.ErrForbidden) {
		t.Errorf("a coordinator's sync = %v; want ErrForbidden", err)
	}
	for _, req := range []ui.ReportRequest{{ID: "reviews", Format: "pdf"},
		{ID: "stats", Format: "pdf"}, {ID: "reviews", Format: "xlsx"}} {
		f, err := os.CreateTemp(t.TempDir(), "report")
		if err != nil {
			t.Fatal(err)
		}
		if err := ds.Reports.Generate(ctx, req, f, func(ui.Progress) {}); err != nil {
			t.Fatalf("report %+v: %v", req, err)
		}
		f.Close()
		head := make([]byte, 4)
		r, _ := os.Open(f.Name())
		io.ReadFull(r, head)
		r.Close()
		if want := map[string]string{"pdf": "%PDF", "xlsx": "PK\x03\x04"}[req.Format]; string(head) != want {
			t.Errorf("report %+v starts with %q; want %q", req, head, want)
		}
	}
	if err := ds.Reports.Generate(ctx, ui.ReportRequest{ID: "selected", Format: "pdf"}, io.Discard,
		func(ui.Progress) {}); !errors.Is(err, errNoFinal) {
		t.Errorf("selected list before any final selection = %v; want errNoFinal", err)
	}
}
