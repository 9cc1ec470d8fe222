package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/assets"
	"intiqa/selection"
	"intiqa/selection/office"
)

// screen is one screen of the frame: a struct with a build method and
// named on... handlers.
type screen interface {
	build() fyne.CanvasObject
}

// screenDef is an entry of the navigation.
type screenDef struct {
	name  string
	title func() string
	icon  fyne.Resource
	need  office.Action // the action that opens it
	make  func(*session) screen
}

// screens lists the frame's screens in navigation order.
var screens = []screenDef{
	{"dashboard", func() string { return tr("Tableau de bord") }, theme.HomeIcon(),
		office.ActViewDashboard, func(s *session) screen { return newDashboardScreen(s) }},
	{"applicants", func() string { return tr("Candidats") }, theme.AccountIcon(),
		office.ActViewApplicants, func(s *session) screen { return newApplicantsScreen(s) }},
	{"review", func() string { return tr("Vérification des pièces") }, theme.DocumentIcon(),
		office.ActReviewDocuments, func(s *session) screen { return newReviewScreen(s) }},
	{"interviews", func() string { return tr("Entretiens") }, theme.ListIcon(),
		office.ActViewInterviews, func(s *session) screen { return newInterviewsScreen(s) }},
	{"selection", func() string { return tr("Sélection finale") }, theme.ConfirmIcon(),
		office.ActViewSelection, func(s *session) screen { return newSelectionScreen(s) }},
	{"reports", func() string { return tr("Rapports") }, theme.DocumentPrintIcon(),
		office.ActPrintReports, func(s *session) screen { return newReportsScreen(s) }},
	{"sync", func() string { return tr("Synchronisation") }, theme.ViewRefreshIcon(),
		office.ActSync, func(s *session) screen { return newSyncScreen(s) }},
	{"backup", func() string { return tr("Sauvegarde") }, theme.DocumentSaveIcon(),
		office.ActBackup, func(s *session) screen { return newBackupScreen(s) }},
	{"users", func() string { return tr("Comptes") }, theme.SettingsIcon(),
		office.ActManageUsers, func(s *session) screen { return newUsersScreen(s) }},
	{"audit", func() string { return tr("Journal d'audit") }, theme.HistoryIcon(),
		office.ActViewAuditLog, func(s *session) screen { return newAuditScreen(s) }},
}

// frame is the window of a signed-in user: a bar with the province and
// the user, the navigation between the screens the role opens, the
// screen, and the sync status bar.
type frame struct {
	sess     *session
	province selection.Province
	root     fyne.CanvasObject
	content  *fyne.Container
	title    *widget.Label
	nav      map[string]*widget.Button
	status   *statusBar
	about    *widget.Button
	current  string
	active   screen
}

func newFrame(s *session) *frame {
	f := &frame{sess: s, nav: map[string]*widget.Button{}}
	f.province, _ = s.svc.Province(s.ctx)
	return f
}

// build lays out the frame around an empty screen.
func (f *frame) build() fyne.CanvasObject {
	f.content = container.NewStack()
	f.status = newStatusBar(f.sess)
	nav := f.navigation()
	top := container.NewVBox(f.topBar(), widget.NewSeparator())
	bottom := container.NewVBox(widget.NewSeparator(), f.status.build())
	if rtl() {
		f.root = container.NewBorder(top, bottom, nil, nav, f.content)
	} else {
		f.root = container.NewBorder(top, bottom, nav, nil, f.content)
	}
	return f.root
}

