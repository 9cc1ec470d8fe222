package ui_test

import (
	"fmt"
	"slices"
	"testing"

	"intiqa/selection"
	"intiqa/ui"
)

// MustTerritory returns a small territory: one region, one province of
// two communes.
func MustTerritory(tb testing.TB) *selection.Territory {
	tb.Helper()
	return selection.NewTerritory(
		[]selection.Region{{Code: "09", NameFR: "Souss-Massa", NameAR: "سوس ماسة"}},
		[]selection.Province{{Code: "09.163", RegionCode: "09", NameFR: "Chtouka-Aït Baha",
			NameAR: "اشتوكة آيت باها", Type: selection.ProvinceTypeProvince}},
		[]selection.Commune{
			{Code: "09.163.01.01", ProvinceCode: "09.163", RegionCode: "09",
				NameFR: "Biougra", NameAR: "بيوكرى"},
			{Code: "09.163.03.05", ProvinceCode: "09.163", RegionCode: "09",
				NameFR: "Aït Amira", NameAR: "آيت عميرة"},
		})
}

// fakeApplicants are the applicants of the tests, in ID order.
var fakeApplicants = []*selection.Applicant{
	{ID: "A0000001", CIN: "J123456", LastName: "Azzouzi", FirstName: "Ikram",
		LastNameAR: "العزوزي", FirstNameAR: "إكرام", Category: selection.CategoryGraduate,
		Choices: []string{"09.163.01.01"}},
	{ID: "A0000002", CIN: "JK98765", Email: "helene@example.ma", LastName: "Aït Lahcen", FirstName: "Hélène",
		LastNameAR: "آيت لحسن", FirstNameAR: "هيلين", Category: selection.CategoryStudent,
		Choices: []string{"09.163.03.05", "09.163.01.01"}},
	{ID: "A0000003", CIN: "J55", LastName: "Bennani", FirstName: "Ahmed",
		LastNameAR: "بناني", FirstNameAR: "أحمد", Category: selection.CategoryCivilServant,
		Choices: []string{"09.163.03.05"}},
	{ID: "A0000010", CIN: "J77", LastName: "Saidi", FirstName: "Saida",
		LastNameAR: "السعيدي", FirstNameAR: "سعيدة", Category: selection.CategoryPublicRetiree,
		Choices: []string{"99.999.99.99"}}, // a commune the territory does not know
}

// MustModel returns a model over the fake applicants.
func MustModel(tb testing.TB) *ui.ApplicantsModel {
	tb.Helper()
	terr := MustTerritory(tb)
	p, ok := terr.Province("09.163")
	if !ok {
		tb.Fatal("fake territory lacks its province")
	}
	m := ui.NewApplicantsModel(terr, p)
	for _, a := range fakeApplicants {
		m.Append(a)
	}
	return m
}

// shown renders the fields of a row that the screen displays.
func shown(r ui.ApplicantRow) string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s",
		r.ID, r.NameLatin, r.NameAR, r.Category, r.CommuneCode, r.CommuneFR, r.CommuneAR)
}

// ids returns the IDs of the rows the model shows.
func ids(m *ui.ApplicantsModel) []string {
	var out []string
	for i := range m.Len() {
		out = append(out, m.Row(i).ID)
	}
	return out
}

func TestApplicantsModelRow(t *testing.T) {
	m := MustModel(t)
	if m.Total() != len(fakeApplicants) || m.Len() != len(fakeApplicants) {
		t.Fatalf("Total, Len = %d, %d; want %d", m.Total(), m.Len(), len(fakeApplicants))
	}
	tests := []struct {
		name string
		row  int
		want ui.ApplicantRow
	}{
		{"OK", 0, ui.ApplicantRow{ID: "A0000001", NameLatin: "AZZOUZI Ikram",
			NameAR: "العزوزي إكرام", Category: selection.CategoryGraduate,
			CommuneCode: "09.163.01.01", CommuneFR: "Biougra", CommuneAR: "بيوكرى"}},
		{"FirstChoiceOnly", 1, ui.ApplicantRow{ID: "A0000002", NameLatin: "AÏT LAHCEN Hélène",
			NameAR: "آيت لحسن هيلين", Category: selection.CategoryStudent,
			CommuneCode: "09.163.03.05", CommuneFR: "Aït Amira", CommuneAR: "آيت عميرة"}},
		{"UnknownCommune", 3, ui.ApplicantRow{ID: "A0000010", NameLatin: "SAIDI Saida",
			NameAR: "السعيدي سعيدة", Category: selection.CategoryPublicRetiree,
			CommuneCode: "99.999.99.99"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.Row(tt.row)
			if shown(got) != shown(tt.want) {
				t.Errorf("Row(%d) = %+v\nwant %+v", tt.row, got, tt.want)
			}
		})
	}
}

