package synth

import (
	"slices"
	"testing"
	"time"

	"intiqa/selection"
)

func TestApportion(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		weights []int64
		want    []int
	}{
		{"Exact", 10, []int64{1, 1, 3}, []int{2, 2, 6}},
		{"LargestRemainder", 10, []int64{1, 1, 1}, []int{4, 3, 3}},
		{"TiesToLowerIndex", 2, []int64{1, 1, 1, 1}, []int{1, 1, 0, 0}},
		{"ZeroWeight", 5, []int64{0, 2, 3}, []int{0, 2, 3}},
		{"ZeroTotal", 0, []int64{4, 5}, []int{0, 0}},
		{"Remainders", 7, []int64{7, 2, 1}, []int{5, 1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := apportion(tc.total, tc.weights); !slices.Equal(got, tc.want) {
				t.Fatalf("apportion(%d, %v) = %v, want %v", tc.total, tc.weights, got, tc.want)
			}
		})
	}
}

func TestApportionAtLeastOne(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		weights []int64
		want    []int
		err     bool
	}{
		{"Proportional", 10, []int64{50, 30, 20}, []int{5, 3, 2}, false},
		{"TinyGetsOne", 10, []int64{1000, 1, 1}, []int{8, 1, 1}, false},
		{"AllOnes", 3, []int64{9, 1, 1}, []int{1, 1, 1}, false},
		{"TooFew", 2, []int64{1, 1, 1}, nil, true},
		{"NoWeight", 4, []int64{0, 0}, []int{2, 2}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := apportionAtLeastOne(tc.total, tc.weights)
			if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
				t.Fatalf("apportionAtLeastOne(%d, %v) = %v, %v; want %v (error %v)",
					tc.total, tc.weights, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestPermutationIsBijective(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 10, 1000, 4097, 99_999} {
		p := newPermutation(n, 42)
		seen := make([]bool, n)
		for x := range n {
			y := p.apply(x)
			if y >= n || seen[y] {
				t.Fatalf("n=%d: %d maps to %d, out of range or taken", n, x, y)
			}
			seen[y] = true
		}
	}
}

func TestApplicantIDs(t *testing.T) {
	for _, gi := range []int{0, 9, 488_320, 9_999_998} {
		id := applicantID(gi)
		if got, ok := parseApplicantID(id); !ok || got != gi {
			t.Fatalf("parseApplicantID(%q) = %d, %v; want %d", id, got, ok, gi)
		}
	}
	for _, id := range []string{"", "A", "B0000001", "A000001", "A0000000", "Axxxxxxx"} {
		if _, ok := parseApplicantID(id); ok {
			t.Errorf("parseApplicantID(%q) accepted", id)
		}
	}
	if applicantID(0) != "A0000001" {
		t.Fatalf("first ID = %s", applicantID(0))
	}
}

// TestNameTables checks every name of the tables, not only those a data
// set happens to draw, against the applicant validation.
func TestNameTables(t *testing.T) {
	base := selection.Applicant{
		ID: "A0000001", CIN: "BK123456", Sex: selection.SexMale,
		BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Phone: "0612345678",
		Category: selection.CategoryGraduate, Education: selection.EducationBac3,
		SurveyExperience: selection.ExperienceNone, TechSkill: selection.TechGood,
		Languages: []selection.Language{selection.LangDarija}, Choices: []string{"x"},
		RegisteredAt: time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC),
	}
	tables := map[string][]name{"male": maleFirstNames, "female": femaleFirstNames, "last": lastNames}
	for table, names := range tables {
		seen := map[string]bool{}
		for _, n := range names {
			a := base
			a.FirstName, a.FirstNameAR, a.LastName, a.LastNameAR = n.latin, n.arabic, n.latin, n.arabic
			a.Email = fold(n.latin) + "1@gmail.com"
			if errs := selection.ValidateApplicant(&a, nil); len(errs) > 0 {
				t.Errorf("%s name %q / %q: %v", table, n.latin, n.arabic, errs[0])
			}
			if seen[n.latin] {
				t.Errorf("%s name %q twice", table, n.latin)
			}
			seen[n.latin] = true
		}
		if len(names) < 99 {
			t.Errorf("%s table has %d names", table, len(names))
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Aït Taleb", "aittaleb"}, {"Fatima Zahra", "fatimazahra"}, {"Belfaâ", "belfaa"},
		{"O'Neil-Çé", "oneilce"},
	}
	for _, tc := range tests {
		if got := fold(tc.in); got != tc.want {
			t.Errorf("fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestProvinceTablesCoverTerritory(t *testing.T) {
	p, err := buildPlan()
	if err != nil {
		t.Fatal(err)
	}
	for _, pp := range p.provinces {
		if len(pp.table.cin) == 0 {
			t.Errorf("province %s: no CIN prefix", pp.province.Code)
		}
		for _, prefix := range pp.table.cin {
			if _, err := selection.NormalizeCIN(prefix + "123456"); err != nil {
				t.Errorf("province %s: prefix %q: %v", pp.province.Code, prefix, err)
			}
		}
	}
}
