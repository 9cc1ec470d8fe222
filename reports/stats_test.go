package reports_test

import (
	"context"
	"testing"

	"intiqa/assets"
	"intiqa/localdb"
	"intiqa/reports"
	"intiqa/reports/reportstest"
	"intiqa/selection"
	"intiqa/selection/synth"
)

// The SQLite store is what the reports read at headquarters.
var _ reports.Store = (*localdb.DB)(nil)

// quota is the default rules' pre-selection quota: four trainees a post.
var quota = selection.DefaultRules().Preselection.QuotaMultiplier

// synthStore serves the statistics of a generated data set, counted
// straight from the generator.
type synthStore struct {
	g       *synth.Generator
	tallies []selection.CommuneTally
}

func (s *synthStore) Territory(context.Context) (*selection.Territory, error) {
	return s.g.Territory(), nil
}
func (s *synthStore) Scope() string                                   { return s.g.Scope() }
func (s *synthStore) Needs(context.Context) ([]selection.Need, error) { return s.g.Needs(), nil }
func (s *synthStore) Tallies(context.Context) ([]selection.CommuneTally, error) {
	return s.tallies, nil
}

// newSynthStore counts the generator's applicants by first choice and
// category, and its invited (training) applicants.
func newSynthStore(g *synth.Generator) *synthStore {
	byCode := map[string]*selection.CommuneTally{}
	first := map[string]string{}
	for a := range g.Applicants() {
		t := byCode[a.Choices[0]]
		if t == nil {
			t = &selection.CommuneTally{CommuneCode: a.Choices[0],
				Applicants: map[selection.Category]int{}}
			byCode[a.Choices[0]] = t
		}
		t.Applicants[a.Category]++
		first[a.ID] = a.Choices[0]
	}
	for tp := range g.Training() {
		byCode[first[tp.ApplicantID]].Invited++
	}
	s := &synthStore{g: g}
	for _, t := range byCode {
		s.tallies = append(s.tallies, *t)
	}
	return s
}

// TestStatisticsReproduceSeed builds the national statistics of the
// generated national data set and checks them against SEED.md's tables:
// applicants by category, and by region the applications, training
// needs, invited and field needs.
func TestStatisticsReproduceSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the 488,321 national applicants")
	}
	g, err := synth.New(reportstest.Seed, "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := reports.BuildStatistics(t.Context(), newSynthStore(g), "", quota, reportstest.Printed)
	if err != nil {
		t.Fatal(err)
	}
	cats, err := assets.SeedCategories()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.Categories {
		if c.Applicants != cats[c.Category] {
			t.Errorf("%s: %d applicants; SEED.md says %d", c.Category, c.Applicants, cats[c.Category])
		}
	}
	regions, err := assets.SeedRegions()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Areas) != len(regions) {
		t.Fatalf("%d regions; want %d", len(s.Areas), len(regions))
	}
	byCode := map[string]reports.AreaRow{}
	for _, a := range s.Areas {
		byCode[a.Code] = a
	}
	for _, want := range regions {
		got := byCode[want.RegionCode]
		if got.Applications != want.Applications || got.TrainingNeeds != want.TrainingNeeds ||
			got.Invited != want.Invited || got.FieldNeeds != want.FieldNeeds {
			t.Errorf("region %s (%s): %+v; SEED.md says %+v", want.RegionCode, got.Name, got, want)
		}
	}
	if s.Total.Applications != 488_321 || s.Total.TrainingNeeds != 199_416 ||
		s.Total.Invited != 201_322 || s.Total.FieldNeeds != 49_854 || s.Total.Ratio() != "245\u202f%" {
		t.Errorf("total %+v, ratio %s; SEED.md says 488,321, 199,416, 201,322, 49,854, 245 %%",
			s.Total, s.Total.Ratio())
	}
}

// TestStatisticsOfProvinceStore reads a province's statistics from a real
// store and checks them against the generated data they were made of.
func TestStatisticsOfProvinceStore(t *testing.T) {
	f := reportstest.MustProvince(t, "02.275")
	s, err := reports.BuildStatistics(t.Context(), f.DB, f.Province, quota, reportstest.Printed)
	if err != nil {
		t.Fatal(err)
	}
	g, err := synth.New(reportstest.Seed, f.Province)
	if err != nil {
		t.Fatal(err)
	}
	want := newSynthStore(g)
	byCommune := map[string]selection.CommuneTally{}
	for _, x := range want.tallies {
		byCommune[x.CommuneCode] = x
	}
	for _, a := range s.Areas {
		w := byCommune[a.Code]
		if a.Applications != w.TotalApplicants() || a.Invited != w.Invited {
			t.Errorf("commune %s: %d applications, %d invited; generated %d, %d", a.Code,
				a.Applications, a.Invited, w.TotalApplicants(), w.Invited)
		}
	}
	if s.Total.Applications != g.Count() || s.Total.Invited != g.InvitedCount() {
		t.Errorf("total %+v; generated %d applicants, %d invited", s.Total, g.Count(),
			g.InvitedCount())
	}
	cats := g.CategoryCounts()
	for _, c := range s.Categories {
		if c.Applicants != cats[c.Category] {
			t.Errorf("%s: %d; generated %d", c.Category, c.Applicants, cats[c.Category])
		}
	}
	files := s.Files
	if files.Files != g.UploaderCount() || files.Examined != files.Accepted+files.Rejected ||
		files.Pending != files.Files-files.Examined || files.Rejected == 0 || files.Pending == 0 {
		t.Errorf("files %+v; generated %d uploaders", files, g.UploaderCount())
	}
	_, err = reports.BuildStatistics(t.Context(), f.DB, "99", quota, reportstest.Printed)
	if err == nil {
		t.Error("statistics of an unknown region: no error")
	}
}
