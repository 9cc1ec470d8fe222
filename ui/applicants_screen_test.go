package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
)

// mustScreenModel returns a model of n applicants of one province, every
// third one named Bennani.
func mustScreenModel(tb testing.TB, n int) *ApplicantsModel {
	tb.Helper()
	terr := selection.NewTerritory(
		[]selection.Region{{Code: "09", NameFR: "Souss-Massa", NameAR: "سوس ماسة"}},
		[]selection.Province{{Code: "09.163", RegionCode: "09", NameFR: "Chtouka-Aït Baha",
			NameAR: "اشتوكة آيت باها", Type: selection.ProvinceTypeProvince}},
		[]selection.Commune{{Code: "09.163.01.01", ProvinceCode: "09.163", RegionCode: "09",
			NameFR: "Biougra", NameAR: "بيوكرى"}})
	p, _ := terr.Province("09.163")
	m := NewApplicantsModel(terr, p)
	for i := range n {
		a := &selection.Applicant{ID: fmt.Sprintf("A%07d", i),
			LastName: "Alaoui", FirstName: "Amine", LastNameAR: "العلوي", FirstNameAR: "أمين",
			Category: selection.CategoryStudent, Choices: []string{"09.163.01.01"}}
		if i%3 == 0 {
			a.LastName, a.LastNameAR = "Bennani", "بناني"
		}
		m.Append(a)
	}
	return m
}

// mustShowScreen builds the screen in a test window of a laptop's size.
func mustShowScreen(tb testing.TB, m *ApplicantsModel, demo bool) (*applicantsScreen, fyne.Window) {
	tb.Helper()
	test.NewTempApp(tb)
	s := newApplicantsScreen(m, demo)
	w := test.NewWindow(s.build())
	w.Resize(fyne.NewSize(1200, 720))
	tb.Cleanup(w.Close)
	return s, w
}

func TestApplicantsScreenSearch(t *testing.T) {
	tests := []struct {
		name      string
		typed     string
		wantRows  int
		wantCount string
		wantEmpty bool
	}{
		{"None", "", 30, "30", false},
		{"Latin", "bennani", 10, "10 / 30", false},
		{"Arabic", "بناني", 10, "10 / 30", false},
		{"BothWords", "alaoui amine", 20, "20 / 30", false},
		{"NoMatch", "zzz", 0, "0 / 30", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := mustShowScreen(t, mustScreenModel(t, 30), false)
			test.Type(s.search, tt.typed)

			rows, cols := s.table.Length()
			if rows != tt.wantRows || cols != len(applicantColumns) {
				t.Errorf("table has %d rows, %d columns; want %d, %d",
					rows, cols, tt.wantRows, len(applicantColumns))
			}
			if s.count.Text != tt.wantCount {
				t.Errorf("count shows %q; want %q", s.count.Text, tt.wantCount)
			}
			if s.empty.Visible() != tt.wantEmpty {
				t.Errorf("no-match message visible = %v; want %v", s.empty.Visible(), tt.wantEmpty)
			}
		})
	}
}

func TestApplicantsScreenClearSearch(t *testing.T) {
	s, _ := mustShowScreen(t, mustScreenModel(t, 30), false)
	test.Type(s.search, "bennani")
	s.search.SetText("")
	if rows, _ := s.table.Length(); rows != 30 {
		t.Errorf("table has %d rows after clearing the search; want 30", rows)
	}
}

func TestApplicantsScreenCells(t *testing.T) {
	s, _ := mustShowScreen(t, mustScreenModel(t, 3), false)
	tests := []struct {
		name  string
		col   int
		want  string
		align fyne.TextAlign
	}{
		{"ID", 0, "A0000000", fyne.TextAlignLeading},
		{"NameLatin", 1, "BENNANI Amine", fyne.TextAlignLeading},
		{"NameArabicRightAligned", 2, "بناني أمين", fyne.TextAlignTrailing},
		{"CategoryInFrench", 3, "Étudiant", fyne.TextAlignLeading},
		{"CommuneFR", 4, "Biougra", fyne.TextAlignLeading},
		{"CommuneArabicRightAligned", 5, "بيوكرى", fyne.TextAlignTrailing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cell := s.createCell().(*widget.Label)
			s.updateCell(widget.TableCellID{Row: 0, Col: tt.col}, cell)
			if cell.Text != tt.want || cell.Alignment != tt.align {
				t.Errorf("cell shows %q aligned %v; want %q aligned %v",
					cell.Text, cell.Alignment, tt.want, tt.align)
			}
		})
	}
}

func TestApplicantsScreenHeader(t *testing.T) {
	s, w := mustShowScreen(t, mustScreenModel(t, 3), true)
	want := []string{"Identifiant", "Nom", "الاسم", "Catégorie", "Commune (1er choix)", "الجماعة"}
	for col, title := range want {
		h := s.createHeader().(*widget.Label)
		s.updateHeader(widget.TableCellID{Row: -1, Col: col}, h)
		if h.Text != title {
			t.Errorf("header of column %d = %q; want %q", col, h.Text, title)
		}
	}
	markup := test.RenderToMarkup(w.Canvas())
	for _, text := range []string{"Province de Chtouka-Aït Baha", "إقليم اشتوكة آيت باها",
		"Région Souss-Massa", "جهة سوس ماسة", "Données de démonstration", "candidats"} {
		if !strings.Contains(markup, text) {
			t.Errorf("screen does not show %q", text)
		}
	}
}
