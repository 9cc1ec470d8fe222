package reportstest

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"intiqa/selection"
	"intiqa/selection/synth"
)

// Panel is the interview panel of every session.
var Panel = []string{"jury.alaoui", "jury.bennani", "jury.chraibi"}

// sessionStart is when the first session sits; two sessions a day follow.
var sessionStart = time.Date(2024, time.May, 15, 9, 0, 0, 0, time.UTC)

// interview convokes the pre-selection's invited applicants to sessions
// of SessionSize, records attendance and the panel's score sheets (the
// first StoredSessions sessions in the store), and runs the final
// selection on the results.
func (f *Fixture) interview(ctx context.Context, g *synth.Generator) error {
	outcomes, err := f.DB.Outcomes(ctx, f.Preselect.ID)
	if err != nil {
		return err
	}
	invited := slices.DeleteFunc(outcomes, func(o selection.Outcome) bool {
		return o.Status != selection.StatusInvited
	})
	slices.SortFunc(invited, func(a, b selection.Outcome) int {
		return cmp.Or(cmp.Compare(a.CommuneCode, b.CommuneCode),
			cmp.Compare(a.ApplicantID, b.ApplicantID))
	})
	rules := selection.DefaultRules()
	var cands []selection.Candidate
	for start := 0; start < len(invited); start += SessionSize {
		batch := invited[start:min(start+SessionSize, len(invited))]
		n := start / SessionSize
		s := selection.InterviewSession{ID: fmt.Sprintf("S%03d", n+1), ProvinceCode: f.Province,
			StartsAt: sessionStart.AddDate(0, 0, n/2).Add(time.Duration(n%2) * 5 * time.Hour),
			Place:    "Direction provinciale, salle " + fmt.Sprint(1+n%2), Panel: Panel, Version: 1}
		sitting := f.sit(s, batch, rules)
		if n < StoredSessions {
			if err := f.store(ctx, sitting); err != nil {
				return err
			}
			f.Sessions = append(f.Sessions, s)
		}
		cands = append(cands, sitting.candidates...)
	}
	return f.selectFinal(ctx, g, cands)
}

// sitting is one session's convocations and results.
type sitting struct {
	session    selection.InterviewSession
	convs      []selection.Convocation
	attendance []selection.Attendance
	sheets     []selection.ScoreSheet
	candidates []selection.Candidate
}

// sit draws what happens at a session: who comes and how each member
// scores them.
func (f *Fixture) sit(s selection.InterviewSession, batch []selection.Outcome,
	rules *selection.Rules) *sitting {
	st := &sitting{session: s}
	for k, o := range batch {
		a := f.Applicants[o.ApplicantID]
		role := selection.RoleEnumerator
		if rules.MeetsController(a) {
			role = selection.RoleController
		}
		st.convs = append(st.convs, selection.Convocation{SessionID: s.ID, ApplicantID: a.ID,
			Slot: s.StartsAt.Add(time.Duration(k) * 20 * time.Minute), Role: role})
		present := draw(10, a.ID, "absent") != 0
		st.attendance = append(st.attendance, selection.Attendance{SessionID: s.ID,
			ApplicantID: a.ID, Present: present, RecordedBy: Panel[0],
			RecordedAt: s.StartsAt.Add(time.Duration(k) * 20 * time.Minute)})
		c := selection.Candidate{Applicant: a, CommuneCode: o.CommuneCode, Attended: present,
			DocumentsAccepted: f.accepted[a.ID]}
		if present {
			c.Interview = f.score(st, s, a.ID)
		}
		st.candidates = append(st.candidates, c)
	}
	return st
}

// score draws each member's sheet of a candidate and returns the panel's
// mean.
func (f *Fixture) score(st *sitting, s selection.InterviewSession, id string) *selection.Score {
	var sum float64
	for _, m := range Panel {
		sheet := selection.ScoreSheet{ID: s.ID + "-" + id + "-" + m, SessionID: s.ID,
			ApplicantID: id, Member: m, Points: map[string]int{}, Notes: map[string]string{},
			SubmittedAt: s.StartsAt.Add(6 * time.Hour)}
		for _, c := range f.Rubric.Criteria {
			sheet.Points[c.Code] = 1 + draw(4, id, m, c.Code)
		}
		if draw(4, id, m, "note") == 0 {
			sheet.Notes["communication"] = "Parle tachelhit et darija"
		}
		sum += f.Rubric.WeightedScore(sheet.Points)
		st.sheets = append(st.sheets, sheet)
	}
	score := selection.Score(math.Round(sum / float64(len(Panel)) * 100))
	return &score
}

// store records a session, its convocations, attendance and sheets.
func (f *Fixture) store(ctx context.Context, st *sitting) error {
	if err := f.DB.PutSession(ctx, Actor, &st.session); err != nil {
		return err
	}
	for i := range st.convs {
		if err := f.DB.PutConvocation(ctx, Actor, &st.convs[i]); err != nil {
			return err
		}
		if err := f.DB.PutAttendance(ctx, Actor, &st.attendance[i]); err != nil {
			return err
		}
	}
	for i := range st.sheets {
		if err := f.DB.PutScoreSheet(ctx, Actor, &st.sheets[i]); err != nil {
			return err
		}
	}
	return nil
}

// selectFinal runs the final selection on the candidates and records it.
func (f *Fixture) selectFinal(ctx context.Context, g *synth.Generator,
	cands []selection.Candidate) error {
	for i := range cands {
		if s, ok := f.training[cands[i].Applicant.ID]; ok {
			cands[i].Training = &s
		}
	}
	fs, err := selection.SelectFinal(selection.FinalInput{Rules: selection.DefaultRules(),
		Seed: fmt.Sprint(Seed), Candidates: cands, Needs: g.Needs()})
	if err != nil {
		return err
	}
	run := fs.Run
	run.ID, run.Scope, run.CreatedBy = "final-"+run.OutputHash[:12], f.Province, Actor
	run.StartedAt = time.Date(2024, time.June, 10, 8, 0, 0, 0, time.UTC)
	run.CommittedAt = run.StartedAt.Add(time.Minute)
	if err := f.DB.SaveRun(ctx, Actor, &run, fs.Outcomes); err != nil {
		return err
	}
	f.Final, f.Outcomes = &run, fs.Outcomes
	return nil
}
