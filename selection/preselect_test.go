package selection_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"intiqa/selection"
)

const (
	cX = "09.001.01.01"
	cY = "09.001.05.09"
	cZ = "09.001.05.11"
)

// MustRules returns the default rules changed by mod, parsed again so
// that their hash is right.
func MustRules(tb testing.TB, mod func(r *selection.Rules)) *selection.Rules {
	tb.Helper()
	r := selection.DefaultRules()
	mod(r)
	b, err := json.Marshal(r)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := selection.ParseRules(b)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// onePerPost invites one applicant per field post and waits one more.
func onePerPost(r *selection.Rules) {
	r.Preselection.QuotaMultiplier = 100
	r.Preselection.WaitingListMultiplier = 100
}

// grad returns an eligible graduate of 30 whose only varying attribute is
// education; with the default rules and a commune with no listed
// language, bac+2 scores 40.00, bac+3 46.00, bac+5 52.00, bac+8 55.00.
func grad(id string, edu selection.Education, choices ...string) *selection.Applicant {
	return &selection.Applicant{
		ID: id, Category: selection.CategoryGraduate, Education: edu,
		SurveyExperience: selection.ExperienceNone, TechSkill: selection.TechNone,
		Languages: []selection.Language{selection.LangDarija},
		BirthDate: time.Date(1994, 1, 1, 0, 0, 0, 0, time.UTC), Choices: choices,
	}
}

func need(code string, posts int) selection.Need {
	return selection.Need{CommuneCode: code, Enumerators: posts}
}

// outcome is the part of an Outcome a hand-built case spells out.
type outcome struct {
	status  selection.Status
	commune string
	rank    int
	reason  string
}

func checkOutcomes(t *testing.T, p *selection.Preselection, want map[string]outcome) {
	t.Helper()
	if len(p.Outcomes) != len(want) {
		t.Fatalf("%d outcomes, want %d", len(p.Outcomes), len(want))
	}
	for _, o := range p.Outcomes {
		got := outcome{o.Status, o.CommuneCode, o.Rank, o.Reason}
		if got != want[o.ApplicantID] {
			t.Errorf("%s: got %+v, want %+v", o.ApplicantID, got, want[o.ApplicantID])
		}
	}
}

func TestPreselectHandBuilt(t *testing.T) {
	rules := MustRules(t, onePerPost)
	young := grad("Y1", selection.EducationBac5, cZ)
	young.BirthDate = time.Date(2005, 6, 1, 0, 0, 0, 0, time.UTC) // 18 on the reference date
	noDegree := grad("Y2", selection.EducationBac, cZ)
	tests := []struct {
		name  string
		seed  string
		apps  []*selection.Applicant
		needs []selection.Need
		want  map[string]outcome
	}{{
		// Equal scores: the lottery of seed "tie" orders C < D < B < A.
		name: "TiesByLottery", seed: "tie",
		apps: []*selection.Applicant{
			grad("A", selection.EducationBac3, cX), grad("B", selection.EducationBac3, cX),
			grad("C", selection.EducationBac3, cX), grad("D", selection.EducationBac3, cX),
		},
		needs: []selection.Need{need(cX, 1)},
		want: map[string]outcome{
			"C": {selection.StatusInvited, cX, 1, "choice_1"},
			"D": {selection.StatusWaiting, cX, 1, "choice_1"},
			"B": {selection.StatusNotInvited, "", 0, "outranked_in_every_choice"},
			"A": {selection.StatusNotInvited, "", 0, "outranked_in_every_choice"},
		},
	}, {
		// X is full of better applicants; the three-choice applicant
		// lands in its third choice; Y stays partly empty.
		name: "FullAndEmptyCommunes", seed: "s",
		apps: []*selection.Applicant{
			grad("A1", selection.EducationBac8, cX),
			grad("A2", selection.EducationBac5, cX, cZ),
			grad("A3", selection.EducationBac2, cX, cZ, cY),
		},
		needs: []selection.Need{need(cX, 1), need(cY, 2), need(cZ, 1)},
		want: map[string]outcome{
			"A1": {selection.StatusInvited, cX, 1, "choice_1"},
			"A2": {selection.StatusInvited, cZ, 1, "choice_2"},
			"A3": {selection.StatusInvited, cY, 1, "choice_3"},
		},
	}, {
		// A better applicant who applies later in ID order displaces an
		// earlier one, who then waits in its first choice.
		name: "Displacement", seed: "s",
		apps: []*selection.Applicant{
			grad("B1", selection.EducationBac3, cX, cY),
			grad("B2", selection.EducationBac8, cX),
			grad("B3", selection.EducationBac5, cY),
		},
		needs: []selection.Need{need(cX, 1), need(cY, 1)},
		want: map[string]outcome{
			"B2": {selection.StatusInvited, cX, 1, "choice_1"},
			"B3": {selection.StatusInvited, cY, 1, "choice_1"},
			"B1": {selection.StatusWaiting, cX, 1, "choice_1"},
		},
	}, {
		name: "NobodyEligible", seed: "s",
		apps:  []*selection.Applicant{young, noDegree},
		needs: []selection.Need{need(cZ, 2)},
		want: map[string]outcome{
			"Y1": {selection.StatusIneligible, "", 0, "age_below_minimum"},
			"Y2": {selection.StatusIneligible, "", 0, "higher_education_below_minimum"},
		},
	}, {
		name: "CommuneWithoutPosts", seed: "s",
		apps:  []*selection.Applicant{grad("C1", selection.EducationBac3, cY)},
		needs: []selection.Need{need(cX, 1), need(cY, 0)},
		want: map[string]outcome{
			"C1": {selection.StatusNotInvited, "", 0, "no_commune_with_posts"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := selection.Preselect(selection.PreselectInput{
				Rules: rules, Seed: tt.seed, Applicants: tt.apps, Needs: tt.needs})
			if err != nil {
				t.Fatal(err)
			}
			checkOutcomes(t, p, tt.want)
		})
	}
}

func TestLotteryIsSeededSHA256(t *testing.T) {
	// Written out from an independent computation (Python hashlib).
	if got := selection.Lottery("tie", "C"); got != 3409286436933486248 {
		t.Fatalf("lottery(tie, C) = %d", got)
	}
	if selection.Lottery("tie", "C") == selection.Lottery("tie2", "C") {
		t.Fatal("the seed does not change the lottery")
	}
}

func TestExplain(t *testing.T) {
	rules := MustRules(t, onePerPost)
	apps := []*selection.Applicant{
		grad("A1", selection.EducationBac8, cX),
		grad("A2", selection.EducationBac5, cX, cZ),
	}
	p, err := selection.Preselect(selection.PreselectInput{Rules: rules, Seed: "s",
		Applicants: apps, Needs: []selection.Need{need(cX, 1), need(cZ, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := p.Explain("A2")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Choices) != 2 {
		t.Fatalf("choices: %+v", e.Choices)
	}
	x, z := e.Choices[0], e.Choices[1]
	if x.Rank != 2 || x.Competitors != 2 || x.CutOff == nil || *x.CutOff != 5500 || x.Invited {
		t.Errorf("first choice: %+v", x)
	}
	if z.Rank != 1 || !z.Invited || z.CutOff == nil || *z.CutOff != 5200 {
		t.Errorf("second choice: %+v", z)
	}
	if x.Merit.Total != 5200 || len(x.Merit.Parts) != 5 || x.Merit.Parts[0].Value != "bac+5" ||
		x.Merit.Parts[0].Score != 2700 {
		t.Errorf("breakdown: %+v", x.Merit)
	}
	want := "Invité à 09.001.05.11, rang 1, score 52.00 (choix 1 complet, seuil 55.00)."
	if e.Rule != want {
		t.Errorf("rule:\ngot  %s\nwant %s", e.Rule, want)
	}
	if _, err := p.Explain("nobody"); err == nil {
		t.Error("explained an unknown applicant")
	}
}

// randomInstance builds a pre-selection input from a random source:
// applicants with random attributes choosing among a few communes, some
// without posts, some with languages.
func randomInstance(r *rand.Rand) selection.PreselectInput {
	communes := []string{cX, cY, cZ, "09.001.07.03", "09.001.05.01", "09.001.09.09"}
	nc := 1 + r.IntN(len(communes))
	var needs []selection.Need
	for _, c := range communes[:nc] {
		if r.IntN(6) == 0 {
			continue // no needs listed at all
		}
		n := selection.Need{CommuneCode: c, Enumerators: r.IntN(4), Controllers: r.IntN(2)}
		if r.IntN(2) == 0 {
			n.Languages = []selection.Language{selection.LangTachelhit}
		}
		needs = append(needs, n)
	}
	n := 5 + r.IntN(60)
	apps := make([]*selection.Applicant, n)
	for i := range apps {
		a := grad(fmt.Sprintf("P%03d", i), pick(r, selection.Educations))
		a.Category = pick(r, selection.Categories)
		a.SurveyExperience = pick(r, selection.SurveyExperiences)
		a.TechSkill = pick(r, selection.TechSkills)
		if r.IntN(3) == 0 {
			a.Languages = append(a.Languages, selection.LangTachelhit)
		}
		a.BirthDate = time.Date(1960+r.IntN(48), time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
		perm := r.Perm(nc)
		a.Choices = nil
		for _, k := range perm[:1+r.IntN(min(3, nc))] {
			a.Choices = append(a.Choices, communes[k])
		}
		apps[i] = a
	}
	return selection.PreselectInput{Rules: selection.DefaultRules(),
		Seed: fmt.Sprint(r.Uint64()), Applicants: apps, Needs: needs}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func TestPreselectProperties(t *testing.T) {
	instances := 3000
	if testing.Short() {
		instances = 300
	}
	r := rand.New(rand.NewPCG(1, 2))
	for k := range instances {
		in := randomInstance(r)
		p, err := selection.Preselect(in)
		if err != nil {
			t.Fatal(err)
		}
		if msg := checkPreselection(in, p.Outcomes); msg != "" {
			t.Fatalf("instance %d: %s", k, msg)
		}

		// Any order of the input rows gives the same result.
		shuffled := in
		shuffled.Applicants = slices.Clone(in.Applicants)
		shuffled.Needs = slices.Clone(in.Needs)
		r.Shuffle(len(shuffled.Applicants), func(i, j int) {
			shuffled.Applicants[i], shuffled.Applicants[j] = shuffled.Applicants[j], shuffled.Applicants[i]
		})
		slices.Reverse(shuffled.Needs)
		q, err := selection.Preselect(shuffled)
		if err != nil {
			t.Fatal(err)
		}
		if q.Run.OutputHash != p.Run.OutputHash || q.Run.InputHash != p.Run.InputHash ||
			!slices.Equal(q.Outcomes, p.Outcomes) {
			t.Fatalf("instance %d: the input order changed the result", k)
		}
		if d, err := selection.VerifyPreselection(in, p.Outcomes); d != nil || err != nil {
			t.Fatalf("instance %d: a rerun differs: %v %v", k, d, err)
		}
	}
}

func jsonOf(r *selection.Rules) ([]byte, error) { return json.Marshal(r) }
