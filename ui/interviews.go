package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// interviewsScreen lists the interview sessions; in a session, its
// convoked candidates with attendance and scores, and for a panel member
// the score sheet of a candidate.
type interviewsScreen struct {
	sess     *session
	sessions []office.SessionSummary
	current  string // session ID
	cands    []office.SessionCandidate

	list  *fyne.Container
	right *fyne.Container
	sheet *sheetView // open score sheet, for tests
}

func newInterviewsScreen(s *session) *interviewsScreen { return &interviewsScreen{sess: s} }

func (s *interviewsScreen) build() fyne.CanvasObject {
	s.list = container.NewVBox()
	s.right = container.NewStack(paragraph(trRaw("Choisissez une séance.")))
	left := container.NewBorder(heading(trRaw("Séances d'entretien")), s.planForm(), nil, nil,
		container.NewVScroll(s.list))
	split := container.NewHSplit(left, container.NewPadded(s.right))
	split.Offset = 0.3
	if rtl() {
		split = container.NewHSplit(container.NewPadded(s.right), left)
		split.Offset = 0.7
	}
	s.loadSessions()
	return container.NewPadded(split)
}

// planForm lets a supervisor plan a session: date, time, place, panel.
func (s *interviewsScreen) planForm() fyne.CanvasObject {
	if !s.sess.svc.Can(office.ActPlanInterviews) {
		return container.NewVBox()
	}
	date, hour, place := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	date.SetText(time.Now().Format("2006-01-02"))
	hour.SetText("09:00")
	panel := widget.NewCheckGroup(nil, nil)
	ctx, svc := s.sess.ctx, s.sess.svc
	async(func() ([]selection.User, error) { return svc.PanelMembers(ctx) },
		func(us []selection.User, err error) {
			if err != nil {
				return
			}
			for _, u := range us {
				panel.Append(u.Name)
			}
		})
	plan := widget.NewButtonWithIcon(tr("Planifier la séance"), theme.ContentAddIcon(), func() {
		at, err := time.ParseInLocation("2006-01-02 15:04", date.Text+" "+hour.Text, time.Local)
		if err != nil {
			s.sess.showError("plan session", fmt.Errorf("session date: %w", office.ErrInvalid))
			return
		}
		members, where := panel.Selected, place.Text
		async(func() (*selection.InterviewSession, error) {
			return svc.PlanSession(ctx, at, where, members)
		}, func(x *selection.InterviewSession, err error) {
			if err != nil {
				s.sess.showError("plan session", err)
				return
			}
			s.current = x.ID
			s.loadSessions()
		})
	})
	form := widget.NewForm(widget.NewFormItem(tr("Date"), date), widget.NewFormItem(tr("Heure"), hour),
		widget.NewFormItem(tr("Lieu"), place), widget.NewFormItem(tr("Jury"), panel))
	return container.NewVBox(widget.NewSeparator(), heading(trRaw("Nouvelle séance")), form, plan)
}

// loadSessions lists the sessions the user may see.
func (s *interviewsScreen) loadSessions() {
	ctx, svc := s.sess.ctx, s.sess.svc
	async(func() ([]office.SessionSummary, error) { return svc.Sessions(ctx) },
		func(list []office.SessionSummary, err error) {
			if err != nil {
				s.sess.showError("list sessions", err)
				return
			}
			s.sessions = list
			s.list.Objects = nil
			for _, x := range list {
				s.list.Add(s.sessionButton(x))
			}
			if len(list) == 0 {
				s.list.Add(paragraph(trRaw("Aucune séance.")))
			}
			s.list.Refresh()
			if s.current == "" && len(list) > 0 {
				s.current = list[len(list)-1].Session.ID
			}
			if s.current != "" {
				s.openSession(s.current)
			}
		})
}

// sessionButton shows a session with its counts.
func (s *interviewsScreen) sessionButton(x office.SessionSummary) fyne.CanvasObject {
	text := fmt.Sprintf("%s · %s\n%s", x.Session.StartsAt.Local().Format("02/01 15:04"),
		x.Session.Place, trRaw("{{.C}} convoqués · {{.P}} présents · {{.D}} notés",
			map[string]any{"C": x.Convoked, "P": x.Present, "D": x.Completed}))
	b := widget.NewButton(display(text), func() { s.openSession(x.Session.ID) })
	b.Alignment = widget.ButtonAlignLeading
	if x.Session.ID == s.current {
		b.Importance = widget.HighImportance
	}
	return b
}

// openSession shows a session's candidates.
func (s *interviewsScreen) openSession(id string) {
	s.current = id
	ctx, svc := s.sess.ctx, s.sess.svc
	async(func() ([]office.SessionCandidate, error) { return svc.SessionCandidates(ctx, id) },
		func(cands []office.SessionCandidate, err error) {
			if err != nil {
				s.sess.showError("session candidates", err)
				return
			}
			s.cands = cands
			s.right.Objects = []fyne.CanvasObject{s.candidatesView()}
			s.right.Refresh()
			s.sess.shell.screenShown("session")
		})
}

// session returns the open session.
func (s *interviewsScreen) session() *selection.InterviewSession {
	for i := range s.sessions {
		if s.sessions[i].Session.ID == s.current {
			return &s.sessions[i].Session
		}
	}
	return nil
}

