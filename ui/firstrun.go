package ui

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// firstRunScreen leads the first run of a laptop: the local
// administrator's account, then either enrolling with headquarters or
// opening the demonstration. On a store that exists but has no account
// (storeOpen), it creates the administrator there and goes to sign-in.
type firstRunScreen struct {
	shell     *Shell
	storeOpen bool
	admin     *selection.User // hashed, once the first step is done

	login, display, password, confirm *widget.Entry
	url, token                        *widget.Entry
	problem                           *widget.Label
	body                              *fyne.Container
	create                            *widget.Button
}

func newFirstRunScreen(s *Shell) *firstRunScreen {
	return &firstRunScreen{shell: s}
}

// build shows the administrator's step.
func (s *firstRunScreen) build() fyne.CanvasObject {
	s.problem = widget.NewLabel("")
	s.problem.Importance = widget.DangerImportance
	s.problem.Wrapping = fyne.TextWrapWord
	s.problem.Hide()
	s.body = container.NewVBox(s.adminStep())
	top := container.NewBorder(nil, nil, nil, languagePicker(s.shell), nil)
	card := container.NewVBox(top, s.body, s.problem)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(600, card.MinSize().Height+40), card))
}

// adminStep asks for the administrator's login, name and password.
func (s *firstRunScreen) adminStep() fyne.CanvasObject {
	title := heading(trRaw("Bienvenue dans Intiqa"))
	text := paragraph(trRaw("Ce poste ne contient encore aucun compte. Créez d'abord le compte de " +
		"l'administrateur local : il créera ensuite les comptes des superviseurs, des membres " +
		"de jury et des coordinateurs."))
	s.login = widget.NewEntry()
	s.login.SetPlaceHolder("admin")
	s.display = widget.NewEntry()
	s.password = widget.NewPasswordEntry()
	s.confirm = widget.NewPasswordEntry()
	s.confirm.OnSubmitted = func(string) { s.onCreateAdmin() }
	form := widget.NewForm(
		widget.NewFormItem(tr("Identifiant"), s.login),
		widget.NewFormItem(tr("Nom affiché"), s.display),
		widget.NewFormItem(tr("Mot de passe"), s.password),
		widget.NewFormItem(tr("Confirmation"), s.confirm),
	)
	s.create = widget.NewButtonWithIcon(tr("Créer l'administrateur"), theme.AccountIcon(),
		s.onCreateAdmin)
	s.create.Importance = widget.HighImportance
	hint := caption(trRaw("Au moins 10 caractères. Le mot de passe est conservé haché (argon2id)."))
	return container.NewVBox(title, text, form, hint, container.NewCenter(s.create))
}

// onCreateAdmin checks and hashes the administrator's account, then
// goes on.
func (s *firstRunScreen) onCreateAdmin() {
	if s.password.Text != s.confirm.Text {
		s.showProblem(tr("Les deux mots de passe diffèrent."))
		return
	}
	login := strings.ToLower(strings.TrimSpace(s.login.Text))
	if login == "" {
		login = "admin"
	}
	s.create.Disable()
	password, display := s.password.Text, s.display.Text
	async(func() (*selection.User, error) {
		return office.NewAccount(login, display, selection.UserAdmin, password, time.Now())
	}, func(u *selection.User, err error) {
		s.create.Enable()
		if err != nil {
			s.showProblem(accountProblem(err))
			return
		}
		s.admin = u
		s.onAdminReady()
	})
}

// accountProblem tells what is wrong with a new account.
func accountProblem(err error) string {
	if errors.Is(err, office.ErrWeakPassword) {
		return userMessage(err)
	}
	return tr("L'identifiant ne peut contenir que des minuscules, des chiffres, des points, " +
		"des tirets ou des soulignés (2 à 32 caractères).")
}

// onAdminReady stores the administrator in an open store, or offers the
// next step of a first run.
func (s *firstRunScreen) onAdminReady() {
	s.problem.Hide()
	if !s.storeOpen {
		s.body.Objects = []fyne.CanvasObject{s.storeStep()}
		s.body.Refresh()
		s.shell.screenShown("enroll")
		return
	}
	ds := s.shell.ds
	async(func() (struct{}, error) {
		return struct{}{}, ds.Office.CreateFirstAdmin(s.shell.parent, s.admin)
	}, func(_ struct{}, err error) {
		if err != nil {
			s.shell.log.Error("create administrator", keyErr, err)
			s.showProblem(userMessage(err))
			return
		}
		s.shell.showSignIn()
	})
}

// storeStep offers to enroll the laptop or to open the demonstration.
func (s *firstRunScreen) storeStep() fyne.CanvasObject {
	title := heading(trRaw("Données de ce poste"))
	text := paragraph(trRaw("Inscrivez ce poste auprès du siège avec l'adresse et le jeton que le " +
		"siège vous a remis : il recevra les candidats de sa province. Vous pouvez aussi " +
		"découvrir Intiqa sur une province de démonstration, générée sans aucune personne réelle."))
	s.url = widget.NewEntry()
	s.url.SetPlaceHolder("https://intiqa.example.ma")
	s.token = widget.NewPasswordEntry()
	form := widget.NewForm(
		widget.NewFormItem(tr("Adresse du siège"), s.url),
		widget.NewFormItem(tr("Jeton d'inscription"), s.token),
	)
	enroll := widget.NewButtonWithIcon(tr("Inscrire ce poste"), theme.LoginIcon(), s.onEnroll)
	enroll.Importance = widget.HighImportance
	demo := widget.NewButtonWithIcon(tr("Ouvrir la démonstration"), theme.NavigateNextIcon(),
		func() { s.shell.openDemo(s.admin) })
	restore := widget.NewButtonWithIcon(tr("Restaurer une sauvegarde…"), theme.HistoryIcon(),
		s.onRestore)
	return container.NewVBox(title, text, form,
		container.NewCenter(container.NewHBox(enroll, demo)),
		paragraph(trRaw("Un poste remplacé, ou un dossier des données déplacé, reprend ses "+
			"données d'une sauvegarde, vérifiée en entier d'abord ; les comptes sont alors ceux "+
			"de la sauvegarde.")), container.NewCenter(restore))
}

// onRestore asks for a backup archive to fill this computer from.
func (s *firstRunScreen) onRestore() {
	dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.shell.restoreNew(path)
	}, s.shell.win).Show()
}

// onEnroll enrolls the laptop with what was typed.
func (s *firstRunScreen) onEnroll() {
	url := strings.TrimSpace(s.url.Text)
	if !strings.HasPrefix(url, "https://") || strings.TrimSpace(s.token.Text) == "" {
		s.showProblem(tr("Saisissez l'adresse du siège (https://…) et le jeton qu'il vous a remis."))
		return
	}
	s.shell.enroll(Enrollment{URL: url, Token: strings.TrimSpace(s.token.Text)}, s.admin)
}

// showProblem shows what keeps the user from going on.
func (s *firstRunScreen) showProblem(text string) {
	s.problem.SetText(text)
	s.problem.Show()
}
