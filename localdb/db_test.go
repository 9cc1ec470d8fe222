package localdb_test

import (
	"context"
	"database/sql"
	"errors"
	"iter"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"

	_ "modernc.org/sqlite"
)

// testProvince is Agadir Ida-Ou-Tanane, used as a laptop's scope.
const (
	testProvince = "09.001"
	testCommune1 = "09.001.01.01"
	testCommune2 = "09.001.05.09"
)

var fixedNow = time.Date(2024, 5, 15, 9, 30, 0, 0, time.UTC)

// MustOpen opens a new store in a temporary folder and closes it with
// the test.
func MustOpen(tb testing.TB, scope string) *localdb.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "intiqa.db")
	db, err := localdb.Open(context.Background(), path, localdb.Options{
		Scope: scope, Now: func() time.Time { return fixedNow },
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// newApplicant returns a valid applicant of the test province.
func newApplicant(id, cin, email string) *selection.Applicant {
	return &selection.Applicant{
		ID: id, CIN: cin, LastName: "El Amrani", FirstName: "Fatima Zahra",
		LastNameAR: "العمراني", FirstNameAR: "فاطمة الزهراء", Sex: selection.SexFemale,
		BirthDate: time.Date(1998, 3, 14, 0, 0, 0, 0, time.UTC),
		Phone:     "0612345678", Email: email,
		Category: selection.CategoryGraduate, Education: selection.EducationBac3,
		SurveyExperience: selection.ExperienceSurvey, TechSkill: selection.TechGood,
		Languages:    []selection.Language{selection.LangDarija, selection.LangTachelhit},
		Choices:      []string{testCommune1, testCommune2},
		RegisteredAt: time.Date(2024, 2, 9, 14, 3, 11, 0, time.UTC),
	}
}

// rows wraps applicants as the rows of a file, from line 2.
func rows[T any](vs ...T) iter.Seq2[selection.Row[T], error] {
	return func(yield func(selection.Row[T], error) bool) {
		for i, v := range vs {
			if !yield(selection.Row[T]{Line: i + 2, Value: v}, nil) {
				return
			}
		}
	}
}

var src = selection.Source{File: "applicants.xlsx", Sheet: "applicants", SHA256: "ab12"}

func TestOpenMigratesAndLoadsTerritory(t *testing.T) {
	db := MustOpen(t, localdb.NationalScope)
	terr, err := db.Territory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(terr.Regions) != 12 || len(terr.Provinces) != 83 || len(terr.Communes) != 1503 {
		t.Fatalf("territory: %d regions, %d provinces, %d communes",
			len(terr.Regions), len(terr.Provinces), len(terr.Communes))
	}
	if c, ok := terr.Commune(testCommune1); !ok || c.NameAR == "" || c.ProvinceCode != testProvince {
		t.Fatalf("commune %s: %+v", testCommune1, c)
	}
}

func TestReopenKeepsScope(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := localdb.Open(ctx, path, localdb.Options{Scope: testProvince})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	t.Run("OK", func(t *testing.T) {
		db, err := localdb.Open(ctx, path, localdb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if db.Scope() != testProvince {
			t.Fatalf("scope %q, want %q", db.Scope(), testProvince)
		}
		n, err := db.VerifyAudit(ctx)
		if err != nil || n != 2 {
			t.Fatalf("audit after reopen: %d entries, %v; want 2 (scope, territory)", n, err)
		}
	})
	t.Run("ErrScope", func(t *testing.T) {
		_, err := localdb.Open(ctx, path, localdb.Options{Scope: "01.511"})
		if !errors.Is(err, localdb.ErrScope) {
			t.Fatalf("got %v, want ErrScope", err)
		}
	})
	t.Run("ErrNotAProvince", func(t *testing.T) {
		_, err := localdb.Open(ctx, filepath.Join(t.TempDir(), "x.db"), localdb.Options{Scope: "99.999"})
		if !errors.Is(err, localdb.ErrScope) {
			t.Fatalf("got %v, want ErrScope", err)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	a := newApplicant("A1", "JB123456", "f.elamrani@example.ma")
	if err := db.PutApplicant(ctx, "supervisor1", a); err != nil {
		t.Fatal(err)
	}
	a.Phone = "0700000001"
	if err := db.PutApplicant(ctx, "supervisor1", a); err != nil {
		t.Fatal(err)
	}
	n, err := db.VerifyAudit(ctx)
	if err != nil || n != 4 {
		t.Fatalf("verify: %d entries, %v; want 4", n, err)
	}
	log, err := db.AuditLog(ctx, 4, 1)
	if err != nil || len(log) != 1 {
		t.Fatalf("audit log: %v %v", log, err)
	}
	if e := log[0]; e.Action != "applicant.update" || e.Actor != "supervisor1" ||
		!e.At.Equal(fixedNow) || e.Before == "" || e.After == "" {
		t.Fatalf("update entry: %+v", e)
	}

	// The store refuses to rewrite history through SQL.
	raw := mustRaw(t, db.Path())
	if _, err := raw.Exec(`UPDATE audit_log SET actor = 'x' WHERE seq = 3`); err == nil {
		t.Fatal("audit_log accepted an UPDATE")
	}
	// Someone drops the guard and edits an entry behind the store's back.
	_, err = raw.Exec(`DROP TRIGGER audit_log_no_update;
		UPDATE audit_log SET after = replace(after, '0612345678', '0699999999') WHERE seq = 3`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.VerifyAudit(ctx)
	var ce *localdb.ChainError
	if !errors.As(err, &ce) || ce.Seq != 3 {
		t.Fatalf("verify after tampering: %v; want a break at entry 3", err)
	}
}

func TestAuditChainDetectsDeletedEntry(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	for _, id := range []string{"A1", "A2"} {
		a := newApplicant(id, "JB1"+id[1:], id+"@example.ma")
		if err := db.PutApplicant(ctx, "admin", a); err != nil {
			t.Fatal(err)
		}
	}
	raw := mustRaw(t, db.Path())
	if _, err := raw.Exec(`DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	var ce *localdb.ChainError
	if _, err := db.VerifyAudit(ctx); !errors.As(err, &ce) || ce.Seq != 4 {
		t.Fatalf("verify after deletion: %v; want a break at entry 4", err)
	}
}

// mustRaw opens the store's file directly, as an intruder would.
func mustRaw(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}

func TestApplicantRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	want := newApplicant("A7", "JB777", "x.y@example.ma")
	if err := db.PutApplicant(ctx, "admin", want); err != nil {
		t.Fatal(err)
	}
	got, err := db.Applicant(ctx, "A7")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if _, err := db.Applicant(ctx, "nobody"); !errors.Is(err, localdb.ErrNotFound) {
		t.Fatalf("missing applicant: %v", err)
	}
	other := newApplicant("A8", "A1", "z@example.ma")
	other.Choices = []string{"01.511.01.01"}
	if err := db.PutApplicant(ctx, "admin", other); !errors.Is(err, localdb.ErrScope) {
		t.Fatalf("applicant of another province: %v, want ErrScope", err)
	}
}

func TestApplicantFilters(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, testProvince)
	a := newApplicant("A1", "JB1", "a@example.ma")
	b := newApplicant("A2", "JB2", "b@example.ma")
	b.LastName, b.LastNameAR, b.Category = "Benali", "بنعلي", selection.CategoryStudent
	b.Choices = []string{testCommune2}
	if _, err := db.ImportApplicants(ctx, "hq", src, rows(a, b), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    localdb.ApplicantFilter
		want []string
	}{
		{"All", localdb.ApplicantFilter{}, []string{"A1", "A2"}},
		{"LatinName", localdb.ApplicantFilter{Search: "benal"}, []string{"A2"}},
		{"ArabicName", localdb.ApplicantFilter{Search: "العمر"}, []string{"A1"}},
		{"CIN", localdb.ApplicantFilter{Search: "JB2"}, []string{"A2"}},
		{"Commune", localdb.ApplicantFilter{CommuneCode: testCommune1}, []string{"A1"}},
		{"AnyChoice", localdb.ApplicantFilter{CommuneCode: testCommune2}, []string{"A1", "A2"}},
		{"Category", localdb.ApplicantFilter{Category: selection.CategoryStudent}, []string{"A2"}},
		{"Wildcard", localdb.ApplicantFilter{Search: "%"}, nil},
		{"Page", localdb.ApplicantFilter{Limit: 1, Offset: 1}, []string{"A2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for a, err := range db.Applicants(ctx, tt.f) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, a.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}
