package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"intiqa/selection"
	"intiqa/ui"
)

// TestFinalConflictSummary describes a conflict on the final selection
// from the two runs: this laptop's with its outcomes, headquarters' with
// its outcomes once pulled.
func TestFinalConflictSummary(t *testing.T) {
	ctx := context.Background()
	db := mustLaptopStore(t)
	s := &syncer{db: db}
	at := time.Date(2024, 6, 3, 9, 30, 0, 0, time.UTC)
	run := func(id, by string, at time.Time) selection.Run {
		return selection.Run{ID: id, Kind: selection.RunFinal, Scope: hqProvince, Seed: "s",
			Params: map[string]string{}, StartedAt: at, CommittedAt: at, CreatedBy: by}
	}
	outcomes := func(runID string, statuses ...selection.Status) []selection.Outcome {
		out := make([]selection.Outcome, len(statuses))
		for i, st := range statuses {
			out[i] = selection.Outcome{RunID: runID, ApplicantID: string(rune('A' + i)), Status: st}
		}
		return out
	}
	mine, err := json.Marshal(selection.FinalRunData{Run: run("fin-2", "karim", at),
		Outcomes: outcomes("fin-2", selection.StatusSelected, selection.StatusSelected,
			selection.StatusWaiting, selection.StatusNotRetained)})
	if err != nil {
		t.Fatal(err)
	}
	theirsRun := run("fin-1", "samira", at.Add(-time.Hour))
	theirs, err := json.Marshal(theirsRun)
	if err != nil {
		t.Fatal(err)
	}
	c := selection.Conflict{ID: "n.1", Kind: selection.KindFinalRun, Key: "final/" + hqProvince,
		Status: selection.DecisionConflict, Mine: mine, Theirs: theirs}

	want := &ui.FinalConflict{
		Local:  ui.FinalRun{By: "karim", At: at, Selected: 2, Waiting: 1},
		Remote: ui.FinalRun{By: "samira", At: at.Add(-time.Hour), Selected: -1, Waiting: -1},
	}
	if got := s.finalConflict(ctx, c); got == nil || *got != *want {
		t.Errorf("before pulling headquarters' run: %+v, want %+v", got, want)
	}
	if err := db.SaveRun(ctx, "sync", &theirsRun, outcomes("fin-1", selection.StatusSelected,
		selection.StatusWaiting, selection.StatusWaiting)); err != nil {
		t.Fatal(err)
	}
	want.Remote.Selected, want.Remote.Waiting = 1, 2
	if got := s.finalConflict(ctx, c); got == nil || *got != *want {
		t.Errorf("after pulling headquarters' run: %+v, want %+v", got, want)
	}

	c.Status, c.Theirs = selection.DecisionRejected, nil
	if got := s.finalConflict(ctx, c); got != nil {
		t.Errorf("a rejected run: %+v, want nil", got)
	}
}
