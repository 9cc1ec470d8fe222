package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
)

// signInScreen asks for a local account's login and password.
type signInScreen struct {
	shell    *Shell
	login    *widget.Entry
	password *widget.Entry
	problem  *widget.Label
	button   *widget.Button
}

func newSignInScreen(s *Shell) *signInScreen { return &signInScreen{shell: s} }

func (s *signInScreen) build() fyne.CanvasObject {
	s.login = widget.NewEntry()
	s.password = widget.NewPasswordEntry()
	s.login.OnSubmitted = func(string) { s.shell.win.Canvas().Focus(s.password) }
	s.password.OnSubmitted = func(string) { s.onSignIn() }
	s.problem = widget.NewLabel("")
	s.problem.Importance = widget.DangerImportance
	s.problem.Hide()
	s.button = widget.NewButtonWithIcon(tr("Se connecter"), theme.LoginIcon(), s.onSignIn)
	s.button.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(tr("Identifiant"), s.login),
		widget.NewFormItem(tr("Mot de passe"), s.password),
	)
	items := []fyne.CanvasObject{
		container.NewBorder(nil, nil, nil, languagePicker(s.shell), appTitle()),
		heading(trRaw("Connexion")), s.provinceLine(), form, container.NewCenter(s.button), s.problem,
	}
	if ds := s.shell.ds; ds != nil && ds.Demo {
		items = append(items, badge(tr("Données de démonstration")), caption(trRaw(
			"Comptes de démonstration : superviseur, jury1, jury2, jury3, coordinateur, "+
				"administrateur ; mot de passe : {{.Password}}",
			map[string]any{"Password": ds.DemoPassword})))
	}
	card := container.NewVBox(items...)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(520, card.MinSize().Height+20), card))
}

// provinceLine names the province the laptop holds.
func (s *signInScreen) provinceLine() fyne.CanvasObject {
	if s.shell.ds == nil {
		return widget.NewLabel("")
	}
	p, err := s.shell.ds.Office.Province(s.shell.parent)
	if err != nil {
		return widget.NewLabel("")
	}
	return container.NewGridWithColumns(2, widget.NewLabel(provinceTitleFR(p)),
		widget.NewLabelWithStyle(provinceTitleAR(p), fyne.TextAlignTrailing, fyne.TextStyle{}))
}

// onSignIn checks the account in the background (argon2id takes a
// moment) and opens the screens.
func (s *signInScreen) onSignIn() {
	login, password := strings.TrimSpace(s.login.Text), s.password.Text
	s.button.Disable()
	svc := s.shell.ds.Office
	async(func() (*selection.User, error) {
		return svc.SignIn(s.shell.parent, login, password)
	}, func(_ *selection.User, err error) {
		s.button.Enable()
		if err != nil {
			if !errors.Is(err, errBadCredentials) {
				s.shell.log.Warn("sign in", keyErr, err)
			}
			s.password.SetText("")
			s.problem.SetText(userMessage(err))
			s.problem.Show()
			return
		}
		s.shell.signedIn()
	})
}

// lockScreen covers the window after inactivity until the signed-in
// user types their password, or signs out.
type lockScreen struct {
	shell    *Shell
	password *widget.Entry
	problem  *widget.Label
}

func newLockScreen(s *Shell) *lockScreen { return &lockScreen{shell: s} }

func (s *lockScreen) build() fyne.CanvasObject {
	u := s.shell.ds.Office.User()
	s.password = widget.NewPasswordEntry()
	s.password.OnSubmitted = func(string) { s.onUnlock() }
	s.problem = widget.NewLabel("")
	s.problem.Importance = widget.DangerImportance
	s.problem.Hide()
	unlock := widget.NewButtonWithIcon(tr("Déverrouiller"), theme.LoginIcon(), s.onUnlock)
	unlock.Importance = widget.HighImportance
	out := widget.NewButtonWithIcon(tr("Se déconnecter"), theme.LogoutIcon(), s.shell.signOut)
	card := container.NewVBox(
		widget.NewIcon(theme.VisibilityOffIcon()),
		heading(trRaw("Session verrouillée")),
		paragraph(trRaw("Après un temps d'inactivité, Intiqa verrouille la fenêtre. Saisissez "+
			"le mot de passe de {{.Name}} pour reprendre où vous en étiez.",
			map[string]any{"Name": u.DisplayName})),
		widget.NewForm(widget.NewFormItem(tr("Mot de passe"), s.password)),
		container.NewCenter(container.NewHBox(unlock, out)), s.problem)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(480, card.MinSize().Height+20), card))
}

// onUnlock checks the password and puts the screens back.
func (s *lockScreen) onUnlock() {
	password := s.password.Text
	svc := s.shell.ds.Office
	async(func() (struct{}, error) { return struct{}{}, svc.Unlock(password) },
		func(_ struct{}, err error) {
			if err != nil {
				s.password.SetText("")
				s.problem.SetText(userMessage(err))
				s.problem.Show()
				return
			}
			s.shell.unlocked()
		})
}
