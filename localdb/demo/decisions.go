package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"intiqa/selection"
)

// Shares of the office's work in progress, after SEED.md: about a third
// of the files examined, 3% of the examined ones rejected.
const (
	examinedPercent  = 35
	rejectedPermille = 30
)

// The demonstration's interview sessions: the first ones complete, the
// last one in progress.
const (
	completeSessions = 5
	perSession       = 16
)

// draw returns a deterministic number in [0, n) for a purpose and an ID.
func draw(purpose, id string, n uint64) int {
	return int(selection.Lottery("demo-"+purpose, id) % n)
}

// decisions records the office's work in progress. One commune, the
// one with the fewest posts, is further along than the others: all its
// files are examined and its candidates interviewed first, so that its
// final selection has a waiting list and a withdrawal a replacement.
func (b *builder) decisions(ctx context.Context) error {
	b.opts.Progress(StepDecisions, 0, 0)
	invited, err := b.invited(ctx)
	if err != nil {
		return err
	}
	b.invitedTo = invited
	b.focus = focusCommune(b.g.Needs(), invited)
	if err := b.reviews(ctx); err != nil {
		return err
	}
	return b.interviews(ctx)
}

// invited returns the commune each invited applicant is invited to.
func (b *builder) invited(ctx context.Context) (map[string]string, error) {
	run, err := b.db.LatestRun(ctx, selection.RunPreselection)
	if err != nil {
		return nil, err
	}
	outs, err := b.db.Outcomes(ctx, run.ID)
	if err != nil {
		return nil, err
	}
	invited := map[string]string{}
	for _, o := range outs {
		if o.Status == selection.StatusInvited {
			invited[o.ApplicantID] = o.CommuneCode
		}
	}
	return invited, nil
}

// focusCommune returns the commune with the fewest posts among those
// that invited anybody.
func focusCommune(needs []selection.Need, invited map[string]string) string {
	has := map[string]bool{}
	for _, c := range invited {
		has[c] = true
	}
	best, posts := "", 0
	for _, n := range needs {
		if has[n.CommuneCode] && n.Total() > 0 && (best == "" || n.Total() < posts) {
			best, posts = n.CommuneCode, n.Total()
		}
	}
	return best
}

// reviews examines about a third of the files, applicant by applicant.
func (b *builder) reviews(ctx context.Context) error {
	docs := map[string][]selection.Document{}
	var order []string
	for _, a := range b.apps {
		ds, err := b.db.DocumentsOf(ctx, a.ID)
		if err != nil {
			return err
		}
		if len(ds) > 0 {
			docs[a.ID] = ds
			order = append(order, a.ID)
		}
	}
	var reviews []selection.Review
	at := reviewsFrom
	for _, id := range order {
		if draw("examined", id, 100) >= examinedPercent && b.invitedTo[id] != b.focus {
			continue
		}
		reject := draw("rejected", id, 1000) < rejectedPermille
		for i, d := range docs[id] {
			at = at.Add(time.Duration(40+draw("pace", d.ID, 80)) * time.Second)
			r := selection.Review{ID: "demo-" + d.ID, DocumentID: d.ID,
				Verdict: selection.VerdictAccepted, Reviewer: "superviseur", ReviewedAt: at,
				Version: 1}
			if reject && i == len(docs[id])-1 {
				r.Verdict = selection.VerdictRejected
				r.Reason = selection.RejectReasons[draw("reason", d.ID,
					uint64(len(selection.RejectReasons)))]
			}
			reviews = append(reviews, r)
		}
	}
	if err := b.db.AddReviews(ctx, "superviseur", reviews); err != nil {
		return fmt.Errorf("record demonstration reviews: %w", err)
	}
	return nil
}

// interviews plans sessions for the candidates whose files are accepted:
// the complete ones with attendance and every panel member's sheet, the
// last one with a few sheets only, so that sealed scores can be seen.
func (b *builder) interviews(ctx context.Context) error {
	cands, err := b.convocable(ctx)
	if err != nil {
		return err
	}
	panel := []string{"jury1", "jury2", "jury3"}
	places := []string{"Salle de réunion de la province", "Maison des jeunes",
		"Centre culturel", "Salle de la commune", "Foyer féminin", "Lycée qualifiant"}
	rubric := selection.DefaultRubric()

	// A quarter of the candidates wait for a session; of the others, up
	// to a session's worth sit in the session in progress, the rest in
	// complete sessions.
	cands = cands[:len(cands)-len(cands)/4]
	pending := min(perSession, (len(cands)+2)/3)
	done, current := cands[:len(cands)-pending], cands[len(cands)-pending:]
	var groups [][]*selection.Applicant
	for s := 0; s < completeSessions && len(done) > 0; s++ {
		n := min(perSession, len(done))
		groups, done = append(groups, done[:n]), done[n:]
	}
	groups = append(groups, current)
	for s, group := range groups {
		x := &selection.InterviewSession{ID: fmt.Sprintf("ses-demo-%d", s+1),
			ProvinceCode: b.opts.Province, Place: places[s%len(places)], Panel: panel, Version: 1,
			StartsAt: sessionsFrom.AddDate(0, 0, s)}
		if err := b.db.PutSession(ctx, "superviseur", x); err != nil {
			return fmt.Errorf("record demonstration session: %w", err)
		}
		complete := s < len(groups)-1
		for i, a := range group {
			if err := b.interview(ctx, x, a, i, complete, rubric); err != nil {
				return err
			}
		}
	}
	return nil
}

