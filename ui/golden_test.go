package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestMarkupGoldens compares screens with their markup goldens in
// testdata/: the sign-in in French and in Arabic, and the review queue's
// first document.
func TestMarkupGoldens(t *testing.T) {
	tests := []struct {
		name   string
		lang   string
		screen string
	}{
		{"signin_fr.xml", LangFrench, ""},
		{"signin_ar.xml", LangArabic, ""},
		{"review_fr.xml", LangFrench, "review"},
		{"review_ar.xml", LangArabic, "review"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, _, _ := mustDataset(t, false)
			h := mustHarness(t, &fakeBackend{open: func(context.Context, func(Progress)) (*Dataset, error) {
				return ds, nil
			}})
			SetLanguage(tt.lang)
			h.shell.Start(context.Background(), false)
			if tt.screen != "" {
				if err := h.shell.Command("signin superviseur demo-intiqa"); err != nil {
					t.Fatal(err)
				}
				h.shell.frame.open(tt.screen)
			}
			test.AssertRendersToMarkup(t, tt.name, h.win.Canvas())
		})
	}
}
