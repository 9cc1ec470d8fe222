package assets_test

import (
	"testing"

	"intiqa/assets"
)

func TestTerritoryMatchesReferenceCounts(t *testing.T) {
	terr, err := assets.Territory()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(terr.Regions), 12; got != want {
		t.Errorf("regions: got %d, want %d", got, want)
	}
	if got, want := len(terr.Provinces), 83; got != want {
		t.Errorf("provinces: got %d, want %d", got, want)
	}
	if got, want := len(terr.Communes), 1503; got != want {
		t.Errorf("communes: got %d, want %d", got, want)
	}
	pop := 0
	for _, c := range terr.Communes {
		pop += c.Population
		if _, ok := terr.Province(c.ProvinceCode); !ok {
			t.Errorf("commune %s: unknown province %s", c.Code, c.ProvinceCode)
		}
	}
	if pop != 36828330 {
		t.Errorf("population: got %d, want 36828330", pop)
	}
}

func TestSeedFiguresAddUp(t *testing.T) {
	regions, err := assets.SeedRegions()
	if err != nil {
		t.Fatal(err)
	}
	apps, needs := 0, 0
	for _, r := range regions {
		apps += r.Applications
		needs += r.FieldNeeds
	}
	if apps != 488321 || needs != 49854 {
		t.Errorf("totals: applications %d, field needs %d; want 488321, 49854", apps, needs)
	}
	cats, err := assets.SeedCategories()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, n := range cats {
		sum += n
	}
	if sum != 488321 {
		t.Errorf("categories: got %d, want 488321", sum)
	}
}
