package mailtest

import (
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	"intiqa/selection/synth"
)

// Facts of the fixture store.
const (
	// Province is Aousserd, whose generated applicants the store holds.
	Province = "12.066"
	// RunID is the committed pre-selection run.
	RunID = "pre-mailtest"
	// FinalRunID is the province's committed final selection.
	FinalRunID = "fin-mailtest"
	// Place is the interview session's place: markup that HTML must
	// escape.
	Place = `Salle <b>1</b> & "annexe"`
	// Applicants is how many generated applicants the store holds.
	Applicants = 60
)

// Now is the fixture store's clock.
var Now = time.Date(2024, 4, 2, 9, 0, 0, 0, time.UTC)

// Slot is the convocations' interview time (11:30 in Morocco).
var Slot = time.Date(2024, 5, 20, 10, 30, 0, 0, time.UTC)

// Fixture tells who is who in the fixture store.
type Fixture struct {
	Path string
	// French and NotFrench are invited applicants who do and do not
	// declare French: each kind of notification goes to one of each, so
	// that every kind is sent in French and in French and Arabic.
	French, NotFrench [4]string
}

var template struct {
	once sync.Once
	data []byte
	fx   Fixture
	err  error
}

// MustStore returns a copy, in a new folder, of a national store holding
// the first generated applicants of Aousserd, every other one declaring
// French: a committed pre-selection run, training progress (the invited
// have not started, but for one), two rejected documents, two
// convocations, a committed final selection with two withdrawals and
// their replacements. No notification is planned yet.
func MustStore(tb testing.TB) Fixture {
	tb.Helper()
	t := &template
	t.once.Do(func() { t.data, t.fx, t.err = build() })
	if t.err != nil {
		tb.Fatalf("build the mail fixture store: %v", t.err)
	}
	fx := t.fx
	fx.Path = filepath.Join(tb.TempDir(), "intiqa.db")
	if err := os.WriteFile(fx.Path, t.data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return fx
}

// Open opens a fixture store with its clock.
func Open(tb testing.TB, path string) *localdb.DB {
	tb.Helper()
	db, err := localdb.Open(context.Background(), path, localdb.Options{
		Now: func() time.Time { return Now }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// build makes the template store in a temporary folder and returns its
// bytes.
func build() ([]byte, Fixture, error) {
	dir, err := os.MkdirTemp("", "intiqa-mailtest-")
	if err != nil {
		return nil, Fixture{}, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "intiqa.db")
	ctx := context.Background()
	db, err := localdb.Open(ctx, path, localdb.Options{Now: func() time.Time { return Now }})
	if err != nil {
		return nil, Fixture{}, err
	}
	fx, err := fill(ctx, db)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, Fixture{}, err
	}
	data, err := os.ReadFile(path)
	return data, fx, err
}

// fill writes the fixture's facts.
func fill(ctx context.Context, db *localdb.DB) (Fixture, error) {
	apps, err := importApplicants(ctx, db)
	if err != nil {
		return Fixture{}, err
	}
	invited, err := preselect(ctx, db, apps)
	if err != nil {
		return Fixture{}, err
	}
	var fx Fixture
	var nf, nn int
	for _, a := range invited {
		switch {
		case a.Speaks(selection.LangFrench) && nf < 4:
			fx.French[nf], nf = a.ID, nf+1
		case !a.Speaks(selection.LangFrench) && nn < 4:
			fx.NotFrench[nn], nn = a.ID, nn+1
		}
	}
	if nf < 4 || nn < 4 {
		return fx, fmt.Errorf("only %d and %d invited applicants with and without French", nf, nn)
	}
	for i, id := range invited {
		t := &selection.TrainingProgress{ApplicantID: id.ID, ModulesTotal: 6,
			Started: i == 0}
		if err := db.PutTraining(ctx, "hq", t); err != nil {
			return fx, err
		}
	}
	for _, ids := range [][4]string{fx.French, fx.NotFrench} {
		if err := decide(ctx, db, ids); err != nil {
			return fx, err
		}
	}
	return fx, commitFinal(ctx, db, fx)
}

// importApplicants imports the first generated applicants of the
// province, every other one made to declare French and the others not.
func importApplicants(ctx context.Context, db *localdb.DB) ([]*selection.Applicant, error) {
	g, err := synth.New(3, Province)
	if err != nil {
		return nil, err
	}
	var apps []*selection.Applicant
	for a := range g.Applicants() {
		if len(apps) == Applicants {
			break
		}
		langs := []selection.Language{}
		for _, l := range a.Languages {
			if l != selection.LangFrench {
				langs = append(langs, l)
			}
		}
		if len(apps)%2 == 0 {
			langs = append(langs, selection.LangFrench)
		}
		a.Languages = langs
		apps = append(apps, a)
	}
	src := selection.Source{File: "applicants.xlsx", Sheet: "applicants", SHA256: "mailtest"}
	if _, err := db.ImportApplicants(ctx, "hq", src, rowsOf(apps), nil); err != nil {
		return nil, err
	}
	needs := []*selection.Need{}
	for _, n := range g.Needs() {
		needs = append(needs, &selection.Need{CommuneCode: n.CommuneCode, Enumerators: 1,
			Languages: n.Languages})
	}
	nsrc := selection.Source{File: "needs.xlsx", Sheet: "needs", SHA256: "mailtest"}
	if _, err := db.ImportNeeds(ctx, "hq", nsrc, rowsOf(needs), nil); err != nil {
		return nil, err
	}
	return apps, nil
}

// rowsOf wraps values as the rows of a file.
func rowsOf[T any](vs []T) iter.Seq2[selection.Row[T], error] {
	return func(yield func(selection.Row[T], error) bool) {
		for i, v := range vs {
			if !yield(selection.Row[T]{Line: i + 2, Value: v}, nil) {
				return
			}
		}
	}
}

// preselect runs, stores and commits the pre-selection, and returns the
// invited applicants.
func preselect(ctx context.Context, db *localdb.DB,
	apps []*selection.Applicant) ([]*selection.Applicant, error) {
	needs, err := db.Needs(ctx)
	if err != nil {
		return nil, err
	}
	p, err := selection.Preselect(selection.PreselectInput{Rules: selection.DefaultRules(),
		Seed: "2024", Applicants: apps, Needs: needs})
	if err != nil {
		return nil, err
	}
	run := p.Run
	run.ID, run.StartedAt, run.CreatedBy = RunID, Now, "hq"
	if err := db.SaveRun(ctx, "hq", &run, p.Outcomes); err != nil {
		return nil, err
	}
	if _, err := db.CommitRun(ctx, "hq", RunID); err != nil {
		return nil, err
	}
	byID := map[string]*selection.Applicant{}
	for _, a := range apps {
		byID[a.ID] = a
	}
	var invited []*selection.Applicant
	for _, o := range p.Outcomes {
		if o.Status == selection.StatusInvited {
			invited = append(invited, byID[o.ApplicantID])
		}
	}
	return invited, nil
}

// decide records the province's decisions on ids[0]: a rejected
// diploma, and a convocation.
func decide(ctx context.Context, db *localdb.DB, ids [4]string) error {
	id := ids[0]
	doc := &selection.Document{ID: "D-" + id, ApplicantID: id, Kind: selection.DocDiploma,
		SHA256: strings.Repeat("0f", 32), MediaType: "application/pdf", Size: 100, UploadedAt: Now}
	if err := db.PutDocument(ctx, "hq", doc); err != nil {
		return err
	}
	err := db.AddReview(ctx, "sup", &selection.Review{ID: "R-" + id, DocumentID: doc.ID,
		Verdict: selection.VerdictRejected, Reason: selection.ReasonMismatch, Reviewer: "sup",
		ReviewedAt: Now, Version: 1})
	if err != nil {
		return err
	}
	err = db.PutSession(ctx, "sup", &selection.InterviewSession{ID: "S1", ProvinceCode: Province,
		StartsAt: Slot, Place: Place, Panel: []string{"p1", "p2"}, Version: 1})
	if err != nil {
		return err
	}
	return db.PutConvocation(ctx, "sup", &selection.Convocation{SessionID: "S1", ApplicantID: id,
		Slot: Slot, Role: selection.RoleEnumerator})
}

// commitFinal stores the committed final selection: ids[0] selected,
// ids[3] selected then withdrawn, replaced by ids[1] from the waiting
// list, ids[2] on the waiting list, for both groups.
func commitFinal(ctx context.Context, db *localdb.DB, fx Fixture) error {
	commune := func(id string) string {
		a, _ := db.Applicant(ctx, id)
		return a.Choices[0]
	}
	var outs []selection.Outcome
	for _, ids := range [][4]string{fx.French, fx.NotFrench} {
		outs = append(outs,
			selection.Outcome{ApplicantID: ids[0], Status: selection.StatusSelected,
				CommuneCode: commune(ids[0]), Role: selection.RoleEnumerator, Rank: 1},
			selection.Outcome{ApplicantID: ids[3], Status: selection.StatusSelected,
				CommuneCode: commune(ids[3]), Role: selection.RoleController, Rank: 1},
			selection.Outcome{ApplicantID: ids[1], Status: selection.StatusWaiting,
				CommuneCode: commune(ids[3]), Rank: 1},
			selection.Outcome{ApplicantID: ids[2], Status: selection.StatusWaiting,
				CommuneCode: commune(ids[2]), Rank: 2})
	}
	run := &selection.Run{ID: FinalRunID, Kind: selection.RunFinal, Scope: Province,
		Params: map[string]string{}, StartedAt: Now, CommittedAt: Now, CreatedBy: "sup"}
	if err := db.SaveRun(ctx, "sup", run, outs); err != nil {
		return err
	}
	for _, ids := range [][4]string{fx.French, fx.NotFrench} {
		err := db.AddWithdrawal(ctx, "sup", &selection.Withdrawal{ID: "W-" + ids[3],
			RunID: FinalRunID, ApplicantID: ids[3], Reason: "raisons personnelles",
			ReplacedBy: ids[1], RecordedBy: "sup", RecordedAt: Now})
		if err != nil {
			return err
		}
	}
	return nil
}

// MustProvinceStore writes, in a new folder, a national store holding
// every generated applicant of a province with the generated needs, and
// the province's pre-selection committed: the notices of a province at
// full size, for benchmarks.
func MustProvinceStore(tb testing.TB, province string) string {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "intiqa.db")
	db, err := localdb.Open(ctx, path, localdb.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	g, err := synth.New(1, province)
	if err != nil {
		tb.Fatal(err)
	}
	var apps []*selection.Applicant
	for a := range g.Applicants() {
		apps = append(apps, a)
	}
	needs := g.Needs()
	src := selection.Source{File: "applicants.xlsx", Sheet: "applicants", SHA256: "mailtest"}
	if _, err := db.ImportApplicants(ctx, "hq", src, rowsOf(apps), nil); err != nil {
		tb.Fatal(err)
	}
	p, err := selection.Preselect(selection.PreselectInput{Rules: selection.DefaultRules(),
		Seed: "2024", Applicants: apps, Needs: needs})
	if err != nil {
		tb.Fatal(err)
	}
	run := p.Run
	run.ID, run.StartedAt = RunID, Now
	if err := db.SaveRun(ctx, "hq", &run, p.Outcomes); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.CommitRun(ctx, "hq", RunID); err != nil {
		tb.Fatal(err)
	}
	return path
}
