package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// TestReviewKeyboardFlow drives the review queue from the keyboard:
// accept, reject with a reason, skip, back, and change a verdict.
func TestReviewKeyboardFlow(t *testing.T) {
	h, _, db, _ := mustSignedIn(t, "superviseur", false)
	ctx := context.Background()
	h.shell.frame.open("review")
	sc := h.shell.frame.active.(*reviewScreen)
	docs := make([]selection.Document, 3)
	for k := range docs {
		it, err := sc.queue.Peek(ctx, k)
		if err != nil || it == nil {
			t.Fatalf("queue item %d: %v", k, err)
		}
		docs[k] = it.Doc.Document
	}
	verdicts := func(d selection.Document) []selection.Review {
		revs, err := db.Reviews(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		return revs
	}

	h.typeKey(fyne.KeyA)
	if r := verdicts(docs[0]); len(r) != 1 || r[0].Verdict != selection.VerdictAccepted {
		t.Fatalf("after A: %+v", r)
	}
	if sc.item.Doc.Document.ID != docs[1].ID {
		t.Fatalf("after A the screen shows %s; want %s", sc.item.Doc.Document.ID, docs[1].ID)
	}

	// R shows the reasons; Escape hides them; R then 2 rejects.
	h.typeKey(fyne.KeyR)
	if !sc.reasons.Visible() {
		t.Fatal("R did not show the reasons")
	}
	h.typeKey(fyne.KeyEscape)
	if sc.reasons.Visible() || len(verdicts(docs[1])) != 0 {
		t.Fatal("Escape did not cancel the rejection")
	}
	h.typeKey(fyne.KeyR)
	h.typeKey(fyne.Key2)
	if r := verdicts(docs[1]); len(r) != 1 || r[0].Reason != selection.ReasonWrongKind {
		t.Fatalf("after R 2: %+v", r)
	}

	// S skips the third, B twice comes back to the rejected one.
	h.typeKey(fyne.KeyS)
	if len(verdicts(docs[2])) != 0 {
		t.Error("S decided the document")
	}
	h.typeKey(fyne.KeyB)
	h.typeKey(fyne.KeyB)
	if sc.item.Doc.Document.ID != docs[1].ID || !strings.Contains(sc.verdict.Text, "rejetée") {
		t.Fatalf("back on %s, verdict %q", sc.item.Doc.Document.ID, sc.verdict.Text)
	}
	h.typeKey(fyne.KeyA)
	if r := verdicts(docs[1]); len(r) != 2 || r[1].Verdict != selection.VerdictAccepted {
		t.Errorf("changed verdict: %+v", r)
	}
	if !strings.Contains(sc.counts.Text, "acceptées : 2") ||
		!strings.Contains(sc.counts.Text, "rejetées : 0") {
		t.Errorf("counts %q", sc.counts.Text)
	}
	if sc.image.Image == nil && sc.item.Doc.Document.MediaType != "application/pdf" {
		t.Error("no image on screen")
	}
}

// TestReviewRotate turns and zooms the document's image.
func TestReviewRotate(t *testing.T) {
	h, _, _, _ := mustSignedIn(t, "superviseur", false)
	h.shell.frame.open("review")
	sc := h.shell.frame.active.(*reviewScreen)
	for sc.item != nil && sc.item.Doc.Document.MediaType == "application/pdf" {
		h.typeKey(fyne.KeyS)
	}
	if sc.item == nil {
		t.Skip("no image in the queue")
	}
	b := sc.image.Image.Bounds()
	h.typeKey(fyne.KeyT)
	if r := sc.image.Image.Bounds(); r.Dx() != b.Dy() || r.Dy() != b.Dx() {
		t.Errorf("a quarter turn gives %v from %v", r, b)
	}
	size := sc.image.MinSize()
	h.typeKey(fyne.KeyPlus)
	if sc.image.MinSize().Width <= size.Width {
		t.Error("+ did not zoom in")
	}
}

// TestSealedScoresScreen: a panel member sees the others' scores sealed
// until their own sheet, with a note per criterion, is submitted.
func TestSealedScoresScreen(t *testing.T) {
	h, _, _, _ := mustSignedIn(t, "jury3", true)
	sc := h.shell.frame.active.(*interviewsScreen)
	var target *office.SessionCandidate
	for i := len(sc.sessions) - 1; i >= 0 && target == nil; i-- {
		sc.openSession(sc.sessions[i].Session.ID)
		for k, c := range sc.cands {
			if c.Attendance != nil && c.Attendance.Present && c.Result.Submitted > 0 &&
				c.OwnSheet == nil {
				target = &sc.cands[k]
				break
			}
		}
	}
	if target == nil {
		t.Fatal("no candidate scored by the others only")
	}
	sc.openSheet(target.Applicant)
	h.mustShow(t, "sheet")
	if !h.shows("Notes des autres membres : scellées.") || h.shows("Notes du jury") {
		t.Fatal("the others' scores are not sealed")
	}

	// Submitting without notes is refused with the reason.
	sv := sc.sheet
	for _, r := range sv.points {
		r.SetSelected(r.Options[3])
	}
	test.Tap(h.button(t, "Envoyer la fiche"))
	test.Tap(h.button(t, "Envoyer"))
	if sc.sheet != sv {
		t.Fatal("a sheet without notes was submitted")
	}
	dismissDialogs(h)
	for _, e := range sv.notes {
		e.SetText("Réponse claire")
	}
	test.Tap(h.button(t, "Envoyer la fiche"))
	test.Tap(h.button(t, "Envoyer"))
	if sc.sheet == sv || !sc.sheet.v.Own.Submitted() {
		t.Fatal("the sheet was not submitted")
	}
	if !h.shows("Notes du jury") || !h.shows("jury1") {
		t.Errorf("the others' scores do not show after submitting:\n%s", h.markup())
	}
}

// dismissDialogs closes the dialogs on the window.
func dismissDialogs(h *harness) {
	for _, o := range h.win.Canvas().Overlays().List() {
		h.win.Canvas().Overlays().Remove(o)
	}
}

// TestSelectionPreviewWaitsForSeed: until the proposed seed is read,
// the preview cannot be pressed, by hand or by a script; pressed before,
// it ran on an empty seed and failed.
func TestSelectionPreviewWaitsForSeed(t *testing.T) {
	h, _, _, _ := mustSignedIn(t, "superviseur", true)
	queued := goAsync
	var held []func()
	goAsync = func(f func()) { held = append(held, f) }
	h.shell.frame.open("selection")
	goAsync = queued
	sc := h.shell.frame.active.(*selectionScreen)
	// findButton, as a script's click, passes over disabled buttons.
	const preview = "Prévisualiser la sélection"
	if b := findButton(h.win.Canvas(), preview); b != nil || sc.seed.Text != "" {
		t.Fatalf("before the seed is read: button %v, seed %q", b, sc.seed.Text)
	}
	if err := h.shell.Command("click " + preview); err == nil {
		t.Error("a script pressed the preview before the seed was read")
	}
	for _, f := range held {
		f()
	}
	if sc.seed.Text == "" {
		t.Error("no seed proposed")
	}
	test.Tap(h.button(t, preview))
	h.mustShow(t, "selection-preview")
	h.mustHaveShown(t, "selection-ready")
}

// TestSelectionPreviewAndCommit previews the final selection, commits
// it, and records a withdrawal.
func TestSelectionPreviewAndCommit(t *testing.T) {
	h, ds, _, _ := mustSignedIn(t, "superviseur", true)
	ctx := context.Background()
	h.shell.frame.open("selection")
	sc := h.shell.frame.active.(*selectionScreen)
	if sc.seed.Text == "" {
		t.Error("no seed proposed")
	}
	test.Tap(h.button(t, "Prévisualiser la sélection"))
	h.mustShow(t, "selection-preview")
	if sc.preview == nil || sc.preview.Counts[selection.StatusSelected] == 0 {
		t.Fatalf("preview %+v", sc.preview)
	}
	if l, _ := ds.Office.CommittedFinal(ctx); l != nil {
		t.Fatal("the preview was recorded")
	}
	test.Tap(h.button(t, "Valider et enregistrer"))
	test.Tap(h.button(t, "Valider"))
	h.mustShow(t, "selection-lists")
	l, err := ds.Office.CommittedFinal(ctx)
	if err != nil || l == nil {
		t.Fatalf("nothing committed: %v", err)
	}
	if !h.shows("Sélection arrêtée") {
		t.Error("the committed lists do not show")
	}

	// A withdrawal, with its reason, is recorded.
	test.Tap(h.button(t, "Désistement"))
	form := findEntryInOverlays(h)
	if form == nil {
		t.Fatal("no reason asked")
	}
	form.SetText("Raisons de santé")
	test.Tap(h.button(t, "Enregistrer"))
	if l, _ := ds.Office.CommittedFinal(ctx); len(l.Withdrawals) != 1 ||
		l.Withdrawals[0].Reason != "Raisons de santé" {
		t.Errorf("withdrawals %+v", l.Withdrawals)
	}
}

// findEntryInOverlays returns the first entry of a dialog.
func findEntryInOverlays(h *harness) *widget.Entry {
	for _, o := range h.win.Canvas().Overlays().List() {
		for _, x := range test.LaidOutObjects(o) {
			if e, ok := x.(*widget.Entry); ok {
				return e
			}
		}
	}
	return nil
}

// TestApplicantsScreen searches, filters and opens a file.
func TestApplicantsScreen(t *testing.T) {
	h, ds, _, _ := mustSignedIn(t, "superviseur", true)
	h.shell.frame.open("applicants")
	sc := h.shell.frame.active.(*applicantsScreen)
	h.mustHaveShown(t, "applicants-ready")
	total := sc.model.Total()
	n, _ := ds.Office.CountApplicants(context.Background())
	if total != n || total == 0 {
		t.Fatalf("%d listed; the store holds %d", total, n)
	}
	first := sc.model.Row(0)
	test.Type(sc.search, strings.ToLower(first.NameLatin))
	if sc.model.Len() == 0 || sc.model.Len() == total {
		t.Errorf("search for %q keeps %d of %d", first.NameLatin, sc.model.Len(), total)
	}
	sc.search.SetText("")
	sc.status.SetSelected(display(statusLabel(selection.StatusInvited)))
	for i := range sc.model.Len() {
		if sc.model.Row(i).Status != selection.StatusInvited {
			t.Fatalf("status filter kept %+v", sc.model.Row(i))
		}
	}
	sc.selectRow(0)
	h.mustShow(t, "applicant-detail")
	for _, want := range []string{"Données déclarées", "Pièces justificatives", "Sélection",
		"Pré-sélection", "Invité"} {
		if !h.shows(want) {
			t.Errorf("detail lacks %q", want)
		}
	}
}

// TestDashboard shows the province's figures.
func TestDashboard(t *testing.T) {
	h, _, _, _ := mustSignedIn(t, "coordinateur", true)
	h.mustHaveShown(t, "dashboard-ready")
	sc := h.shell.frame.active.(*dashboardScreen)
	f := sc.figs
	if f == nil || f.Applications == 0 || f.Interviews.Scored == 0 {
		t.Fatalf("figures %+v", f)
	}
	for _, want := range []string{"Candidats par catégorie", formatCount(f.Applications),
		"Invités et besoins par commune", "Dossiers de pièces"} {
		if !h.shows(want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}

// fakeReporter writes a fixed report, or waits for cancellation.
type fakeReporter struct {
	block bool
	got   []ReportRequest
}

func (f *fakeReporter) Reports() []Report {
	return []Report{{ID: "reviews", Titles: map[string]string{"fr": "État des pièces"},
		Formats: []string{"pdf"}}}
}

func (f *fakeReporter) Generate(ctx context.Context, req ReportRequest, w io.Writer,
	progress func(Progress)) error {
	f.got = append(f.got, req)
	progress(Progress{Step: StepReport, Done: 1, Total: 2})
	if f.block {
		<-ctx.Done()
		return ctx.Err()
	}
	_, err := io.WriteString(w, "%PDF-1.4 fake")
	return err
}

// TestReportsScreen writes a report, and leaves nothing when one is
// cancelled.
func TestReportsScreen(t *testing.T) {
	h, ds, _, _ := mustSignedIn(t, "superviseur", false)
	rep := &fakeReporter{}
	ds.Reports = rep
	h.shell.frame.open("reports")
	sc := h.shell.frame.active.(*reportsScreen)
	if !h.shows("État des pièces") {
		t.Fatal("the report is not offered")
	}
	path := filepath.Join(t.TempDir(), "etat.pdf")
	sc.write(ds.Reports.Reports()[0], ReportRequest{ID: "reviews", Format: "pdf"}, path)
	if b, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Fatalf("report file: %q, %v", b, err)
	}

	// Cancelled: the job's context ends, no file is left.
	rep.block = true
	path2 := filepath.Join(t.TempDir(), "annule.pdf")
	h.shell.parent, _ = cancelledContext()
	sc.sess.ctx = h.shell.parent
	sc.write(ds.Reports.Reports()[0], ReportRequest{ID: "reviews", Format: "pdf"}, path2)
	if _, err := os.Stat(path2); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled report left %s: %v", path2, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path2))
	if len(entries) != 0 {
		t.Errorf("a cancelled report left %d files", len(entries))
	}
}

func cancelledContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx, cancel
}

// fakeSyncer is a sync client with a fixed state and conflicts.
type fakeSyncer struct {
	state    SyncState
	resolved map[string]bool
	synced   int
}

func (f *fakeSyncer) State() SyncState { return f.state }

func (f *fakeSyncer) SyncNow(ctx context.Context, progress func(Progress)) error {
	f.synced++
	f.state.Pending = 0
	return nil
}

func (f *fakeSyncer) Conflicts(context.Context) ([]Conflict, error) {
	if f.resolved["c1"] {
		return nil, nil
	}
	return []Conflict{{ID: "c1", ApplicantID: "A0000001", What: "review", Local: "accepted",
		Remote: "rejected", RemoteBy: "samira"}}, nil
}

func (f *fakeSyncer) Resolve(_ context.Context, id string, keepLocal bool) error {
	f.resolved[id] = keepLocal
	return nil
}

func (f *fakeSyncer) ExportBundle(_ context.Context, w io.Writer) (int, error) {
	_, err := io.WriteString(w, "bundle")
	return f.state.Pending, err
}

func (f *fakeSyncer) Identity(context.Context) (SyncIdentity, error) {
	return SyncIdentity{Province: "09.163", TokenID: "0a1b2c3d4e5f", Key: "9f8e7d6c5b4a3928"}, nil
}

func (f *fakeSyncer) ImportBundle(_ context.Context, r io.Reader) (BundleResult, error) {
	b, err := io.ReadAll(r)
	if err != nil || string(b) != "bundle" {
		return BundleResult{}, errors.New("not a bundle")
	}
	f.state.Pending = 0
	return BundleResult{Answers: 3, Changes: 12}, nil
}

// TestSyncStatusAndConflicts shows the pending changes, syncs now and
// resolves a conflict.
func TestSyncStatusAndConflicts(t *testing.T) {
	h, ds, _, _ := mustSignedIn(t, "superviseur", false)
	fs := &fakeSyncer{state: SyncState{Pending: 3, Conflicts: 1, FilesDone: 2, FilesTotal: 5},
		resolved: map[string]bool{}}
	ds.Sync = fs
	h.shell.signOut()
	if err := h.shell.Command("signin superviseur demo-intiqa"); err != nil {
		t.Fatal(err)
	}
	if !h.shows("Modifications en attente : 3") || !h.shows("Pièces téléchargées : 2 / 5") {
		t.Errorf("status bar:\n%s", h.markup())
	}
	test.Tap(h.button(t, "Synchroniser"))
	if fs.synced != 1 || !h.shows("Modifications en attente : 0") {
		t.Errorf("sync now: %d syncs", fs.synced)
	}
	h.shell.frame.open("sync")
	for _, want := range []string{"jeton 0a1b2c3d4e5f", "province 09.163",
		"clé de signature des paquets 9f8e7d6c5b4a3928"} {
		if !h.shows(want) {
			t.Errorf("the sync screen lacks %q:\n%s", want, h.markup())
		}
	}
	test.Tap(h.button(t, "Garder la décision de ce poste"))
	if keep, ok := fs.resolved["c1"]; !ok || !keep {
		t.Errorf("resolved %v", fs.resolved)
	}
	if !h.shows("Aucun conflit.") {
		t.Error("the resolved conflict still shows")
	}

	// By USB stick: export the pending decisions, import the reply.
	fs.state.Pending = 3
	sc := h.shell.frame.active.(*syncScreen)
	path := filepath.Join(t.TempDir(), "paquet.bundle")
	sc.exportTo(path)
	if b, err := os.ReadFile(path); err != nil || string(b) != "bundle" ||
		!strings.Contains(sc.done, "3 décisions exportées") {
		t.Fatalf("export: %q, %v, %q", b, err, sc.done)
	}
	sc.importFrom(path)
	if !strings.Contains(sc.done, "3 réponses du siège et 12 changements") || fs.state.Pending != 0 {
		t.Errorf("import: %q", sc.done)
	}
}

// TestPendingWithoutSync shows the pending changes of a laptop that does
// not sync, after a decision.
func TestPendingWithoutSync(t *testing.T) {
	h, ds, db, _ := mustSignedIn(t, "superviseur", false)
	ds.Pending = func() int {
		n, err := db.PendingCount(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	h.shell.frame.open("review")
	before := ds.Pending()
	h.typeKey(fyne.KeyA)
	h.shell.checkIdle() // the status bar's refresh
	want := "Modifications en attente : " + formatCount(before+1)
	if ds.Pending() != before+1 || !h.shows(want) {
		t.Errorf("status bar lacks %q:\n%s", want, h.shell.frame.status.state.Text)
	}
}

// TestAuditScreen shows the administrator an intact chain, then a
// broken one once an entry is rewritten behind the store's back.
func TestAuditScreen(t *testing.T) {
	h, _, db, _ := mustSignedIn(t, "administrateur", false)
	h.shell.frame.open("audit")
	sc := h.shell.frame.active.(*auditScreen)
	if sc.view == nil || sc.view.Broken != nil || len(sc.view.Entries) == 0 ||
		!h.shows("Chaîne intacte") {
		t.Fatalf("audit view %+v", sc.view)
	}
	for _, e := range sc.view.Entries {
		if e.Before != "" || e.After != "" {
			t.Fatal("the audit screen holds the states entries record")
		}
	}
	if last := sc.view.Entries[len(sc.view.Entries)-1]; last.Action != "user.sign_in" ||
		last.Actor != "administrateur" {
		t.Errorf("last entry %+v; want the sign-in", last)
	}
	mustTamper(t, db)
	h.shell.frame.open("audit")
	sc = h.shell.frame.active.(*auditScreen)
	if sc.view.Broken == nil || !h.shows("Chaîne rompue à l") {
		t.Errorf("tampering not shown: %+v", sc.view)
	}
}
