package localdb_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// roundTrip checks that what was written reads back equal.
func roundTrip[T any](t *testing.T, what string, want T, got T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\ngot  %+v\nwant %+v", what, got, want)
	}
}

func TestEntitiesRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	at := time.Date(2024, 4, 2, 10, 0, 0, 0, time.UTC)
	if err := db.PutApplicant(ctx, "hq", newApplicant("A1", "JB1", "a@b.ma")); err != nil {
		t.Fatal(err)
	}

	doc := selection.Document{ID: "D1", ApplicantID: "A1", Kind: selection.DocDiploma,
		SHA256: strings.Repeat("ab", 32), MediaType: "image/png", Size: 2048, UploadedAt: at}
	if err := db.PutDocument(ctx, "hq", &doc); err != nil {
		t.Fatal(err)
	}
	d, err := db.Document(ctx, "D1")
	roundTrip(t, "document", &doc, d, err)
	docs, err := db.DocumentsOf(ctx, "A1")
	roundTrip(t, "documents of A1", []selection.Document{doc}, docs, err)

	rev := selection.Review{ID: "R1", DocumentID: "D1", Verdict: selection.VerdictRejected,
		Reason: selection.ReasonMismatch, Comment: "bac+2 au lieu de bac+3",
		Reviewer: "sup1", ReviewedAt: at, Version: 1}
	if err := db.AddReview(ctx, "sup1", &rev); err != nil {
		t.Fatal(err)
	}
	revs, err := db.Reviews(ctx, "D1")
	roundTrip(t, "reviews", []selection.Review{rev}, revs, err)
	stale := rev
	stale.ID, stale.Verdict, stale.Reason = "R2", selection.VerdictAccepted, ""
	if err := db.AddReview(ctx, "sup2", &stale); !errors.Is(err, localdb.ErrStaleVersion) {
		t.Fatalf("review on a stale version: %v", err)
	}

	rub := selection.Rubric{Version: "2024.1", Criteria: []selection.Criterion{
		{Code: "communication", LabelFR: "Communication", LabelAR: "التواصل", Weight: 0.25,
			Max: 4, Anchors: []string{"0", "1", "2", "3", "4"}},
	}}
	if err := db.PutRubric(ctx, "hq", &rub); err != nil {
		t.Fatal(err)
	}
	r, err := db.Rubric(ctx, "2024.1")
	roundTrip(t, "rubric", &rub, r, err)

	sess := selection.InterviewSession{ID: "S1", ProvinceCode: testProvince, StartsAt: at,
		Place: "Délégation provinciale, Agadir", Panel: []string{"p1", "p2"}, Version: 1}
	if err := db.PutSession(ctx, "sup1", &sess); err != nil {
		t.Fatal(err)
	}
	s, err := db.Session(ctx, "S1")
	roundTrip(t, "session", &sess, s, err)

	conv := selection.Convocation{SessionID: "S1", ApplicantID: "A1", Slot: at.Add(time.Hour),
		Role: selection.RoleEnumerator}
	if err := db.PutConvocation(ctx, "sup1", &conv); err != nil {
		t.Fatal(err)
	}
	convs, err := db.Convocations(ctx, "S1")
	roundTrip(t, "convocations", []selection.Convocation{conv}, convs, err)

	att := selection.Attendance{SessionID: "S1", ApplicantID: "A1", Present: true,
		RecordedBy: "p1", RecordedAt: at}
	if err := db.PutAttendance(ctx, "p1", &att); err != nil {
		t.Fatal(err)
	}
	atts, err := db.Attendance(ctx, "S1")
	roundTrip(t, "attendance", []selection.Attendance{att}, atts, err)

	sheet := selection.ScoreSheet{ID: "SS1", SessionID: "S1", ApplicantID: "A1", Member: "p1",
		Points: map[string]int{"communication": 3}, Notes: map[string]string{"communication": "clair"},
		SubmittedAt: at}
	if err := db.PutScoreSheet(ctx, "p1", &sheet); err != nil {
		t.Fatal(err)
	}
	sheets, err := db.ScoreSheets(ctx, "S1", "A1")
	roundTrip(t, "score sheets", []selection.ScoreSheet{sheet}, sheets, err)
	sheet.Points["communication"] = 4
	if err := db.PutScoreSheet(ctx, "p1", &sheet); !errors.Is(err, localdb.ErrLocked) {
		t.Fatalf("change of a submitted sheet: %v", err)
	}

	run := selection.Run{ID: "RUN1", Kind: selection.RunPreselection, RulesVersion: "1",
		RulesHash: "rh", Seed: "2024", Params: map[string]string{"multiplier": "4"},
		InputHash: "ih", OutputHash: "oh", StartedAt: at, CommittedAt: at, CreatedBy: "hq"}
	outs := []selection.Outcome{{RunID: "RUN1", ApplicantID: "A1", Status: selection.StatusInvited,
		CommuneCode: testCommune1, Rank: 1, Score: 61.25, Lottery: math.MaxUint64}}
	if err := db.SaveRun(ctx, "hq", &run, outs); err != nil {
		t.Fatal(err)
	}
	gotRun, err := db.Run(ctx, "RUN1")
	roundTrip(t, "run", &run, gotRun, err)
	gotOuts, err := db.Outcomes(ctx, "RUN1")
	roundTrip(t, "outcomes", outs, gotOuts, err)

	w := selection.Withdrawal{ID: "W1", RunID: "RUN1", ApplicantID: "A1", Reason: "santé",
		ReplacedBy: "A9", RecordedBy: "sup1", RecordedAt: at}
	if err := db.AddWithdrawal(ctx, "sup1", &w); err != nil {
		t.Fatal(err)
	}
	ws, err := db.Withdrawals(ctx, "RUN1")
	roundTrip(t, "withdrawals", []selection.Withdrawal{w}, ws, err)

	u := selection.User{Name: "sup1", DisplayName: "Superviseur 1", Role: selection.UserSupervisor,
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", CreatedAt: at}
	if err := db.PutUser(ctx, "admin", &u); err != nil {
		t.Fatal(err)
	}
	gotUser, err := db.User(ctx, "sup1")
	roundTrip(t, "user", &u, gotUser, err)

	need := selection.Need{CommuneCode: testCommune1, Enumerators: 3, Controllers: 1,
		Languages: []selection.Language{selection.LangTachelhit}}
	if err := db.PutNeed(ctx, "hq", &need); err != nil {
		t.Fatal(err)
	}
	needs, err := db.Needs(ctx)
	roundTrip(t, "needs", []selection.Need{need}, needs, err)

	// Every write above is in the chain, and no password hash is.
	n, err := db.VerifyAudit(ctx)
	if err != nil || n != 14 {
		t.Fatalf("audit: %d entries, %v; want 14", n, err)
	}
	log, err := db.AuditLog(ctx, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if strings.Contains(e.After, "argon2id") {
			t.Fatalf("audit entry %d holds a password hash", e.Seq)
		}
	}
}

