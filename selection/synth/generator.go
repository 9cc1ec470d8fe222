// Package synth generates a realistic, deterministic data set of the
// recruitment: applicants, communes' needs, training progress and the
// metadata of uploaded documents, at the scale of SEED.md (488,321
// applicants, 49,854 field posts) or for one province.
//
// The same seed and scope always give the same data, on every platform:
// every random draw comes from a PCG stream seeded from the seed and the
// position of the item, and no map is ever iterated. Figures are
// allocated nationally first (regions from SEED.md, split among provinces
// and communes by population), so a province generated alone has the
// same counts as in the national data set, and the same records.
//
// The package does no I/O.
package synth

import (
	"errors"
	"fmt"
	"iter"

	"intiqa/selection"
)

// ErrUnknownScope is returned for a scope that is neither national nor a
// province holding communes.
var ErrUnknownScope = errors.New("unknown scope")

// demoProvince is Chtouka-Aït Baha (Souss-Massa): about 8,000 applicants,
// urban and rural communes, many Tachelhit speakers.
const demoProvince = "09.163"

// DemoProvince returns the code of the province the app uses as its
// built-in demonstration data set.
func DemoProvince() string { return demoProvince }

// Generator produces one data set. It holds the allocation of figures
// (a few kilobytes) and streams the records, so that the national data
// set never sits in memory whole.
type Generator struct {
	seed   uint64
	scope  string
	plan   *plan
	scoped []*provincePlan
	perms  identityPerms
}

// New returns the generator of the data set of seed for scope: "" for the
// whole country, or a province code such as "04.281".
func New(seed uint64, scope string) (*Generator, error) {
	p, err := buildPlan()
	if err != nil {
		return nil, fmt.Errorf("plan data set: %w", err)
	}
	if p.total > maxNational {
		return nil, fmt.Errorf("plan data set: %d applicants exceed the identity spaces", p.total)
	}
	g := &Generator{seed: seed, scope: scope, plan: p, perms: newIdentityPerms(seed)}
	for _, pp := range p.provinces {
		if scope == "" || pp.province.Code == scope {
			g.scoped = append(g.scoped, pp)
		}
	}
	if len(g.scoped) == 0 {
		return nil, fmt.Errorf("scope %q: %w", scope, ErrUnknownScope)
	}
	return g, nil
}

// Seed returns the generator's seed.
func (g *Generator) Seed() uint64 { return g.seed }

// Scope returns "" for the national data set or the province code.
func (g *Generator) Scope() string { return g.scope }

// Territory returns the reference data the generator allocates over.
func (g *Generator) Territory() *selection.Territory { return g.plan.terr }

// Count returns the number of applicants of the scope, from the
// allocation, without generating them.
func (g *Generator) Count() int {
	n := 0
	for _, pp := range g.scoped {
		n += pp.count
	}
	return n
}

// ProvinceCounts returns the number of applicants of each province of the
// scope, by province code, from the allocation.
func (g *Generator) ProvinceCounts() map[string]int {
	out := make(map[string]int, len(g.scoped))
	for _, pp := range g.scoped {
		out[pp.province.Code] = pp.count
	}
	return out
}

// CategoryCounts returns the number of applicants of each category in the
// scope, from the allocation, without generating them.
func (g *Generator) CategoryCounts() map[selection.Category]int {
	out := make(map[selection.Category]int, len(selection.Categories))
	for _, pp := range g.scoped {
		for i, c := range selection.Categories {
			out[c] += pp.categories[i]
		}
	}
	return out
}

// InvitedCount returns the number of applicants with training progress.
func (g *Generator) InvitedCount() int {
	n := 0
	for _, pp := range g.scoped {
		n += pp.invited
	}
	return n
}

// UploaderCount returns the number of applicants who uploaded documents.
func (g *Generator) UploaderCount() int {
	n := 0
	for _, pp := range g.scoped {
		n += pp.documents
	}
	return n
}

// Applicants streams the scope's applicants in the order of their IDs.
// Each call yields fresh values, which the caller may keep.
func (g *Generator) Applicants() iter.Seq[*selection.Applicant] {
	return func(yield func(*selection.Applicant) bool) {
		var r rng
		for _, pp := range g.scoped {
			for i := range pp.count {
				if !yield(g.applicantAt(pp, i, &r)) {
					return
				}
			}
		}
	}
}

// Needs returns the field posts of every commune of the scope, in the
// order of the reference data. Nationally they add up to each region's
// field needs in SEED.md.
func (g *Generator) Needs() []selection.Need {
	var out []selection.Need
	for _, n := range g.plan.needs {
		if g.scope == "" || selection.ProvinceOfCommune(n.CommuneCode) == g.scope {
			n.Languages = append([]selection.Language(nil), n.Languages...)
			out = append(out, n)
		}
	}
	return out
}

// Applicant returns the applicant with the given ID, regenerated alone,
// if the ID belongs to the scope.
func (g *Generator) Applicant(id string) (*selection.Applicant, bool) {
	gi, ok := parseApplicantID(id)
	if !ok {
		return nil, false
	}
	for _, pp := range g.scoped {
		if gi >= pp.first && gi < pp.first+pp.count {
			var r rng
			return g.applicantAt(pp, gi-pp.first, &r), true
		}
	}
	return nil, false
}
