package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Command runs one line of a script that drives the window as a user
// would, for the smoke test and for demonstrations: it needs no input
// device. Call it on the UI goroutine. The commands are:
//
//	signin USER PASSWORD   sign in
//	open SCREEN            open a screen of the navigation
//	lang fr|ar|en          switch the window's language
//	key NAME               type a key (fyne.KeyName, e.g. A, R, 1, Left)
//	click TEXT             tap the first button whose text contains TEXT
//	select N               select the N-th row of the screen's list
//	fill TEXT              type TEXT in the open dialog's first field
//	lock                   lock the window as after inactivity
//	signout                sign out
//	about                  show the About box
//	dismiss                close the topmost dialog
//	backup PATH            write a backup archive to PATH, as the Backup screen does
//	restore PATH           ask to restore the archive at PATH, as the Backup screen does
func (s *Shell) Command(line string) error {
	f := strings.Fields(line)
	if len(f) == 0 {
		return nil
	}
	arg := strings.TrimSpace(strings.TrimPrefix(line, f[0]))
	switch f[0] {
	case "signin":
		if len(f) != 3 || s.ds == nil {
			return fmt.Errorf("command %q: want signin USER PASSWORD, with a store open", line)
		}
		s.showSignIn()
		si := s.signIn
		si.login.SetText(f[1])
		si.password.SetText(f[2])
		si.onSignIn()
	case "open":
		if s.frame == nil {
			return fmt.Errorf("command %q: nobody signed in", line)
		}
		s.frame.open(arg)
	case "lang":
		SetLanguage(arg)
		s.relabel()
	case "key":
		if fn := s.win.Canvas().OnTypedKey(); fn != nil {
			fn(&fyne.KeyEvent{Name: fyne.KeyName(arg)})
		}
	case "click":
		b := findButton(s.win.Canvas(), arg)
		if b == nil {
			return fmt.Errorf("command %q: no such button", line)
		}
		b.OnTapped()
	case "fill":
		e := findEntry(s.win.Canvas())
		if e == nil {
			return fmt.Errorf("command %q: no field to fill", line)
		}
		e.SetText(arg)
	case "select":
		n, err := strconv.Atoi(arg)
		sel, ok := s.activeScreen().(interface{ selectRow(int) })
		if err != nil || !ok {
			return fmt.Errorf("command %q: no list to select in", line)
		}
		sel.selectRow(n)
	case "about":
		s.showAbout()
	case "dismiss":
		s.dismiss()
	case "backup", "restore":
		bs, ok := s.activeScreen().(*backupScreen)
		if !ok || arg == "" || bs.keep == nil {
			return fmt.Errorf("command %q: want %s PATH, on the Backup screen", line, f[0])
		}
		if f[0] == "backup" {
			bs.backupTo(arg)
		} else {
			bs.confirmRestore(arg)
		}
	case "lock":
		s.lock()
	case "signout":
		s.signOut()
	default:
		return fmt.Errorf("command %q: unknown", line)
	}
	return nil
}

// findButton looks for an enabled button whose text contains text, in
// the overlays first (dialogs), then in the window's content.
func findButton(c fyne.Canvas, text string) *widget.Button {
	overlays := c.Overlays().List()
	for i := len(overlays) - 1; i >= 0; i-- {
		if b := walkButtons(overlays[i], text); b != nil {
			return b
		}
	}
	return walkButtons(c.Content(), text)
}

// findEntry returns the first field of the topmost dialog.
func findEntry(c fyne.Canvas) *widget.Entry {
	overlays := c.Overlays().List()
	if len(overlays) == 0 {
		return nil
	}
	var found *widget.Entry
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil {
			return
		}
		switch x := o.(type) {
		case *widget.Entry:
			found = x
		case *fyne.Container:
			for _, child := range x.Objects {
				walk(child)
			}
		case *widget.PopUp:
			walk(x.Content)
		case *widget.Form:
			for _, it := range x.Items {
				walk(it.Widget)
			}
		}
	}
	walk(overlays[len(overlays)-1])
	return found
}

// walkButtons searches the containers and the widgets that hold others.
func walkButtons(o fyne.CanvasObject, text string) *widget.Button {
	if o == nil || !o.Visible() {
		return nil
	}
	var children []fyne.CanvasObject
	switch x := o.(type) {
	case *widget.Button:
		if strings.Contains(x.Text, text) && !x.Disabled() && x.OnTapped != nil {
			return x
		}
	case *fyne.Container:
		children = x.Objects
	case *container.Scroll:
		children = []fyne.CanvasObject{x.Content}
	case *container.Split:
		children = []fyne.CanvasObject{x.Leading, x.Trailing}
	case *widget.PopUp:
		children = []fyne.CanvasObject{x.Content}
	case interface{ Content() fyne.CanvasObject }:
		children = []fyne.CanvasObject{x.Content()}
	}
	for _, child := range children {
		if b := walkButtons(child, text); b != nil {
			return b
		}
	}
	return nil
}

// activeScreen returns the screen on show, or nil.
func (s *Shell) activeScreen() screen {
	if s.frame == nil {
		return nil
	}
	return s.frame.active
}

// dismiss closes the About box if it shows, else the topmost dialog.
func (s *Shell) dismiss() {
	if s.about != nil && s.about.dlg != nil && s.about.shown() {
		s.about.dlg.Hide()
		return
	}
	if top := s.win.Canvas().Overlays().Top(); top != nil {
		s.win.Canvas().Overlays().Remove(top)
	}
}
