package localdb_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"intiqa/localdb"
	"intiqa/selection"
)

// storeState summarizes a store for before/after comparisons: applicant
// count and audit length.
func storeState(tb testing.TB, db *localdb.DB) [2]int64 {
	tb.Helper()
	ctx := context.Background()
	n, err := db.CountApplicants(ctx, localdb.ApplicantFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	entries, err := db.VerifyAudit(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return [2]int64{int64(n), entries}
}

func TestImportApplicantsIsIdempotentAndAudited(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	a := newApplicant("A1", "JB1", "a@example.ma")
	b := newApplicant("A2", "JB2", "b@example.ma")

	res, err := db.ImportApplicants(ctx, "hq", src, rows(a, b), nil)
	if err != nil || res != (selection.ImportResult{Rows: 2, Created: 2}) {
		t.Fatalf("first import: %+v, %v", res, err)
	}
	before := storeState(t, db)
	res, err = db.ImportApplicants(ctx, "hq", src, rows(a, b), nil)
	if err != nil || res != (selection.ImportResult{Rows: 2, Unchanged: 2}) {
		t.Fatalf("second import: %+v, %v", res, err)
	}
	if after := storeState(t, db); after != before {
		t.Fatalf("re-import changed the store: %v -> %v", before, after)
	}

	b2 := *b
	b2.Phone = "0799999999"
	res, err = db.ImportApplicants(ctx, "hq", src, rows(a, &b2), nil)
	if err != nil || res != (selection.ImportResult{Rows: 2, Updated: 1, Unchanged: 1}) {
		t.Fatalf("update import: %+v, %v", res, err)
	}
	log, err := db.AuditLog(ctx, before[1]+1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Action != "applicant.update" || log[0].EntityID != "A2" ||
		!strings.Contains(log[0].Before, "0612345678") || !strings.Contains(log[0].After, "0799999999") {
		t.Fatalf("audit of the update: %+v", log)
	}
	if log[1].Action != "applicants.import" {
		t.Fatalf("audit of the import: %+v", log[1])
	}
}

func TestImportApplicantsRejectsWholeFile(t *testing.T) {
	ctx := context.Background()
	good := func(id string) *selection.Applicant {
		return newApplicant(id, "JB"+id[1:], id+"@example.ma")
	}
	tests := []struct {
		name string
		rows []*selection.Applicant
		want string // the first error line
	}{
		{"DuplicateCIN", []*selection.Applicant{good("A1"), withCIN(good("A2"), "JB1")},
			"applicants.xlsx:applicants:3:cin: « JB1 » en double (déjà à la ligne 2)"},
		{"DuplicateEmail", []*selection.Applicant{good("A1"), withEmail(good("A2"), "a1@example.ma")},
			"applicants.xlsx:applicants:3:email: « a1@example.ma » en double (déjà à la ligne 2)"},
		{"DuplicateID", []*selection.Applicant{good("A1"), withCIN(withEmail(good("A1"), "z@x.ma"), "Z9")},
			"applicants.xlsx:applicants:3:applicant_id: « A1 » en double (déjà à la ligne 2)"},
		{"UnknownCommune", []*selection.Applicant{good("A1"), withChoices(good("A2"), "09.001.99.99")},
			"applicants.xlsx:applicants:3:choice_1: « 09.001.99.99 » inconnu"},
		{"OtherProvince", []*selection.Applicant{good("A1"), withChoices(good("A2"), "01.511.01.01")},
			"applicants.xlsx:applicants:3:choice_1: « 01.511.01.01 » invalide (hors de la province 09.001)"},
		{"HeldByStoredApplicant", []*selection.Applicant{withCIN(good("A5"), "JB0")},
			"applicants.xlsx:applicants:2:cin: « JB0 » en double (déjà enregistré pour le candidat A0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t, testProvince)
			if err := db.PutApplicant(ctx, "hq", good("A0")); err != nil {
				t.Fatal(err)
			}
			before := storeState(t, db)
			_, err := db.ImportApplicants(ctx, "hq", src, rows(tt.rows...), nil)
			var inv *selection.InvalidFileError
			if !errors.As(err, &inv) {
				t.Fatalf("got %v, want *InvalidFileError", err)
			}
			if got := inv.Errors[0].Error(); !strings.HasPrefix(got, tt.want) {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			if after := storeState(t, db); after != before {
				t.Fatalf("store changed: %v -> %v", before, after)
			}
		})
	}
}

func withCIN(a *selection.Applicant, cin string) *selection.Applicant { a.CIN = cin; return a }

func withEmail(a *selection.Applicant, e string) *selection.Applicant { a.Email = e; return a }

func withChoices(a *selection.Applicant, cs ...string) *selection.Applicant {
	a.Choices = cs
	return a
}

func TestImportStopsOnReadError(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	before := storeState(t, db)
	boom := errors.New("corrupt sheet XML")
	seq := func(yield func(selection.Row[*selection.Applicant], error) bool) {
		if !yield(selection.Row[*selection.Applicant]{Line: 2, Value: newApplicant("A1", "JB1", "a@b.ma")}, nil) {
			return
		}
		yield(selection.Row[*selection.Applicant]{}, boom)
	}
	if _, err := db.ImportApplicants(ctx, "hq", src, seq, nil); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the read error", err)
	}
	if after := storeState(t, db); after != before {
		t.Fatalf("store changed: %v -> %v", before, after)
	}
}

func TestImportNeedsAndTraining(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	if err := db.PutApplicant(ctx, "hq", newApplicant("A1", "JB1", "a@b.ma")); err != nil {
		t.Fatal(err)
	}
	needs := []*selection.Need{
		{CommuneCode: testCommune1, Enumerators: 18, Controllers: 5,
			Languages: []selection.Language{selection.LangDarija, selection.LangTachelhit}},
		{CommuneCode: testCommune2, Enumerators: 4, Controllers: 1},
	}
	nsrc := selection.Source{File: "needs.xlsx", Sheet: "needs"}
	res, err := db.ImportNeeds(ctx, "hq", nsrc, rows(needs...), nil)
	if err != nil || res.Created != 2 {
		t.Fatalf("needs: %+v, %v", res, err)
	}
	got, err := db.Needs(ctx)
	if err != nil || len(got) != 2 || got[0].Total() != 23 || len(got[0].Languages) != 2 {
		t.Fatalf("needs read back: %+v, %v", got, err)
	}
	res, err = db.ImportNeeds(ctx, "hq", nsrc, rows(needs...), nil)
	if err != nil || res.Unchanged != 2 {
		t.Fatalf("needs again: %+v, %v", res, err)
	}
	bad := []*selection.Need{{CommuneCode: "01.511.01.01", Enumerators: 1}}
	_, err = db.ImportNeeds(ctx, "hq", nsrc, rows(bad...), nil)
	var inv *selection.InvalidFileError
	if !errors.As(err, &inv) || inv.Errors[0].Column != "commune_code" {
		t.Fatalf("need of another province: %v", err)
	}

	score := 71.5
	tsrc := selection.Source{File: "training.xlsx", Sheet: "training"}
	tr := []*selection.TrainingProgress{{ApplicantID: "A1", Started: true, ModulesCompleted: 12,
		ModulesTotal: 12, TestScore: &score}}
	if res, err := db.ImportTraining(ctx, "hq", tsrc, rows(tr...), nil); err != nil || res.Created != 1 {
		t.Fatalf("training: %+v, %v", res, err)
	}
	back, err := db.TrainingOf(ctx, "A1")
	if err != nil || back.TestScore == nil || *back.TestScore != score {
		t.Fatalf("training read back: %+v, %v", back, err)
	}
	unknown := []*selection.TrainingProgress{{ApplicantID: "A404", ModulesTotal: 12}}
	_, err = db.ImportTraining(ctx, "hq", tsrc, rows(unknown...), nil)
	if !errors.As(err, &inv) || !strings.Contains(inv.Errors[0].Error(), "training.xlsx:training:2:applicant_id:") {
		t.Fatalf("training of an unknown applicant: %v", err)
	}
}
