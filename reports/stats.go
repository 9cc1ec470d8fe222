package reports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"intiqa/selection"
)

// Statistics are the figures of SEED.md for one scope: the nation (by
// region), a region (by province) or a province (by commune).
type Statistics struct {
	Meta Meta
	// AreaLabel names the rows of Areas: "Région", "Province", "Commune".
	AreaLabel, AreaLabelAR string
	Categories             []CategoryRow
	Areas                  []AreaRow
	Total                  AreaRow
	Files                  FileCounts
}

// CategoryRow is the number of applicants of one category.
type CategoryRow struct {
	Category    selection.Category
	Label       string
	LabelAR     string
	Applicants  int
	SharePermil int // share of all applicants, in thousandths
}

// AreaRow is one area's applications against its needs.
type AreaRow struct {
	Code, Name, NameAR string
	Applications       int // applicants whose first choice lies in the area
	TrainingNeeds      int // the quota of trainees: QuotaMultiplier times the field needs
	Invited            int // applicants with training progress
	FieldNeeds         int // field posts, enumerators and controllers
}

// Ratio returns the applications as a percentage of the training needs.
func (a AreaRow) Ratio() string { return Percent(a.Applications, a.TrainingNeeds) }

// FileCounts are the applicants' document files by review outcome.
type FileCounts struct {
	Files, Examined, Accepted, Rejected, Pending int
}

// BuildStatistics reads the statistics of scope ("" for the nation, a
// region code such as "09", or a province code such as "09.163") from
// the store; quota is the pre-selection's quota multiplier.
func BuildStatistics(ctx context.Context, st StatsStore, scope string, quota selection.Multiplier,
	printed time.Time) (*Statistics, error) {
	meta, terr, err := newMeta(ctx, st, scope, "Statistiques du recrutement",
		"إحصائيات التوظيف", printed)
	if err != nil {
		return nil, err
	}
	level, err := levelOf(terr, scope)
	if err != nil {
		return nil, err
	}
	tallies, err := st.Tallies(ctx)
	if err != nil {
		return nil, fmt.Errorf("read tallies: %w", err)
	}
	needs, err := st.Needs(ctx)
	if err != nil {
		return nil, fmt.Errorf("read needs: %w", err)
	}
	s := &Statistics{Meta: meta}
	s.AreaLabel, s.AreaLabelAR = level.label, level.labelAR
	areas := newAreaIndex(terr, scope, level)
	var total selection.CommuneTally
	for i := range tallies {
		t := &tallies[i]
		row := areas.row(t.CommuneCode)
		if row == nil {
			continue
		}
		row.Applications += t.TotalApplicants()
		row.Invited += t.Invited
		total.Add(t)
	}
	for _, n := range needs {
		if row := areas.row(n.CommuneCode); row != nil {
			row.FieldNeeds += n.Total()
			row.TrainingNeeds += quota.Of(n.Total())
		}
	}
	s.Areas = areas.rows
	s.fillTotals(&total)
	return s, nil
}

// fillTotals sets the totals, categories and files from the scope's
// tally and area rows.
func (s *Statistics) fillTotals(total *selection.CommuneTally) {
	s.Total = AreaRow{Name: "Total", NameAR: "المجموع"}
	for _, a := range s.Areas {
		s.Total.Applications += a.Applications
		s.Total.TrainingNeeds += a.TrainingNeeds
		s.Total.Invited += a.Invited
		s.Total.FieldNeeds += a.FieldNeeds
	}
	all := total.TotalApplicants()
	for _, c := range selection.Categories {
		fr, ar := CategoryLabel(c)
		row := CategoryRow{Category: c, Label: fr, LabelAR: ar, Applicants: total.Applicants[c]}
		if all > 0 {
			row.SharePermil = (2000*row.Applicants + all) / (2 * all)
		}
		s.Categories = append(s.Categories, row)
	}
	s.Files = FileCounts{Files: total.Files, Examined: total.Examined(), Accepted: total.Accepted,
		Rejected: total.Rejected, Pending: total.Pending()}
}

// level is what the rows of a scope's statistics are.
type level struct {
	label, labelAR string
	key            func(c selection.Commune) string // the row a commune counts in
}

// levelOf returns the level of the rows for a scope.
func levelOf(terr *selection.Territory, scope string) (level, error) {
	switch {
	case scope == "":
		return level{"Région", "الجهة", func(c selection.Commune) string { return c.RegionCode }}, nil
	case strings.Contains(scope, "."):
		return level{"Commune", "الجماعة", func(c selection.Commune) string { return c.Code }}, nil
	}
	for _, r := range terr.Regions {
		if r.Code == scope {
			return level{"Province", "الإقليم",
				func(c selection.Commune) string { return c.ProvinceCode }}, nil
		}
	}
	return level{}, fmt.Errorf("statistics of %q: %w", scope, ErrUnknownScope)
}

// ErrUnknownScope is returned for a scope that is neither the nation, a
// region nor a province.
var ErrUnknownScope = errors.New("unknown scope")

// areaIndex holds the rows of a scope's areas, in the order of the
// reference data, and finds the row of a commune.
type areaIndex struct {
	terr  *selection.Territory
	scope string
	key   func(selection.Commune) string
	rows  []AreaRow
	byKey map[string]int
}

// newAreaIndex lists the areas of scope.
func newAreaIndex(terr *selection.Territory, scope string, lv level) *areaIndex {
	x := &areaIndex{terr: terr, scope: scope, key: lv.key, byKey: map[string]int{}}
	add := func(code, name, nameAR string) {
		x.byKey[code] = len(x.rows)
		x.rows = append(x.rows, AreaRow{Code: code, Name: name, NameAR: nameAR})
	}
	switch lv.label {
	case "Région":
		for _, r := range terr.Regions {
			add(r.Code, r.NameFR, r.NameAR)
		}
	case "Province":
		for _, p := range terr.Provinces {
			if p.RegionCode == scope && p.Type != selection.ProvinceTypeArrondissements {
				add(p.Code, p.NameFR, p.NameAR)
			}
		}
	default:
		for _, c := range terr.Communes {
			if c.ProvinceCode == scope {
				add(c.Code, c.NameFR, c.NameAR)
			}
		}
	}
	return x
}

// row returns the row a commune counts in, or nil if it lies outside
// the scope.
func (x *areaIndex) row(commune string) *AreaRow {
	c, ok := x.terr.Commune(commune)
	if !ok {
		return nil
	}
	i, ok := x.byKey[x.key(c)]
	if !ok {
		return nil
	}
	return &x.rows[i]
}