// topBar shows the product, the screen, the province in both scripts,
// the demonstration badge, the user, the language and the session's
// buttons.
func (f *frame) topBar() fyne.CanvasObject {
	u := f.sess.svc.User()
	f.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.title.Truncation = fyne.TextTruncateEllipsis
	fr := widget.NewLabelWithStyle(provinceTitleFR(f.province), fyne.TextAlignTrailing,
		fyne.TextStyle{})
	fr.Truncation = fyne.TextTruncateEllipsis
	place := container.NewVBox(fr, arabicLabel(provinceTitleARRaw(f.province)))
	who := widget.NewLabelWithStyle(display(u.DisplayName+" · "+roleLabel(u.Role)),
		fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	f.about = widget.NewButtonWithIcon("", theme.InfoIcon(), f.sess.shell.showAbout)
	lock := widget.NewButtonWithIcon("", theme.VisibilityOffIcon(), f.sess.shell.lock)
	out := widget.NewButtonWithIcon("", theme.LogoutIcon(), f.sess.shell.signOut)
	controls := []fyne.CanvasObject{who, languagePicker(f.sess.shell), f.about, lock, out}
	lead := []fyne.CanvasObject{appTitle()}
	if f.sess.ds.Demo {
		lead = append(lead, badge(tr("Démonstration")))
	}
	if rtl() {
		return container.NewPadded(container.NewBorder(nil, nil, row(controls...), row(lead...),
			container.NewGridWithColumns(2, place, f.title)))
	}
	return container.NewPadded(container.NewBorder(nil, nil, row(lead...), row(controls...),
		container.NewGridWithColumns(2, f.title, place)))
}

// navigation lists the screens the user's role opens.
func (f *frame) navigation() fyne.CanvasObject {
	box := container.NewVBox()
	for _, d := range screens {
		if !f.sess.svc.Can(d.need) {
			continue
		}
		b := widget.NewButtonWithIcon(d.title(), d.icon, func() { f.open(d.name) })
		b.Alignment = widget.ButtonAlignLeading
		if rtl() {
			b.Alignment = widget.ButtonAlignTrailing
			b.IconPlacement = widget.ButtonIconTrailingText
		}
		f.nav[d.name] = b
		box.Add(b)
	}
	// NOTE: the credit is a licence term, shown verbatim in French. It is
	// broken into lines here: a label that wraps by itself reports the
	// height of its lines at its previous width, and the bottom of the
	// navigation would cut off its last lines.
	size := theme.Size(theme.SizeNameCaptionText)
	credit := widget.NewLabel(breakLines(creditLine, creditWidth, size, fyne.TextStyle{}))
	credit.SizeName = theme.SizeNameCaptionText
	credit.Importance = widget.LowImportance
	return container.NewPadded(container.NewBorder(nil, credit, nil, nil, box))
}

// open shows a screen by name; an empty name, or one the role does not
// open, shows the first the role opens.
func (f *frame) open(name string) {
	def, ok := f.find(name)
	if !ok {
		for _, d := range screens {
			if f.sess.svc.Can(d.need) {
				def, ok = d, true
				break
			}
		}
	}
	if !ok {
		f.content.Objects = []fyne.CanvasObject{paragraph(trRaw("Votre rôle n'ouvre aucun écran."))}
		f.content.Refresh()
		return
	}
	f.sess.svc.Touch()
	f.sess.win.Canvas().SetOnTypedKey(nil)
	for n, b := range f.nav {
		b.Importance = widget.LowImportance
		if n == def.name {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	f.current = def.name
	f.title.SetText(def.title())
	f.active = def.make(f.sess)
	f.content.Objects = []fyne.CanvasObject{f.active.build()}
	f.content.Refresh()
	f.sess.shell.screenShown(def.name)
}

func (f *frame) find(name string) (screenDef, bool) {
	for _, d := range screens {
		if d.name == name && f.sess.svc.Can(d.need) {
			return d, true
		}
	}
	return screenDef{}, false
}

// roleLabel names a role in the user's language.
func roleLabel(r selection.UserRole) string {
	switch r {
	case selection.UserSupervisor:
		return trRaw("Superviseur")
	case selection.UserPanel:
		return trRaw("Membre de jury")
	case selection.UserCoordinator:
		return trRaw("Coordinateur")
	case selection.UserAdmin:
		return trRaw("Administrateur")
	}
	return string(r)
}

// creditWidth is the width of the credit's lines in the navigation.
const creditWidth = 165

// creditLine is the territory's licence credit, verbatim.
var creditLine = assets.Credit