// interview convokes one candidate and records their attendance and, for
// a complete session, the panel's sheets; in the session in progress,
// only the first members have scored the first candidates.
func (b *builder) interview(ctx context.Context, x *selection.InterviewSession,
	a *selection.Applicant, i int, complete bool, rubric *selection.Rubric) error {
	c := &selection.Convocation{SessionID: x.ID, ApplicantID: a.ID, Role: selection.RoleEnumerator,
		Slot: x.StartsAt.Add(time.Duration(i) * 20 * time.Minute)}
	if selection.DefaultRules().MeetsController(a) {
		c.Role = selection.RoleController
	}
	if err := b.db.PutConvocation(ctx, "superviseur", c); err != nil {
		return fmt.Errorf("record demonstration convocation: %w", err)
	}
	if !complete && i >= max(2, perSession/2) {
		return nil // not come yet
	}
	present := draw("present", a.ID, 10) != 0
	if err := b.db.PutAttendance(ctx, "jury1", &selection.Attendance{SessionID: x.ID, ApplicantID: a.ID,
		Present: present, RecordedBy: "jury1", RecordedAt: c.Slot}); err != nil {
		return fmt.Errorf("record demonstration attendance: %w", err)
	}
	if !present {
		return nil
	}
	for m, member := range x.Panel {
		if !complete && (m > 1 || i > 1-m) {
			continue
		}
		sheet := demoSheet(x, a, member, rubric, c.Slot.Add(15*time.Minute))
		if err := b.db.PutScoreSheet(ctx, member, sheet); err != nil {
			return fmt.Errorf("record demonstration score sheet: %w", err)
		}
	}
	return nil
}

// demoSheet scores a candidate as one member would: around the
// candidate's level, a point apart from the others at most, with the
// rubric's anchor as the note; now and then one member diverges.
func demoSheet(x *selection.InterviewSession, a *selection.Applicant, member string,
	r *selection.Rubric, at time.Time) *selection.ScoreSheet {
	level := 1 + draw("level", a.ID, 4)
	s := &selection.ScoreSheet{ID: "sht-" + x.ID + "-" + a.ID + "-" + member, SessionID: x.ID,
		ApplicantID: a.ID, Member: member, Points: map[string]int{}, Notes: map[string]string{},
		SubmittedAt: at}
	outlier := 0
	if member == "jury3" && draw("outlier", a.ID, 12) == 0 {
		outlier = 2 // a member who sees the candidate quite otherwise
	}
	for _, c := range r.Criteria {
		noise := 0
		switch draw("noise", a.ID+member+c.Code, 6) {
		case 0:
			noise = -1
		case 5:
			noise = 1
		}
		p := min(c.Max, max(0, level+noise+outlier))
		s.Points[c.Code] = p
		s.Notes[c.Code] = c.Anchors[p]
	}
	return s
}

// convocable returns the invited applicants whose documents are all
// accepted, those of the focus commune first.
func (b *builder) convocable(ctx context.Context) ([]*selection.Applicant, error) {
	states, err := b.db.DocumentStates(ctx)
	if err != nil {
		return nil, err
	}
	ok := map[string]bool{}
	for _, st := range states {
		id := st.Document.ApplicantID
		if _, seen := ok[id]; !seen {
			ok[id] = true
		}
		ok[id] = ok[id] && st.Verdict == selection.VerdictAccepted
	}
	var out []*selection.Applicant
	for _, a := range b.apps {
		if b.invitedTo[a.ID] != "" && ok[a.ID] {
			out = append(out, a)
		}
	}
	key := func(a *selection.Applicant) int {
		k := draw("order", a.ID, 1<<30)
		if b.invitedTo[a.ID] != b.focus {
			k += 1 << 30
		}
		return k
	}
	slices.SortFunc(out, func(x, y *selection.Applicant) int { return key(x) - key(y) })
	return out, nil
}