func TestApplicantsModelSetFilter(t *testing.T) {
	all := []string{"A0000001", "A0000002", "A0000003", "A0000010"}
	tests := []struct {
		name   string
		filter string
		want   []string
	}{
		{"Empty", "", all},
		{"Blank", "   ", all},
		{"LatinLastName", "bennani", []string{"A0000003"}},
		{"CaseInsensitive", "AZZouZI", []string{"A0000001"}},
		{"FirstName", "saida", []string{"A0000010"}},
		{"AccentsIgnored", "ait lahcen helene", []string{"A0000002"}},
		{"AccentsTyped", "Aït", []string{"A0000002"}},
		{"Hyphen", "ait-lahcen", []string{"A0000002"}},
		{"ArabicName", "العزوزي", []string{"A0000001"}},
		{"ArabicHamzaFolded", "احمد", []string{"A0000003"}},
		{"ArabicTehMarbutaFolded", "سعيده", []string{"A0000010"}},
		{"ArabicBothWords", "بناني أحمد", []string{"A0000003"}},
		{"IDPrefix", "a000000", []string{"A0000001", "A0000002", "A0000003"}},
		{"IDExact", "A0000010", []string{"A0000010"}},
		{"WordsAnded", "ikram bennani", nil},
		{"Substring", "enn", []string{"A0000003"}},
		{"CIN", "J123456", []string{"A0000001"}},
		{"CINLowerCase", "jk98765", []string{"A0000002"}},
		{"Email", "helene@example", []string{"A0000002"}},
		{"CommuneNotSearched", "biougra", nil},
		{"NoMatch", "zzz", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MustModel(t)
			m.SetFilter(tt.filter)
			if got := ids(m); !slices.Equal(got, tt.want) {
				t.Errorf("SetFilter(%q) shows %v; want %v", tt.filter, got, tt.want)
			}
			if m.Filter() != tt.filter || m.Total() != len(all) {
				t.Errorf("Filter, Total = %q, %d; want %q, %d",
					m.Filter(), m.Total(), tt.filter, len(all))
			}
		})
	}
}

func TestApplicantsModelFilterThenClear(t *testing.T) {
	m := MustModel(t)
	m.SetFilter("bennani")
	m.SetFilter("")
	if got := ids(m); len(got) != len(fakeApplicants) {
		t.Errorf("after clearing the filter the model shows %v", got)
	}
}

func TestApplicantsModelAppendWhileFiltered(t *testing.T) {
	m := MustModel(t)
	m.SetFilter("saida")
	m.Append(&selection.Applicant{ID: "A0000011", LastName: "Saida", FirstName: "Nora",
		Choices: []string{"09.163.01.01"}})
	m.Append(&selection.Applicant{ID: "A0000012", LastName: "Other", FirstName: "Nora",
		Choices: []string{"09.163.01.01"}})
	want := []string{"A0000010", "A0000011"}
	if got := ids(m); !slices.Equal(got, want) {
		t.Errorf("filtered model shows %v after Append; want %v", got, want)
	}
	if m.Total() != len(fakeApplicants)+2 {
		t.Errorf("Total = %d; want %d", m.Total(), len(fakeApplicants)+2)
	}
}

// BenchmarkApplicantsModelSetFilter measures one keystroke of the search
// box over the largest province (60,000 applicants).
func BenchmarkApplicantsModelSetFilter(b *testing.B) {
	terr := MustTerritory(b)
	p, _ := terr.Province("09.163")
	m := ui.NewApplicantsModel(terr, p)
	for i := range 60_000 {
		a := *fakeApplicants[i%len(fakeApplicants)]
		a.ID = fmt.Sprintf("A%07d", i)
		m.Append(&a)
	}
	queries := []string{"b", "be", "ben", "benn", "bennani", "بناني", ""}
	b.ResetTimer()
	for i := range b.N {
		m.SetFilter(queries[i%len(queries)])
	}
}

func TestApplicantsModelFiltersAndSort(t *testing.T) {
	tests := []struct {
		name string
		set  func(m *ui.ApplicantsModel)
		want []string
	}{
		{"CommuneAnyChoice", func(m *ui.ApplicantsModel) { m.SetCommune("09.163.01.01") },
			[]string{"A0000001", "A0000002"}},
		{"Category", func(m *ui.ApplicantsModel) { m.SetCategory(selection.CategoryStudent) },
			[]string{"A0000002"}},
		{"Status", func(m *ui.ApplicantsModel) {
			m.SetOutcomes(map[string]selection.Outcome{"A0000003": {Status: selection.StatusInvited}})
			m.SetStatus(selection.StatusInvited)
		}, []string{"A0000003"}},
		{"CommuneAndSearch", func(m *ui.ApplicantsModel) {
			m.SetCommune("09.163.03.05")
			m.SetFilter("bennani")
		}, []string{"A0000003"}},
		{"SortNameDescending", func(m *ui.ApplicantsModel) { m.SortBy(ui.SortNameLatin, true) },
			[]string{"A0000010", "A0000003", "A0000001", "A0000002"}},
		{"SortThenFilter", func(m *ui.ApplicantsModel) {
			m.SortBy(ui.SortNameLatin, false)
			m.SetCategory(selection.CategoryStudent)
			m.SetCategory("")
		}, []string{"A0000002", "A0000001", "A0000003", "A0000010"}},
		{"SortBack", func(m *ui.ApplicantsModel) {
			m.SortBy(ui.SortNameLatin, false)
			m.SortBy(ui.SortID, false)
		}, []string{"A0000001", "A0000002", "A0000003", "A0000010"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MustModel(t)
			tt.set(m)
			if got := ids(m); !slices.Equal(got, tt.want) {
				t.Errorf("rows %v; want %v", got, tt.want)
			}
		})
	}
}

// TestApplicantsModelTypingOn checks that narrowing the search as one
// types gives what a fresh search gives, and widening it again too.
func TestApplicantsModelTypingOn(t *testing.T) {
	steps := []string{"a", "ai", "ait", "ait l", "ait la", "ait", "a", "", "b", "be z"}
	m := MustModel(t)
	for _, q := range steps {
		m.SetFilter(q)
		fresh := MustModel(t)
		fresh.SetFilter(q)
		if got, want := ids(m), ids(fresh); !slices.Equal(got, want) {
			t.Errorf("after typing %q: %v; a fresh search gives %v", q, got, want)
		}
	}
}
