package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
)

// rejectingSyncer holds one decision headquarters refused outright.
type rejectingSyncer struct {
	fakeSyncer
	reason string
}

func (f *rejectingSyncer) Conflicts(context.Context) ([]Conflict, error) {
	if _, done := f.resolved["c2"]; done {
		return nil, nil
	}
	return []Conflict{{ID: "c2", ApplicantID: "D-000001", What: "review", Local: "rejected",
		RemoteBy: "samira", Reason: f.reason}}, nil
}

// TestSyncShowsRejection shows why headquarters refused a decision and
// lets the supervisor give it up only.
func TestSyncShowsRejection(t *testing.T) {
	fs := &rejectingSyncer{reason: "le candidat A0000001 a été transféré de la province " +
		"09.163 à la province 09.001 : cette décision ne peut plus s'appliquer",
		fakeSyncer: fakeSyncer{state: SyncState{Conflicts: 1}, resolved: map[string]bool{}}}
	h, _ := mustSyncScreen(t, fs)
	// The reason wraps over lines.
	if !h.shows("refusé par le siège : le candidat A0000001 a été transféré") ||
		!h.shows("province 09.001 : cette décision ne peut plus") {
		t.Errorf("the refusal and its reason do not show:\n%s", h.markup())
	}
	if findButton(h.win.Canvas(), "Garder la décision de ce poste") != nil {
		t.Error("a refused decision can be kept")
	}
	if h.shows("autre poste") {
		t.Error("a refusal shows as another laptop's decision")
	}
	test.Tap(h.button(t, "Garder l'autre décision"))
	if keep, ok := fs.resolved["c2"]; !ok || keep {
		t.Errorf("resolved %v", fs.resolved)
	}
	if !h.shows("Aucun conflit.") {
		t.Error("the refused decision still shows once given up")
	}
}
