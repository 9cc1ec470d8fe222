package ui

import (
	"context"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// finalSyncer is a sync client whose one conflict is on the province's
// final selection.
type finalSyncer struct {
	*fakeSyncer
}

func (f finalSyncer) Conflicts(context.Context) ([]Conflict, error) {
	if _, ok := f.resolved["c1"]; ok {
		return nil, nil
	}
	at := time.Date(2024, 6, 3, 9, 30, 0, 0, time.Local)
	return []Conflict{{ID: "c1", ApplicantID: "final/09.163", What: "final_run",
		Local: `{"Run":{"ID":"fin-a2"}}`, Remote: `{"ID":"fin-a1"}`, RemoteBy: "samira",
		Final: &FinalConflict{
			Local:  FinalRun{By: "karim", At: at, Selected: 812, Waiting: 1203},
			Remote: FinalRun{By: "samira", At: at.Add(-time.Hour), Selected: -1, Waiting: -1},
		}}}, nil
}

// logicalTexts returns the text of every wrapped label under o, in
// logical order.
func logicalTexts(o fyne.CanvasObject) []string {
	switch v := o.(type) {
	case *wrapped:
		return []string{v.logical}
	case *fyne.Container:
		var out []string
		for _, c := range v.Objects {
			out = append(out, logicalTexts(c)...)
		}
		return out
	}
	return nil
}

// TestSyncFinalConflict shows a conflict on the final selection in
// words, not as the runs' data, and gives it up.
func TestSyncFinalConflict(t *testing.T) {
	fs := finalSyncer{&fakeSyncer{state: SyncState{Conflicts: 1}, resolved: map[string]bool{}}}
	h, sc := mustSyncScreen(t, fs)
	texts := logicalTexts(sc.conflicts)
	for _, want := range []string{
		"Sélection finale de la province — ce poste : lancée par karim le 03/06/2024 09:30 " +
			"(sélectionnés : 812, liste d'attente : 1\u202f203) · autre poste : lancée par samira " +
			"le 03/06/2024 08:30",
		"Une seule sélection finale vaut pour la province. Garder celle de ce poste la fait " +
			"remplacer l'autre, au siège puis sur les autres postes ; garder l'autre retire " +
			"celle de ce poste, avec les désistements enregistrés dessus.",
	} {
		if !slices.Contains(texts, want) {
			t.Errorf("the sync screen does not show %q; it shows %q", want, texts)
		}
	}
	if h.shows("fin-a2") || h.shows("final/09.163") {
		t.Errorf("the sync screen shows the runs' data:\n%s", h.markup())
	}
	test.Tap(h.button(t, "Garder l'autre décision"))
	if keep, ok := fs.resolved["c1"]; !ok || keep {
		t.Errorf("resolved %v, want c1 given up", fs.resolved)
	}
	if !h.shows("Aucun conflit.") {
		t.Error("the resolved conflict still shows")
	}
}
