package synth_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"intiqa/assets"
	"intiqa/selection"
	"intiqa/selection/synth"
)

const testSeed = 20240207

// MustNew returns the generator of seed and scope.
func MustNew(tb testing.TB, seed uint64, scope string) *synth.Generator {
	tb.Helper()
	g, err := synth.New(seed, scope)
	if err != nil {
		tb.Fatalf("New(%d, %q): %v", seed, scope, err)
	}
	return g
}

// MustSeedRegions returns SEED.md's figures by region.
func MustSeedRegions(tb testing.TB) []assets.SeedRegion {
	tb.Helper()
	seeds, err := assets.SeedRegions()
	if err != nil {
		tb.Fatal(err)
	}
	return seeds
}

// collect gathers the applicants of a scope.
func collect(tb testing.TB, g *synth.Generator) []*selection.Applicant {
	tb.Helper()
	var out []*selection.Applicant
	for a := range g.Applicants() {
		out = append(out, a)
	}
	if len(out) != g.Count() {
		tb.Fatalf("streamed %d applicants, Count says %d", len(out), g.Count())
	}
	return out
}

// digest hashes every field of a stream of applicants.
func digest(g *synth.Generator) [32]byte {
	h := sha256.New()
	for a := range g.Applicants() {
		fmt.Fprintf(h, "%+v\n", *a)
	}
	return [32]byte(h.Sum(nil))
}

func TestNationalAllocation(t *testing.T) {
	g := MustNew(t, testSeed, "")
	seeds := MustSeedRegions(t)
	t.Run("Applicants", func(t *testing.T) {
		if got := g.Count(); got != 488_321 {
			t.Fatalf("Count = %d, want 488321", got)
		}
	})
	t.Run("Regions", func(t *testing.T) {
		byRegion := map[string]int{}
		for code, n := range g.ProvinceCounts() {
			p, ok := g.Territory().Province(code)
			if !ok {
				t.Fatalf("unknown province %s", code)
			}
			byRegion[p.RegionCode] += n
		}
		for _, s := range seeds {
			if byRegion[s.RegionCode] != s.Applications {
				t.Errorf("region %s: %d applicants, want %d", s.RegionCode,
					byRegion[s.RegionCode], s.Applications)
			}
		}
	})
	t.Run("Categories", func(t *testing.T) {
		want, err := assets.SeedCategories()
		if err != nil {
			t.Fatal(err)
		}
		got := g.CategoryCounts()
		for _, c := range selection.Categories {
			if got[c] != want[c] {
				t.Errorf("category %s: %d, want %d", c, got[c], want[c])
			}
		}
	})
	t.Run("InvitedAndUploaders", func(t *testing.T) {
		invited := 0
		for _, s := range seeds {
			invited += s.Invited
		}
		if g.InvitedCount() != invited || invited != 201_322 {
			t.Errorf("invited = %d, want %d (201322)", g.InvitedCount(), invited)
		}
		if g.UploaderCount() != 146_546 {
			t.Errorf("uploaders = %d, want 146546", g.UploaderCount())
		}
	})
}

func TestProvinceScope(t *testing.T) {
	national := MustNew(t, testSeed, "")
	counts := national.ProvinceCounts()
	for _, code := range []string{synth.DemoProvince(), "01.051", "06.141", "12.066"} {
		t.Run(code, func(t *testing.T) {
			g := MustNew(t, testSeed, code)
			if g.Count() != counts[code] {
				t.Fatalf("Count = %d, national allocation gives %d", g.Count(), counts[code])
			}
			if len(g.ProvinceCounts()) != 1 {
				t.Fatalf("province scope spans %d provinces", len(g.ProvinceCounts()))
			}
		})
	}
	t.Run("SameRecords", func(t *testing.T) {
		g := MustNew(t, testSeed, "12.066")
		for a := range g.Applicants() {
			b, ok := national.Applicant(a.ID)
			if !ok {
				t.Fatalf("%s: not in the national data set", a.ID)
			}
			if fmt.Sprintf("%+v", *a) != fmt.Sprintf("%+v", *b) {
				t.Fatalf("%s differs:\nprovince %+v\nnational %+v", a.ID, *a, *b)
			}
		}
	})
	t.Run("Demo", func(t *testing.T) {
		n := counts[synth.DemoProvince()]
		if n < 5_000 || n > 10_000 {
			t.Fatalf("demo province has %d applicants, want 5,000 to 10,000", n)
		}
	})
}

