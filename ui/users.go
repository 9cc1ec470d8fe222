package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"intiqa/selection"
	"intiqa/selection/office"
)

// usersScreen lets the local administrator list and create accounts.
type usersScreen struct {
	sess  *session
	list  *fyne.Container
	login *widget.Entry
	name  *widget.Entry
	role  *widget.Select
	pass  *widget.Entry
	note  *widget.Label
}

func newUsersScreen(s *session) *usersScreen { return &usersScreen{sess: s} }

func (s *usersScreen) build() fyne.CanvasObject {
	s.list = container.NewVBox()
	s.login, s.name, s.pass = widget.NewEntry(), widget.NewEntry(), widget.NewPasswordEntry()
	var roles []string
	for _, r := range office.LaptopRoles {
		roles = append(roles, display(roleLabel(r)))
	}
	s.role = widget.NewSelect(roles, nil)
	s.role.SetSelectedIndex(0)
	s.note = widget.NewLabel("")
	s.note.Wrapping = fyne.TextWrapWord
	create := widget.NewButtonWithIcon(tr("Créer le compte"), theme.ContentAddIcon(), s.onCreate)
	create.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(tr("Identifiant"), s.login),
		widget.NewFormItem(tr("Nom affiché"), s.name),
		widget.NewFormItem(tr("Rôle"), s.role),
		widget.NewFormItem(tr("Mot de passe"), s.pass),
	)
	s.load()
	left := container.NewBorder(heading(trRaw("Comptes du poste")), nil, nil, nil,
		container.NewVScroll(s.list))
	right := container.NewVBox(heading(trRaw("Nouveau compte")), form, container.NewCenter(create), s.note)
	return container.NewPadded(container.NewGridWithColumns(2, left, right))
}

// load lists the accounts in the background.
func (s *usersScreen) load() {
	ctx := s.sess.ctx
	async(func() ([]selection.User, error) { return s.sess.svc.Users(ctx) },
		func(users []selection.User, err error) {
			if err != nil {
				s.sess.showError("list users", err)
				return
			}
			s.list.Objects = nil
			for _, u := range users {
				s.list.Add(container.NewGridWithColumns(3, value(u.Name), value(u.DisplayName),
					value(roleLabel(u.Role))))
			}
			s.list.Refresh()
		})
}

// onCreate creates the account typed in the form.
func (s *usersScreen) onCreate() {
	role := office.LaptopRoles[max(0, s.role.SelectedIndex())]
	login, name, pass := strings.TrimSpace(s.login.Text), s.name.Text, s.pass.Text
	ctx := s.sess.ctx
	async(func() (struct{}, error) {
		return struct{}{}, s.sess.svc.CreateUser(ctx, login, name, role, pass)
	}, func(_ struct{}, err error) {
		if err != nil {
			s.note.Importance = widget.DangerImportance
			s.note.SetText(accountProblemOrMessage(err))
			return
		}
		s.note.Importance = widget.SuccessImportance
		s.note.SetText(tr("Compte {{.Login}} créé.", map[string]any{"Login": login}))
		s.login.SetText("")
		s.name.SetText("")
		s.pass.SetText("")
		s.load()
	})
}

// accountProblemOrMessage explains a refused account.
func accountProblemOrMessage(err error) string {
	if errors.Is(err, office.ErrInvalid) {
		return accountProblem(err)
	}
	return userMessage(err)
}
