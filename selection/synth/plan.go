package synth

import (
	"fmt"

	"intiqa/assets"
	"intiqa/selection"
)

// seedDocumentFiles is the number of application files with documents
// uploaded, from SEED.md.
const seedDocumentFiles = 146_546

// provincePlan is what the national allocation gives one province; it
// does not depend on the seed.
type provincePlan struct {
	province   selection.Province
	index      int // rank in the national order
	first      int // national index of its first applicant
	count      int // applicants whose first choice is in the province
	categories [5]int
	invited    int // applicants with training progress
	documents  int // invited applicants who uploaded documents
	communes   []selection.Commune
	weights    []int // commune weights for the choices (population, at least 1)
	table      provinceTable
}

// plan is the national allocation: regions' figures from SEED.md split
// among provinces and communes. Province scope uses the same plan, so a
// province gets the same figures as in the national run.
type plan struct {
	terr      *selection.Territory
	provinces []*provincePlan // national order: regions, then provinces, by reference order
	needs     []selection.Need
	total     int
}

// buildPlan loads the reference data and allocates the seed's figures.
func buildPlan() (*plan, error) {
	terr, err := assets.Territory()
	if err != nil {
		return nil, fmt.Errorf("load territory: %w", err)
	}
	seeds, err := assets.SeedRegions()
	if err != nil {
		return nil, fmt.Errorf("load seed regions: %w", err)
	}
	cats, err := assets.SeedCategories()
	if err != nil {
		return nil, fmt.Errorf("load seed categories: %w", err)
	}
	bySeed := make(map[string]assets.SeedRegion, len(seeds))
	for _, s := range seeds {
		bySeed[s.RegionCode] = s
	}

	p := &plan{terr: terr}
	for _, reg := range terr.Regions {
		s, ok := bySeed[reg.Code]
		if !ok {
			return nil, fmt.Errorf("seed figures of region %s: missing", reg.Code)
		}
		if err := p.addRegion(s); err != nil {
			return nil, err
		}
	}
	if err := p.allocateCategories(cats); err != nil {
		return nil, err
	}
	p.allocateDocuments()
	return p, nil
}

// addRegion splits a region's applications and invitations among its
// provinces by population, and its field needs among its communes.
func (p *plan) addRegion(s assets.SeedRegion) error {
	provs := p.terr.ProvincesOf(s.RegionCode)
	pops := make([]int64, len(provs))
	for i, pr := range provs {
		pops[i] = int64(pr.Population)
	}
	apps := apportion(s.Applications, pops)
	appWeights := make([]int64, len(apps))
	for i, n := range apps {
		appWeights[i] = int64(n)
	}
	invited := apportion(s.Invited, appWeights)

	for i, pr := range provs {
		table, ok := provinceTables[pr.Code]
		if !ok {
			return fmt.Errorf("generator tables of province %s: missing", pr.Code)
		}
		pp := &provincePlan{
			province: pr, index: len(p.provinces), first: p.total,
			count: apps[i], invited: invited[i], table: table,
			communes: p.terr.CommunesOf(pr.Code),
		}
		pp.weights = communeWeights(pp.communes)
		p.provinces = append(p.provinces, pp)
		p.total += apps[i]
	}
	return p.addNeeds(s)
}

func communeWeights(cs []selection.Commune) []int {
	w := make([]int, len(cs))
	for i, c := range cs {
		w[i] = max(1, c.Population)
	}
	return w
}

// allocateCategories gives each province its count per category so that
// every province's counts add up to its applicants and every category's
// counts add up to its national figure: the split of the first k
// applicants of the national order is apportioned for each running total
// k, and a province takes the difference between its two ends.
func (p *plan) allocateCategories(cats map[selection.Category]int) error {
	weights := make([]int64, len(selection.Categories))
	for i, c := range selection.Categories {
		weights[i] = int64(cats[c])
	}
	prev := make([]int, len(weights))
	for _, pp := range p.provinces {
		cur := apportion(pp.first+pp.count, weights)
		for i := range cur {
			pp.categories[i] = cur[i] - prev[i]
			if pp.categories[i] < 0 {
				return fmt.Errorf("categories of province %s: negative count", pp.province.Code)
			}
		}
		prev = cur
	}
	return nil
}

// allocateDocuments splits the seed's files with documents among the
// provinces by their invited applicants (documents were asked of the
// applicants invited to training).
func (p *plan) allocateDocuments() {
	weights := make([]int64, len(p.provinces))
	for i, pp := range p.provinces {
		weights[i] = int64(pp.invited)
	}
	docs := apportion(seedDocumentFiles, weights)
	for i, pp := range p.provinces {
		pp.documents = min(docs[i], pp.invited)
	}
}

// addNeeds splits a region's field needs among all its communes by
// population, at least one post each, then each commune's posts between
// enumerators and controllers.
func (p *plan) addNeeds(s assets.SeedRegion) error {
	var communes []selection.Commune
	for _, c := range p.terr.Communes {
		if c.RegionCode == s.RegionCode {
			communes = append(communes, c)
		}
	}
	pops := make([]int64, len(communes))
	for i, c := range communes {
		pops[i] = int64(c.Population)
	}
	posts, err := apportionAtLeastOne(s.FieldNeeds, pops)
	if err != nil {
		return fmt.Errorf("field needs of region %s: %w", s.RegionCode, err)
	}
	for i, c := range communes {
		table := provinceTables[c.ProvinceCode]
		ctrl := controllersOf(posts[i])
		p.needs = append(p.needs, selection.Need{
			CommuneCode: c.Code, Enumerators: posts[i] - ctrl, Controllers: ctrl,
			Languages: communeLanguages(c, table),
		})
	}
	return nil
}

// controllersOf returns the controllers among a commune's posts: one for
// about 3.6 enumerators, at least one as soon as there are two posts.
func controllersOf(posts int) int {
	if posts < 2 {
		return 0
	}
	return max(1, (posts*10+23)/46) // round(posts / 4.6)
}

// communeLanguages lists darija and the regional languages that enough of
// a commune's households speak, in the order of selection.Languages.
func communeLanguages(c selection.Commune, t provinceTable) []selection.Language {
	out := []selection.Language{selection.LangDarija}
	for _, l := range selection.Languages {
		for _, s := range t.speech {
			if s.lang == l && s.share(c.Type) >= communeLanguageThreshold {
				out = append(out, l)
			}
		}
	}
	return out
}
