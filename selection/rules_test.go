package selection_test

import (
	"errors"
	"strings"
	"testing"

	"intiqa/selection"
)

var rulesTests = []struct {
	name string
	edit func(s string) string // applied to the default file
	path string                // "" when valid
}{
	{"Default", func(s string) string { return s }, ""},
	{"DecimalMultiplier", func(s string) string {
		return strings.Replace(s, `"quota_multiplier": 4`, `"quota_multiplier": 3.5`, 1)
	}, ""},
	{"NotJSON", func(string) string { return "quota: 4" }, "$"},
	{"TrailingGarbage", func(s string) string { return s + "{}" }, "$"},
	{"UnknownKey", func(s string) string {
		return strings.Replace(s, `"version"`, `"versoin": "x", "version"`, 1)
	}, "$"},
	{"WrongSchema", func(s string) string {
		return strings.Replace(s, "intiqa.rules/1", "intiqa.rules/9", 1)
	}, "schema"},
	{"BadDate", func(s string) string { return strings.Replace(s, "2024-02-27", "27/02/2024", 1) }, "reference_date"},
	{"WeightsNot100", func(s string) string {
		return strings.Replace(s, `"education": 30`, `"education": 31`, 1)
	}, "merit.weights"},
	{"MissingPoints", func(s string) string {
		return strings.Replace(s, `"bac+8": 100`, `"bac+9": 100`, 1)
	}, "merit.points.education.bac+8"},
	{"NegativePoints", func(s string) string {
		return strings.Replace(s, `"basic": 40`, `"basic": -40`, 1)
	}, "merit.points.tech_skill.basic"},
	{"ZeroQuota", func(s string) string {
		return strings.Replace(s, `"quota_multiplier": 4`, `"quota_multiplier": 0`, 1)
	}, "preselection.quota_multiplier"},
	{"ThreeDecimals", func(s string) string {
		return strings.Replace(s, `"quota_multiplier": 4`, `"quota_multiplier": 4.125`, 1)
	}, "$"},
	{"UnknownExemptCategory", func(s string) string {
		return strings.Replace(s, `["civil_servant", "public_retiree"]`, `["teacher"]`, 1)
	}, "eligibility.education_exempt_categories[0]"},
	{"FinalWeights", func(s string) string {
		return strings.Replace(s, `"interview": 60`, `"interview": 50`, 1)
	}, "final.weights"},
	{"ControllerEducation", func(s string) string {
		return strings.Replace(s, `"min_education": "bac+3"`, `"min_education": "master"`, 1)
	}, "final.controller.min_education"},
}

func TestParseRules(t *testing.T) {
	base := string(selection.DefaultRulesJSON())
	for _, tt := range rulesTests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := selection.ParseRules([]byte(tt.edit(base)))
			if tt.path == "" {
				if err != nil || len(r.Hash()) != 64 {
					t.Fatalf("valid rules refused: %v", err)
				}
				return
			}
			var re *selection.RulesError
			if !errors.As(err, &re) || re.Path != tt.path {
				t.Fatalf("got %v, want a RulesError at %s", err, tt.path)
			}
		})
	}
}

func TestRulesHashIgnoresLayout(t *testing.T) {
	a := selection.DefaultRules()
	compact := strings.Join(strings.Fields(string(selection.DefaultRulesJSON())), " ")
	b, err := selection.ParseRules([]byte(compact))
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash() != b.Hash() {
		t.Fatal("the same rules laid out differently hash differently")
	}
	c := MustRules(t, func(r *selection.Rules) { r.Version = "2024.2" })
	if c.Hash() == a.Hash() {
		t.Fatal("a changed version kept the hash")
	}
}

func TestMultiplierRoundsUp(t *testing.T) {
	for _, tt := range []struct {
		m    selection.Multiplier
		n    int
		want int
	}{{400, 3, 12}, {350, 3, 11}, {350, 2, 7}, {100, 0, 0}, {1, 1, 1}} {
		if got := tt.m.Of(tt.n); got != tt.want {
			t.Errorf("%d%% of %d: got %d, want %d", tt.m, tt.n, got, tt.want)
		}
	}
}

// FuzzParseRules feeds the loader mutations of the table's files: it must
// never panic, and whatever it accepts must round-trip to the same hash.
func FuzzParseRules(f *testing.F) {
	base := string(selection.DefaultRulesJSON())
	for _, tt := range rulesTests {
		f.Add([]byte(tt.edit(base)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := selection.ParseRules(data)
		if err != nil {
			return
		}
		b, err := jsonOf(r)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := selection.ParseRules(b)
		if err != nil || r2.Hash() != r.Hash() {
			t.Fatalf("accepted rules do not round-trip: %v", err)
		}
	})
}
