package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

// moveApplicant imports an applicant again at headquarters with a first
// choice in another province, as a corrected export of the national
// platform would.
func moveApplicant(tb testing.TB, f *hqFixture, id, commune string) {
	tb.Helper()
	ctx := context.Background()
	a, err := f.db.Applicant(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	a.Choices = []string{commune}
	src := selection.Source{File: "test", Sheet: "applicants"}
	res, err := f.db.ImportApplicants(ctx, "hq", src, rowsOf([]*selection.Applicant{a}), nil)
	if err != nil {
		tb.Fatal(err)
	}
	if got, err := f.db.Applicant(ctx, id); err != nil || got.ProvinceCode() == "" ||
		got.ProvinceCode() != selection.ProvinceOfCommune(commune) {
		tb.Fatalf("applicant %s not moved: %+v, %v (%+v)", id, got, err, res)
	}
}

// communeOf returns the first choice of a headquarters applicant.
func communeOf(tb testing.TB, f *hqFixture, id string) string {
	tb.Helper()
	a, err := f.db.Applicant(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return a.Choices[0]
}

// holding lists what a store holds of an applicant, by kind of record.
func holding(tb testing.TB, db *localdb.DB, id, session string, docs []selection.Document,
	run string) map[string]int {
	tb.Helper()
	ctx := context.Background()
	out := map[string]int{}
	if _, err := db.Applicant(ctx, id); err == nil {
		out["applicant"]++
	} else if !errors.Is(err, localdb.ErrNotFound) {
		tb.Fatal(err)
	}
	held, err := db.DocumentsOf(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	out["documents"] = len(held)
	for _, d := range docs {
		rs, err := db.Reviews(ctx, d.ID)
		if err != nil {
			tb.Fatal(err)
		}
		out["reviews"] += len(rs)
	}
	if _, err := db.TrainingOf(ctx, id); err == nil {
		out["training"]++
	}
	outs, err := db.Outcomes(ctx, run)
	if err != nil {
		tb.Fatal(err)
	}
	for _, o := range outs {
		if o.ApplicantID == id {
			out["outcomes"]++
		}
	}
	convs, err := db.Convocations(ctx, session)
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range convs {
		if c.ApplicantID == id {
			out["convocations"]++
		}
	}
	att, err := db.Attendance(ctx, session)
	if err != nil {
		tb.Fatal(err)
	}
	for _, a := range att {
		if a.ApplicantID == id {
			out["attendance"]++
		}
	}
	sheets, err := db.ScoreSheets(ctx, session, id)
	if err != nil {
		tb.Fatal(err)
	}
	out["score_sheets"] = len(sheets)
	return out
}

// hasFile tells whether a laptop holds a document's file.
func hasFile(tb testing.TB, l *laptop, d selection.Document) bool {
	tb.Helper()
	_, err := os.Stat(l.c.DocumentPath(d))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		tb.Fatal(err)
	}
	return err == nil
}

// rejectedConflict returns the open conflict of a decision, which must
// be a rejection.
func rejectedConflict(tb testing.TB, db *localdb.DB, decision string) *selection.Conflict {
	tb.Helper()
	cs, err := db.Conflicts(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	for i := range cs {
		if cs[i].ID == decision {
			return &cs[i]
		}
	}
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	tb.Fatalf("no conflict about decision %s among %v", decision, ids)
	return nil
}

// TestApplicantMovesProvince moves an applicant of province A, with
// documents, reviews, training, a national pre-selection outcome and
// interview decisions, to province B at headquarters.
func TestApplicantMovesProvince(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	mover := f.docsA[0].ApplicantID
	other := f.docsA[1] // a document of another applicant of A
	// The mover's second document has the same file as other's.
	shared := selection.Document{ID: "D-shared", ApplicantID: mover, Kind: selection.DocDiploma,
		SHA256: other.SHA256, MediaType: other.MediaType, Size: other.Size,
		UploadedAt: other.UploadedAt}
	if err := f.db.PutDocument(ctx, "hq", &shared); err != nil {
		t.Fatal(err)
	}
	moverDocs := []selection.Document{f.docsA[0], shared}
	national := &selection.Run{ID: "PRE-NAT", Kind: selection.RunPreselection,
		RulesVersion: "2024.1", Seed: "2", StartedAt: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)}
	if err := f.db.SaveRun(ctx, "hq", national, []selection.Outcome{{ApplicantID: mover,
		Status: selection.StatusInvited, CommuneCode: communeOf(t, f, mover), Rank: 1,
		Score: 60}}); err != nil {
		t.Fatal(err)
	}

	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	b1 := MustLaptop(t, f, "b1", provinceB, f.srv.URL, selection.SyncSupervisor, testOptions())
	for _, l := range []*laptop{a1, a2, b1} {
		l.mustSync(t)
	}
	// a1 reviews the mover's documents and interviews them; a2 receives
	// it all.
	for i, d := range moverDocs {
		r := review("R-mover-"+string(rune('0'+i)), d, selection.VerdictAccepted)
		if err := a1.db.AddReview(ctx, "sup", r); err != nil {
			t.Fatal(err)
		}
	}
	decide(t, a1, provinceA, "S-a1", mover)
	a1.mustSync(t)
	a2.mustSync(t)
	full := map[string]int{"applicant": 1, "documents": 2, "reviews": 2, "training": 1,
		"outcomes": 1, "convocations": 1, "attendance": 1, "score_sheets": 1}
	for _, l := range []*laptop{a1, a2} {
		if got := holding(t, l.db, mover, "S-a1", moverDocs, "PRE-NAT"); !sameCounts(got, full) {
			t.Fatalf("%s before the move holds %v, want %v", l.name, got, full)
		}
	}

	// On a2, two decisions on the mover wait: one becomes a conflict with
	// a later review of a1, the other stays pending.
	third := review("R-mover-a2", shared, selection.VerdictRejected)
	third.Version = 2
	pendingA2 := review("R-mover-a2b", f.docsA[0], selection.VerdictRejected)
	pendingA2.Version = 2
	for _, r := range []*selection.Review{third, pendingA2} {
		if err := a2.db.AddReview(ctx, "sup", r); err != nil {
			t.Fatal(err)
		}
	}
	a2Pending, err := a2.db.Outbox(ctx, 10)
	if err != nil || len(a2Pending) != 2 {
		t.Fatalf("a2 outbox: %v, %v", a2Pending, err)
	}
	later := review("R-shared-a1", shared, selection.VerdictAccepted)
	later.Version = 2
	if err := a1.db.AddReview(ctx, "sup", later); err != nil {
		t.Fatal(err)
	}
	a1.mustSync(t)
	if err := a2.c.Pull(ctx, func(isync.Progress) {}); err != nil {
		t.Fatal(err)
	}
	if c := rejectedConflict(t, a2.db, a2Pending[0].ID); c.Status != selection.DecisionConflict {
		t.Fatalf("a2: its review of %s is %s, want a conflict", shared.ID, c.Status)
	}

	// Decisions pending on a1 when the applicant moves: a second review
	// of the mover's document beside a review of another applicant.
	second := review("R-mover-again", f.docsA[0], selection.VerdictRejected)
	second.Version = 2
	for _, r := range []*selection.Review{second, review("R-other", f.docsA[2],
		selection.VerdictAccepted)} {
		if err := a1.db.AddReview(ctx, "sup", r); err != nil {
			t.Fatal(err)
		}
	}
	a1Pending, err := a1.db.Outbox(ctx, 10)
	if err != nil || len(a1Pending) != 2 {
		t.Fatalf("a1 outbox: %v, %v", a1Pending, err)
	}

	moveApplicant(t, f, mover, communeOf(t, f, f.docsB[0].ApplicantID))
	reason := localdb.MovedReason(mover, provinceA, provinceB)

	// a1 pushes first: the decision on the mover is rejected alone, with
	// the reason; the rest of its batch applies. Its pull then takes the
	// mover off, with their file, but not the file another applicant
	// shares.
	a1.mustSync(t)
	if c := rejectedConflict(t, a1.db, a1Pending[0].ID); c.Status != selection.DecisionRejected ||
		c.Reason != reason {
		t.Errorf("a1: decision on the mover answered %s %q, want rejected %q", c.Status,
			c.Reason, reason)
	}
	if rs, err := f.db.Reviews(ctx, f.docsA[2].ID); err != nil || len(rs) != 1 ||
		rs[0].ID != "R-other" {
		t.Errorf("hq: the rest of a1's batch: reviews %v, %v", rs, err)
	}
	if rs, err := f.db.Reviews(ctx, f.docsA[0].ID); err != nil || len(rs) != 1 {
		t.Errorf("hq: the rejected review applied: %v, %v", rs, err)
	}
	// a2 pulls before pushing: its pending decision on the mover is
	// rejected on the laptop, with the same reason, and never pushed; its
	// conflict on them becomes a rejection, which a supervisor gives up.
	if err := a2.c.Pull(ctx, func(isync.Progress) {}); err != nil {
		t.Fatal(err)
	}
	for _, d := range a2Pending {
		if c := rejectedConflict(t, a2.db, d.ID); c.Status != selection.DecisionRejected ||
			c.Reason != reason {
			t.Errorf("a2: decision on the mover %s: %s %q, want rejected %q", d.ID, c.Status,
				c.Reason, reason)
		}
	}
	if n, err := a2.db.PendingCount(ctx); err != nil || n != 0 {
		t.Errorf("a2: %d decisions still pending (%v)", n, err)
	}
	if err := a2.c.Resolve(ctx, "sup", a2Pending[0].ID, selection.KeepMine); err == nil {
		t.Error("a2: a rejected decision on the mover taken again")
	}
	if err := a2.c.Resolve(ctx, "sup", a2Pending[0].ID, selection.KeepTheirs); err != nil {
		t.Errorf("a2: giving up the decision on the mover: %v", err)
	}
	a2.mustSync(t)
	b1.mustSync(t)

	// A laptop of each province enrolled after the move, pulling from
	// the start.
	a3 := MustLaptop(t, f, "a3", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	b2 := MustLaptop(t, f, "b2", provinceB, f.srv.URL, selection.SyncSupervisor, testOptions())
	a3.mustSync(t)
	b2.mustSync(t)

	none := map[string]int{}
	for _, l := range []*laptop{a1, a2, a3} {
		if got := holding(t, l.db, mover, "S-a1", moverDocs, "PRE-NAT"); !sameCounts(got, none) {
			t.Errorf("%s still holds of the mover %v", l.name, got)
		}
		if hasFile(t, l, f.docsA[0]) {
			t.Errorf("%s keeps the mover's file", l.name)
		}
		if !hasFile(t, l, other) {
			t.Errorf("%s lost the file another applicant shares", l.name)
		}
		if got := provincesOf(t, l.db); len(got) != 1 || got[provinceA] != fixtureApplicants-1 {
			t.Errorf("%s: applicants by province %v", l.name, got)
		}
	}
	// B's laptops hold the mover with everything of theirs B may see:
	// the interview decisions stay with province A.
	moved := map[string]int{"applicant": 1, "documents": 2, "reviews": 3, "training": 1,
		"outcomes": 1}
	for _, l := range []*laptop{b1, b2} {
		if got := holding(t, l.db, mover, "S-a1", moverDocs, "PRE-NAT"); !sameCounts(got, moved) {
			t.Errorf("%s holds of the mover %v, want %v", l.name, got, moved)
		}
		for _, d := range moverDocs {
			if !hasFile(t, l, d) {
				t.Errorf("%s lacks the mover's file of %s", l.name, d.ID)
			}
		}
		if got := provincesOf(t, l.db); len(got) != 1 || got[provinceB] != fixtureApplicants+1 {
			t.Errorf("%s: applicants by province %v", l.name, got)
		}
	}
	// b1 can decide on the mover's documents from the version it pulled.
	fourth := review("R-mover-b1", f.docsA[0], selection.VerdictRejected)
	fourth.Version = 2
	if err := b1.db.AddReview(ctx, "sup", fourth); err != nil {
		t.Fatal(err)
	}
	b1.mustSync(t)
	if n, _ := b1.db.ConflictCount(ctx); n != 0 {
		t.Errorf("b1: %d conflicts after deciding on the mover", n)
	}
	if rs, err := f.db.Reviews(ctx, f.docsA[0].ID); err != nil || len(rs) != 2 {
		t.Errorf("hq: b1's review of the mover: %v, %v", rs, err)
	}

	// The removal is audited on A's laptops, and every chain holds.
	for _, l := range []*laptop{a1, a2} {
		if !audited(t, l.db, "applicant.removed", mover) {
			t.Errorf("%s: the removal is not audited", l.name)
		}
	}
	for _, db := range []*localdb.DB{f.db, a1.db, a2.db, a3.db, b1.db, b2.db} {
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Errorf("audit chain: %v", err)
		}
	}
}

// TestPushOnForeignApplicantStillRefused: a decision on an applicant who
// was never of the pusher's province refuses the whole batch, even beside
// a decision on an applicant who moved away.
func TestPushOnForeignApplicantStillRefused(t *testing.T) {
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a1.mustSync(t)
	decide(t, a1, provinceA, "S-a1", f.docsA[3].ApplicantID)
	a1.mustSync(t)
	mover := f.docsA[0].ApplicantID
	moveApplicant(t, f, mover, communeOf(t, f, f.docsB[0].ApplicantID))

	token := f.mustToken(t, provinceA, selection.SyncSupervisor)
	url := f.srv.URL + strings.Replace(isync.PathDecisions, "{province}", provinceA, 1)
	hdr := map[string]string{"Content-Type": "application/json"}
	foreign := f.docsB[1].ApplicantID // never of A
	push := func(ds ...selection.Decision) (int, []byte) {
		body, err := json.Marshal(isync.PushRequest{Decisions: ds})
		if err != nil {
			t.Fatal(err)
		}
		return request(t, http.MethodPost, url, token, body, hdr)
	}
	decision := func(id string, kind selection.SyncKind, v any) selection.Decision {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return selection.Decision{ID: id, Kind: kind, By: "sup", Data: data}
	}
	onMover := decision("x.1", selection.KindReview, review("R-x1", f.docsA[0],
		selection.VerdictAccepted))
	onMine := decision("x.2", selection.KindReview, review("R-x2", f.docsA[4],
		selection.VerdictAccepted))
	for name, foreignDecision := range map[string]selection.Decision{
		"review of a foreign document": decision("x.3", selection.KindReview,
			review("R-x3", f.docsB[1], selection.VerdictAccepted)),
		"convocation of a foreign applicant in A's session": decision("x.4",
			selection.KindConvocation, &selection.Convocation{SessionID: "S-a1",
				ApplicantID: foreign, Slot: decidedAt, Role: selection.RoleEnumerator}),
		"attendance of a foreign applicant in A's session": decision("x.5",
			selection.KindAttendance, &selection.Attendance{SessionID: "S-a1",
				ApplicantID: foreign, Present: true, RecordedBy: "p1", RecordedAt: decidedAt}),
		"final selection of A that selects a foreign applicant": decision("x.8",
			selection.KindFinalRun, &selection.FinalRunData{
				Run: selection.Run{ID: "fin-x", Kind: selection.RunFinal, Scope: provinceA,
					RulesVersion: "2024.1", Seed: "x", StartedAt: decidedAt,
					CommittedAt: decidedAt, CreatedBy: "sup"},
				Outcomes: []selection.Outcome{
					{RunID: "fin-x", ApplicantID: f.docsA[4].ApplicantID,
						Status: selection.StatusSelected, Rank: 1, Score: 50},
					{RunID: "fin-x", ApplicantID: foreign, Status: selection.StatusSelected,
						Rank: 2, Score: 50},
				}}),
	} {
		before := hqState(t, f)
		if status, body := push(onMine, onMover, foreignDecision); status != http.StatusForbidden {
			t.Errorf("%s: %d %s, want 403", name, status, body)
		}
		if after := hqState(t, f); after != before {
			t.Errorf("%s: the refused batch changed headquarters: %s, then %s", name, before,
				after)
		}
	}

	// Without the foreign decision, the batch applies but for the mover.
	status, body := push(onMine, onMover)
	var resp isync.PushResponse
	if err := json.Unmarshal(body, &resp); status != http.StatusOK || err != nil ||
		len(resp.Results) != 2 {
		t.Fatalf("push: %d %s (%v)", status, body, err)
	}
	if r := resp.Results[0]; r.Status != selection.DecisionApplied {
		t.Errorf("decision on A's applicant: %+v", r)
	}
	want := localdb.MovedReason(mover, provinceA, provinceB)
	if r := resp.Results[1]; r.Status != selection.DecisionRejected || r.Reason != want {
		t.Errorf("decision on the mover: %+v, want rejected %q", r, want)
	}
	// B's laptop may not convoke an applicant of its own into A's
	// session either.
	tokenB := f.mustToken(t, provinceB, selection.SyncSupervisor)
	urlB := f.srv.URL + strings.Replace(isync.PathDecisions, "{province}", provinceB, 1)
	b, err := json.Marshal(isync.PushRequest{Decisions: []selection.Decision{decision("y.1",
		selection.KindConvocation, &selection.Convocation{SessionID: "S-a1", ApplicantID: mover,
			Slot: decidedAt, Role: selection.RoleEnumerator})}})
	if err != nil {
		t.Fatal(err)
	}
	status, body = request(t, http.MethodPost, urlB, tokenB, b, hdr)
	if status != http.StatusForbidden {
		t.Errorf("B's convocation into A's session: %d %s, want 403", status, body)
	}
	// Nor take A's session into its province, and A may not give it to
	// B: a session never changes province.
	s, err := f.db.Session(context.Background(), "S-a1")
	if err != nil {
		t.Fatal(err)
	}
	s.ProvinceCode = provinceB
	d := decision("y.2", selection.KindSession, s)
	if b, err = json.Marshal(isync.PushRequest{Decisions: []selection.Decision{d}}); err != nil {
		t.Fatal(err)
	}
	status, body = request(t, http.MethodPost, urlB, tokenB, b, hdr)
	if status != http.StatusForbidden {
		t.Errorf("B's push of A's session: %d %s, want 403", status, body)
	}
	d.ID = "x.6"
	status, body = push(d)
	if err := json.Unmarshal(body, &resp); err != nil || len(resp.Results) != 1 ||
		resp.Results[0].Current == nil {
		t.Fatalf("A's push of its session on no version: %d %s (%v)", status, body, err)
	}
	d.ID, d.Base = "x.7", resp.Results[0].Current.Version
	status, body = push(d)
	if err := json.Unmarshal(body, &resp); status != http.StatusOK || err != nil ||
		len(resp.Results) != 1 || resp.Results[0].Status != selection.DecisionRejected {
		t.Errorf("A giving its session to B: %d %s (%v)", status, body, err)
	}
	if s, err := f.db.Session(context.Background(), "S-a1"); err != nil ||
		s.ProvinceCode != provinceA {
		t.Errorf("A's session after the pushes: %+v, %v", s, err)
	}
}

// sameCounts compares two counts by kind, a missing kind counting 0.
func sameCounts(got, want map[string]int) bool {
	for k, v := range got {
		if want[k] != v {
			return false
		}
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// audited tells whether a store's audit log holds an entry of action on
// an entity.
func audited(tb testing.TB, db *localdb.DB, action, id string) bool {
	tb.Helper()
	entries, err := db.AuditLog(context.Background(), 0, 100_000)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == action && e.EntityID == id {
			return true
		}
	}
	return false
}
