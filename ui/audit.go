package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"intiqa/selection/office"
)

// auditShown is how many of the latest audit entries the screen lists.
const auditShown = 200

// auditScreen shows the administrator the end of the audit log and
// whether its hash chain holds.
type auditScreen struct {
	sess   *session
	status *wrapped
	list   *fyne.Container
	view   *office.AuditView // once loaded; for tests
}

func newAuditScreen(s *session) *auditScreen { return &auditScreen{sess: s} }

func (s *auditScreen) build() fyne.CanvasObject {
	s.status = paragraph(trRaw("Vérification de la chaîne du journal…"))
	s.list = container.NewVBox()
	s.load()
	return container.NewPadded(container.NewBorder(
		container.NewVBox(heading(trRaw("Journal d'audit")), s.status), nil, nil, nil,
		container.NewVScroll(s.list)))
}

// load verifies the chain and lists the latest entries.
func (s *auditScreen) load() {
	ctx, svc := s.sess.ctx, s.sess.svc
	async(func() (*office.AuditView, error) { return svc.AuditTail(ctx, auditShown) },
		func(v *office.AuditView, err error) {
			if err != nil {
				s.sess.showError("audit log", err)
				return
			}
			s.view = v
			s.status.setLogical(auditStatus(v))
			s.list.Objects = nil
			for i := len(v.Entries) - 1; i >= 0; i-- {
				e := v.Entries[i]
				s.list.Add(container.NewGridWithColumns(4, value(fmt.Sprint(e.Seq)),
					value(e.At.Local().Format("02/01/2006 15:04:05")), value(e.Actor),
					value(e.Action+" "+e.EntityID)))
			}
			s.list.Refresh()
		})
}

// auditStatus says whether the chain holds; when it breaks, the entries
// before the break were checked, so the break is at the next one.
func auditStatus(v *office.AuditView) string {
	if v.Broken != nil {
		return trRaw("Chaîne rompue à l'entrée {{.N}} : le journal a été modifié hors "+
			"d'Intiqa. Prévenez le siège.", map[string]any{"N": formatCount(int(v.Total) + 1)})
	}
	return trRaw("Chaîne intacte : {{.N}} entrées vérifiées, chacune liée à la précédente.",
		map[string]any{"N": formatCount(int(v.Total))})
}