// candidatesView lists a session's candidates.
func (s *interviewsScreen) candidatesView() fyne.CanvasObject {
	x := s.session()
	head := container.NewVBox()
	if x != nil {
		head.Add(heading(x.Place + " · " + x.StartsAt.Local().Format("02/01/2006 15:04")))
		head.Add(caption(trRaw("Jury : {{.Members}}",
			map[string]any{"Members": strings.Join(x.Panel, ", ")})))
	}
	if s.sess.svc.Can(office.ActPlanInterviews) && x != nil {
		n := widget.NewEntry()
		n.SetText("10")
		convoke := widget.NewButtonWithIcon(tr("Convoquer des candidats"), theme.MailSendIcon(),
			func() { s.onConvoke(n.Text) })
		head.Add(container.NewBorder(nil, nil, nil, convoke, container.NewHBox(
			widget.NewLabel(tr("Nombre :")), container.NewGridWrap(fyne.NewSize(80, 36), n))))
		head.Add(caption(trRaw("Sont convoqués les invités de la pré-sélection dont toutes les " +
			"pièces sont acceptées, par ordre d'identifiant.")))
	}
	rows := container.NewVBox()
	for i := range s.cands {
		rows.Add(s.candidateRow(&s.cands[i]))
	}
	if len(s.cands) == 0 {
		rows.Add(paragraph(trRaw("Aucun candidat convoqué.")))
	}
	return container.NewBorder(head, nil, nil, nil, container.NewVScroll(rows))
}

// candidateRow shows one candidate: slot, names, post, attendance, the
// viewer's sheet and the panel's result as far as the viewer may see it.
func (s *interviewsScreen) candidateRow(c *office.SessionCandidate) fyne.CanvasObject {
	a := c.Applicant
	name := joinNonEmpty(strings.ToUpper(a.LastName), a.FirstName)
	slot := c.Convocation.Slot.Local().Format("15:04")
	info := container.NewGridWithColumns(2, value(slot+" · "+name+" · "+roleName(c.Convocation.Role)),
		arabicLabel(joinNonEmpty(a.LastNameAR, a.FirstNameAR)))
	buttons := container.NewHBox()
	status := value("")
	switch {
	case c.Attendance == nil && s.sess.svc.Can(office.ActRecordAttendance):
		buttons.Add(widget.NewButton(tr("Présent"), func() { s.onAttendance(a.ID, true) }))
		buttons.Add(widget.NewButton(tr("Absent"), func() { s.onAttendance(a.ID, false) }))
	case c.Attendance == nil:
		status.SetText(tr("Présence non relevée"))
	case !c.Attendance.Present:
		status.SetText(tr("Absent"))
	}
	if c.Attendance != nil && c.Attendance.Present {
		status.SetText(display(resultText(c.Result)))
		if s.sess.svc.Can(office.ActScoreInterviews) {
			label := tr("Noter")
			if c.OwnSheet != nil && c.OwnSheet.Submitted() {
				label = tr("Voir les notes")
			} else if c.OwnSheet != nil {
				label = tr("Reprendre le brouillon")
			}
			buttons.Add(widget.NewButtonWithIcon(label, theme.DocumentCreateIcon(),
				func() { s.openSheet(a) }))
		}
	}
	return container.NewVBox(info, container.NewBorder(nil, nil, nil, buttons, status),
		widget.NewSeparator())
}

// resultText puts a panel's result in words, as far as it is visible.
func resultText(r *office.PanelResult) string {
	text := trRaw("Fiches : {{.S}} / {{.M}}", map[string]any{"S": r.Submitted, "M": r.Members})
	if r.Visible && r.Submitted > 0 {
		text += " · " + trRaw("moyenne {{.Mean}}", map[string]any{"Mean": fmt.Sprintf("%.2f", r.Mean)})
	} else if r.Submitted > 0 {
		text += " · " + trRaw("notes scellées")
	}
	if r.Divergent {
		text += " · ⚠ " + trRaw("écart de {{.Spread}} points", map[string]any{
			"Spread": fmt.Sprintf("%.0f", r.Spread)})
	}
	if r.Locked {
		text += " · " + trRaw("résultat arrêté")
	}
	return text
}

// onAttendance records a candidate's attendance.
func (s *interviewsScreen) onAttendance(applicantID string, present bool) {
	ctx, svc, id := s.sess.ctx, s.sess.svc, s.current
	async(func() (struct{}, error) {
		return struct{}{}, svc.RecordAttendance(ctx, id, applicantID, present)
	}, func(_ struct{}, err error) {
		if err != nil {
			s.sess.showError("attendance", err)
		}
		s.openSession(id)
	})
}

// onConvoke convokes up to n candidates to the open session.
func (s *interviewsScreen) onConvoke(text string) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n <= 0 {
		s.sess.showError("convoke", fmt.Errorf("convocations: %w", office.ErrInvalid))
		return
	}
	ctx, svc, id := s.sess.ctx, s.sess.svc, s.current
	async(func() ([]selection.Convocation, error) { return svc.Convoke(ctx, id, n) },
		func(_ []selection.Convocation, err error) {
			if err != nil {
				s.sess.showError("convoke", err)
			}
			s.loadSessions()
		})
}

// openSheet shows the viewer's score sheet of a candidate.
func (s *interviewsScreen) openSheet(a *selection.Applicant) {
	ctx, svc, id := s.sess.ctx, s.sess.svc, s.current
	async(func() (*office.SheetView, error) { return svc.ScoreSheet(ctx, id, a.ID) },
		func(v *office.SheetView, err error) {
			if err != nil {
				s.sess.showError("score sheet", err)
				return
			}
			s.sheet = newSheetView(s, a, v)
			s.right.Objects = []fyne.CanvasObject{s.sheet.build()}
			s.right.Refresh()
			s.sess.shell.screenShown("sheet")
		})
}
