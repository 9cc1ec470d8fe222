package demo_test

import (
	"context"
	"path/filepath"
	"testing"

	"intiqa/localdb"
	"intiqa/localdb/demo"
	"intiqa/selection"
	"intiqa/selection/office"
)

// TestBuild builds the demonstration of the smallest province and checks
// that every stage left its mark, through the service the window uses.
func TestBuild(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files := localdb.Files{Dir: filepath.Join(dir, "documents")}
	path := filepath.Join(dir, "demo.db")
	steps := map[demo.Step]bool{}
	err := demo.Build(ctx, path, files, demo.Options{Province: SmallProvince, Seed: 1,
		Decisions: true, Progress: func(s demo.Step, _, _ int) { steps[s] = true }})
	if err != nil {
		t.Fatal(err)
	}
	for s := demo.StepGenerate; s <= demo.StepDecisions; s++ {
		if !steps[s] {
			t.Errorf("step %d never reported", s)
		}
	}
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := office.New(db, files, office.Options{})
	if _, err := svc.SignIn(ctx, "superviseur", demo.Password); err != nil {
		t.Fatal(err)
	}
	f, err := svc.Figures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if f.Applications == 0 || f.Invited == 0 || f.Documents.Documents == 0 ||
		f.Documents.DocsReviewed() == 0 || f.Documents.DocsPending == 0 {
		t.Errorf("figures lack data: %+v", f)
	}
	if f.Interviews.Sessions == 0 || f.Interviews.Scored == 0 {
		t.Errorf("no interviews scored: %+v", f.Interviews)
	}
	if n, err := db.VerifyAudit(ctx); err != nil || n == 0 {
		t.Errorf("audit chain: %d entries, %v", n, err)
	}
	st, err := db.DocumentStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := files.Read(&st[0].Document); err != nil {
		t.Errorf("document file: %v", err)
	}
	if st[0].Verdict == "" {
		t.Errorf("document state without verdict: %+v", st[0])
	}
	_ = selection.VerdictPending
}