func TestUnknownScope(t *testing.T) {
	for _, scope := range []string{"99.999", "06.141.01.00", "04", "x"} {
		t.Run(scope, func(t *testing.T) {
			if _, err := synth.New(1, scope); !errors.Is(err, synth.ErrUnknownScope) {
				t.Fatalf("New(%q) error = %v, want ErrUnknownScope", scope, err)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	scope := "12.066"
	a, b := digest(MustNew(t, testSeed, scope)), digest(MustNew(t, testSeed, scope))
	if a != b {
		t.Fatal("two runs with the same seed differ")
	}
	if c := digest(MustNew(t, testSeed+1, scope)); c == a {
		t.Fatal("another seed gives the same data set")
	}

	t.Run("TrainingAndDocuments", func(t *testing.T) {
		others := func(g *synth.Generator) [32]byte {
			h := sha256.New()
			for tp := range g.Training() {
				score := -1.0
				if tp.TestScore != nil {
					score = *tp.TestScore
				}
				fmt.Fprintln(h, tp.ApplicantID, tp.Started, tp.ModulesCompleted, tp.ModulesTotal, score)
			}
			for d := range g.Documents() {
				fmt.Fprintf(h, "%+v\n", d)
			}
			return [32]byte(h.Sum(nil))
		}
		first, second := others(MustNew(t, testSeed, scope)), others(MustNew(t, testSeed, scope))
		if first != second {
			t.Fatal("two runs with the same seed differ")
		}
	})
}

func TestApplicantsValid(t *testing.T) {
	g := MustNew(t, testSeed, synth.DemoProvince())
	apps := collect(t, g)
	terr := g.Territory()
	opens := time.Date(2024, 2, 7, 0, 0, 0, 0, time.UTC)
	closes := time.Date(2024, 2, 28, 0, 0, 0, 0, time.UTC)
	for i, a := range apps {
		if errs := selection.ValidateApplicant(a, terr); len(errs) > 0 {
			t.Fatalf("%s invalid: %v", a.ID, errs[0])
		}
		if a.ProvinceCode() != synth.DemoProvince() {
			t.Fatalf("%s: first choice %s outside the scope", a.ID, a.Choices[0])
		}
		if a.RegisteredAt.Before(opens) || !a.RegisteredAt.Before(closes) {
			t.Fatalf("%s registered at %v, outside 7-27 February 2024", a.ID, a.RegisteredAt)
		}
		if i > 0 && apps[i-1].ID >= a.ID {
			t.Fatalf("IDs out of order: %s then %s", apps[i-1].ID, a.ID)
		}
	}
}

// TestNationalSampleValid regenerates every 97th applicant of the nation
// (about 5,000, from every province) and validates it.
func TestNationalSampleValid(t *testing.T) {
	g := MustNew(t, testSeed, "")
	terr := g.Territory()
	provinces := map[string]bool{}
	for i := 0; i < g.Count(); i += 97 {
		id := fmt.Sprintf("A%07d", i+1)
		a, ok := g.Applicant(id)
		if !ok || a.ID != id {
			t.Fatalf("applicant %s: not regenerated", id)
		}
		if errs := selection.ValidateApplicant(a, terr); len(errs) > 0 {
			t.Fatalf("%s invalid: %v", a.ID, errs[0])
		}
		provinces[a.ProvinceCode()] = true
	}
	if len(provinces) != len(g.ProvinceCounts()) {
		t.Fatalf("sample spans %d provinces of %d", len(provinces), len(g.ProvinceCounts()))
	}
}

func TestCategoryCountsExact(t *testing.T) {
	g := MustNew(t, testSeed, synth.DemoProvince())
	got := map[selection.Category]int{}
	for _, a := range collect(t, g) {
		got[a.Category]++
	}
	want := g.CategoryCounts()
	for _, c := range selection.Categories {
		if got[c] != want[c] || got[c] == 0 {
			t.Errorf("category %s: generated %d, allocated %d", c, got[c], want[c])
		}
	}
}

func TestUnique(t *testing.T) {
	// The demo province and the three southern regions whole.
	scopes := []string{synth.DemoProvince()}
	national := MustNew(t, testSeed, "")
	for _, p := range national.Territory().Provinces {
		if p.RegionCode >= "10" && national.ProvinceCounts()[p.Code] > 0 {
			scopes = append(scopes, p.Code)
		}
	}
	seen := map[string]map[string]string{"id": {}, "cin": {}, "phone": {}, "email": {}}
	total := 0
	for _, scope := range scopes {
		for a := range MustNew(t, testSeed, scope).Applicants() {
			total++
			keys := map[string]string{"id": a.ID, "cin": a.CIN, "phone": a.Phone, "email": a.Email}
			for field, v := range keys {
				if other, dup := seen[field][v]; dup {
					t.Fatalf("%s %q of %s already held by %s", field, v, a.ID, other)
				}
				seen[field][v] = a.ID
			}
		}
	}
	if total < 20_000 {
		t.Fatalf("only %d applicants checked", total)
	}
}

func TestApplicantsPlausible(t *testing.T) {
	g := MustNew(t, testSeed, synth.DemoProvince())
	apps := collect(t, g)
	var under20, noHigher, tachelhit, retirees, retireeCensus, darija int
	choices := map[int]int{}
	for _, a := range apps {
		age := a.AgeOn(a.RegisteredAt)
		switch a.Category {
		case selection.CategoryStudent:
			if age < 18 || age > 26 {
				t.Fatalf("%s: student aged %d", a.ID, age)
			}
		case selection.CategoryPublicRetiree:
			retirees++
			if age < 60 || age > 70 {
				t.Fatalf("%s: retiree aged %d", a.ID, age)
			}
			if a.SurveyExperience == selection.ExperienceCensus {
				retireeCensus++
			}
		case selection.CategoryGraduate:
			if a.Education == selection.EducationBac {
				t.Fatalf("%s: graduate without a higher diploma", a.ID)
			}
		}
		if age < 20 {
			under20++
		}
		if a.Education == selection.EducationBac {
			noHigher++
		}
		if a.Speaks(selection.LangTachelhit) {
			tachelhit++
		}
		if a.Speaks(selection.LangDarija) {
			darija++
		}
		choices[len(a.Choices)]++
	}
	n := len(apps)
	checks := []struct {
		name string
		ok   bool
	}{
		{"some under 20", under20 > n/100},
		{"some without higher education", noHigher > n/20},
		{"Tachelhit widely spoken in Chtouka", tachelhit > n*4/10},
		{"darija almost always", darija > n*9/10},
		{"retirees often took part in a census", retireeCensus*3 > retirees},
		{"one, two and three choices", choices[1] > 0 && choices[2] > 0 && choices[3] > n/3},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not so (n=%d, under20=%d, bac=%d, tachelhit=%d, darija=%d, choices=%v)",
				c.name, n, under20, noHigher, tachelhit, darija, choices)
		}
	}
}

func TestNeeds(t *testing.T) {
	g := MustNew(t, testSeed, "")
	needs := g.Needs()
	terr := g.Territory()
	if len(needs) != len(terr.Communes) {
		t.Fatalf("%d needs for %d communes", len(needs), len(terr.Communes))
	}
	byRegion := map[string]int{}
	total, controllers := 0, 0
	for i, n := range needs {
		c, ok := terr.Commune(n.CommuneCode)
		if !ok || c.Code != terr.Communes[i].Code {
			t.Fatalf("need %d: commune %s out of reference order", i, n.CommuneCode)
		}
		if n.Enumerators < 1 || n.Controllers < 0 {
			t.Fatalf("%s: %d enumerators, %d controllers", n.CommuneCode, n.Enumerators, n.Controllers)
		}
		if len(n.Languages) == 0 || n.Languages[0] != selection.LangDarija {
			t.Fatalf("%s: languages %v", n.CommuneCode, n.Languages)
		}
		byRegion[c.RegionCode] += n.Total()
		total += n.Total()
		controllers += n.Controllers
	}
	for _, s := range MustSeedRegions(t) {
		if byRegion[s.RegionCode] != s.FieldNeeds {
			t.Errorf("region %s: %d posts, want %d", s.RegionCode, byRegion[s.RegionCode], s.FieldNeeds)
		}
	}
	if total != 49_854 {
		t.Errorf("posts = %d, want 49854", total)
	}
	if ratio := float64(total-controllers) / float64(controllers); ratio < 3.2 || ratio > 4.0 {
		t.Errorf("enumerators per controller = %.2f, want about 3.6", ratio)
	}

	t.Run("ProvinceScope", func(t *testing.T) {
		p := MustNew(t, testSeed, synth.DemoProvince())
		var want []string
		for _, n := range needs {
			if selection.ProvinceOfCommune(n.CommuneCode) == synth.DemoProvince() {
				want = append(want, fmt.Sprint(n))
			}
		}
		var got []string
		tachelhit := false
		for _, n := range p.Needs() {
			got = append(got, fmt.Sprint(n))
			tachelhit = tachelhit || slices.Contains(n.Languages, selection.LangTachelhit)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("province needs differ from the national ones:\n%v\n%v", got, want)
		}
		if !tachelhit {
			t.Fatal("no commune of Chtouka lists Tachelhit")
		}
	})
}

func TestTraining(t *testing.T) {
	g := MustNew(t, testSeed, synth.DemoProvince())
	ids := map[string]*selection.Applicant{}
	for _, a := range collect(t, g) {
		ids[a.ID] = a
	}
	n, scored, started, last := 0, 0, 0, ""
	for tp := range g.Training() {
		n++
		if _, ok := ids[tp.ApplicantID]; !ok || tp.ApplicantID <= last {
			t.Fatalf("training of %s: unknown or out of order", tp.ApplicantID)
		}
		last = tp.ApplicantID
		if tp.ModulesTotal != 12 || tp.ModulesCompleted < 0 || tp.ModulesCompleted > tp.ModulesTotal {
			t.Fatalf("%s: %d/%d modules", tp.ApplicantID, tp.ModulesCompleted, tp.ModulesTotal)
		}
		if !tp.Started && (tp.ModulesCompleted != 0 || tp.TestScore != nil) {
			t.Fatalf("%s: progress without a start", tp.ApplicantID)
		}
		if tp.Started {
			started++
		}
		if tp.TestScore != nil {
			scored++
			if *tp.TestScore < 0 || *tp.TestScore > 100 || tp.ModulesCompleted != tp.ModulesTotal {
				t.Fatalf("%s: score %v after %d modules", tp.ApplicantID, *tp.TestScore, tp.ModulesCompleted)
			}
		}
	}
	if n != g.InvitedCount() {
		t.Fatalf("training rows = %d, want %d", n, g.InvitedCount())
	}
	if started == n || started < n/2 || scored == 0 || scored == started {
		t.Fatalf("implausible progress: %d rows, %d started, %d scored", n, started, scored)
	}
}

// fakeRender stands for reports/specimen: deterministic bytes that name
// the document and its applicant.
func fakeRender(d selection.Document, a *selection.Applicant) ([]byte, error) {
	return []byte(d.ID + "|" + a.LastName + "|" + d.MediaType), nil
}

func TestDocuments(t *testing.T) {
	g := MustNew(t, testSeed, synth.DemoProvince())
	invited := map[string]bool{}
	for tp := range g.Training() {
		invited[tp.ApplicantID] = true
	}
	opens := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)
	closes := time.Date(2024, 5, 16, 0, 0, 0, 0, time.UTC)
	uploaders, docs := 0, 0
	ids := map[string]bool{}
	media := map[string]int{}
	for u := range g.Uploads() {
		uploaders++
		if !invited[u.Applicant.ID] {
			t.Fatalf("%s uploaded documents without being invited", u.Applicant.ID)
		}
		var kinds []selection.DocumentKind
		for _, d := range u.Documents {
			docs++
			kinds = append(kinds, d.Kind)
			media[d.MediaType]++
			if ids[d.ID] || d.ApplicantID != u.Applicant.ID || d.SHA256 != "" {
				t.Fatalf("document %+v: duplicate, foreign or hashed", d)
			}
			if d.UploadedAt.Before(opens) || !d.UploadedAt.Before(closes) {
				t.Fatalf("document %s uploaded at %v", d.ID, d.UploadedAt)
			}
			ids[d.ID] = true
		}
		if want := selection.RequiredDocuments(u.Applicant); !slices.Equal(kinds, want) {
			t.Fatalf("%s: kinds %v, want %v", u.Applicant.ID, kinds, want)
		}
	}
	if uploaders != g.UploaderCount() || uploaders == 0 {
		t.Fatalf("uploaders = %d, want %d", uploaders, g.UploaderCount())
	}
	if media[synth.MediaPNG] <= media[synth.MediaPDF] || media[synth.MediaPDF] == 0 {
		t.Fatalf("media types: %v, want mostly PNG and some PDF", media)
	}
	n := 0
	for range g.Documents() {
		n++
	}
	if n != docs {
		t.Fatalf("Documents streamed %d, Uploads held %d", n, docs)
	}
}

func TestDocumentFiles(t *testing.T) {
	g := MustNew(t, testSeed, "12.066")
	n := 0
	for f, err := range g.DocumentFiles(fakeRender) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		sum := sha256.Sum256(f.Bytes)
		if f.Document.SHA256 != fmt.Sprintf("%x", sum) || f.Document.Size != int64(len(f.Bytes)) {
			t.Fatalf("%s: SHA256 %s, size %d do not match the bytes", f.Document.ID,
				f.Document.SHA256, f.Document.Size)
		}
		again, err := g.DocumentBytes(f.Document, fakeRender)
		if err != nil || string(again) != string(f.Bytes) {
			t.Fatalf("%s: rendered again as %q, %v", f.Document.ID, again, err)
		}
	}
	if n == 0 {
		t.Fatal("no document")
	}

	t.Run("UnknownApplicant", func(t *testing.T) {
		_, err := g.DocumentBytes(selection.Document{ID: "x", ApplicantID: "A0000001"}, fakeRender)
		if !errors.Is(err, synth.ErrUnknownApplicant) {
			t.Fatalf("err = %v, want ErrUnknownApplicant", err)
		}
	})
	t.Run("RenderError", func(t *testing.T) {
		errInk := errors.New("out of ink")
		failing := func(selection.Document, *selection.Applicant) ([]byte, error) { return nil, errInk }
		for _, err := range g.DocumentFiles(failing) {
			if !errors.Is(err, errInk) {
				t.Fatalf("err = %v, want %v", err, errInk)
			}
			return
		}
		t.Fatal("no error yielded")
	})
}
