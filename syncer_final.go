package main

import (
	"context"
	"encoding/json"

	"intiqa/selection"
	"intiqa/ui"
)

// finalConflict describes a conflict on the province's final selection:
// this laptop's run, with its outcomes, and the run headquarters holds
// in force, with its outcomes once pulled. Nil when the conflict does
// not hold two runs (a run headquarters rejected): it shows as any
// other.
func (s *syncer) finalConflict(ctx context.Context, c selection.Conflict) *ui.FinalConflict {
	var mine selection.FinalRunData
	var theirs selection.Run
	if json.Unmarshal(c.Mine, &mine) != nil || json.Unmarshal(c.Theirs, &theirs) != nil ||
		theirs.ID == "" {
		return nil
	}
	f := &ui.FinalConflict{Local: finalRun(mine.Run, mine.Outcomes),
		Remote: finalRun(theirs, nil)}
	if outs, err := s.db.Outcomes(ctx, theirs.ID); err == nil && len(outs) > 0 {
		f.Remote = finalRun(theirs, outs)
	}
	return f
}

// finalRun summarises a final selection run; its counts are -1 without
// outcomes.
func finalRun(r selection.Run, outs []selection.Outcome) ui.FinalRun {
	at := r.CommittedAt
	if at.IsZero() {
		at = r.StartedAt
	}
	f := ui.FinalRun{By: r.CreatedBy, At: at, Selected: -1, Waiting: -1}
	if outs == nil {
		return f
	}
	f.Selected, f.Waiting = 0, 0
	for _, o := range outs {
		switch o.Status {
		case selection.StatusSelected:
			f.Selected++
		case selection.StatusWaiting:
			f.Waiting++
		}
	}
	return f
}