// TestScoreSheetNeverMoves: a draft score sheet may be written again,
// but not onto another session, applicant or member under its ID.
func TestScoreSheetNeverMoves(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	at := time.Date(2024, 4, 2, 10, 0, 0, 0, time.UTC)
	for _, id := range []string{"A1", "A2"} {
		if err := db.PutApplicant(ctx, "hq", newApplicant(id, "JB"+id[1:], id+"@b.ma")); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"S1", "S2"} {
		s := selection.InterviewSession{ID: id, ProvinceCode: testProvince, StartsAt: at,
			Place: "Agadir", Panel: []string{"p1", "p2"}, Version: 1}
		if err := db.PutSession(ctx, "sup1", &s); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range [][2]string{{"S1", "A1"}, {"S2", "A1"}, {"S1", "A2"}} {
		conv := selection.Convocation{SessionID: c[0], ApplicantID: c[1], Slot: at,
			Role: selection.RoleEnumerator}
		if err := db.PutConvocation(ctx, "sup1", &conv); err != nil {
			t.Fatal(err)
		}
	}
	draft := selection.ScoreSheet{ID: "SS1", SessionID: "S1", ApplicantID: "A1", Member: "p1",
		Points: map[string]int{"communication": 2}, Notes: map[string]string{}}
	if err := db.PutScoreSheet(ctx, "p1", &draft); err != nil {
		t.Fatal(err)
	}
	for name, move := range map[string]func(*selection.ScoreSheet){
		"session":   func(s *selection.ScoreSheet) { s.SessionID = "S2" },
		"applicant": func(s *selection.ScoreSheet) { s.ApplicantID = "A2" },
		"member":    func(s *selection.ScoreSheet) { s.Member = "p2" },
	} {
		moved := draft
		moved.Points = map[string]int{"communication": 4}
		move(&moved)
		err := db.PutScoreSheet(ctx, "p1", &moved)
		if err == nil || !strings.Contains(err.Error(), "never changes") {
			t.Errorf("a draft sheet moved to another %s: %v", name, err)
		}
	}
	got, err := db.ScoreSheets(ctx, "S1", "A1")
	roundTrip(t, "the draft after the refusals", []selection.ScoreSheet{draft}, got, err)
	draft.Points["communication"] = 3
	if err := db.PutScoreSheet(ctx, "p1", &draft); err != nil {
		t.Errorf("the draft written again in place: %v", err)
	}
}
