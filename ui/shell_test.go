package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"intiqa/localdb/demo"
	"intiqa/selection"
)

// TestFirstRun creates the administrator, then opens the demonstration
// with that administrator, who then signs in.
func TestFirstRun(t *testing.T) {
	ds, db, _ := mustDataset(t, false)
	var gotAdmin *selection.User
	h := mustHarness(t, &fakeBackend{
		open: func(context.Context, func(Progress)) (*Dataset, error) { return nil, ErrNoStore },
		openDemo: func(ctx context.Context, admin *selection.User, p func(Progress)) (*Dataset, error) {
			gotAdmin = admin
			p(Progress{Step: StepGenerate, Done: 5, Total: 10})
			return ds, db.PutUser(ctx, "system", admin) // as the demonstration's builder does
		},
	})
	h.shell.Start(context.Background(), false)
	h.mustShow(t, "welcome")

	// The administrator's step refuses a short password, then goes on.
	fr := h.shell.firstRun
	fr.login.SetText("admin")
	fr.password.SetText("court")
	fr.confirm.SetText("court")
	test.Tap(h.button(t, "Créer l'administrateur"))
	if !fr.problem.Visible() || !strings.Contains(fr.problem.Text, "10 caractères") {
		t.Fatalf("short password accepted; problem %q", fr.problem.Text)
	}
	fr.password.SetText("un mot de passe long")
	fr.confirm.SetText("un mot de passe long")
	test.Tap(h.button(t, "Créer l'administrateur"))
	h.mustShow(t, "enroll")

	// Enrolling is not available in this build; the demonstration is.
	test.Tap(h.button(t, "Inscrire ce poste"))
	if !fr.problem.Visible() {
		t.Error("enrolling with no address said nothing")
	}
	test.Tap(h.button(t, "Ouvrir la démonstration"))
	h.mustShow(t, "signin")
	if gotAdmin == nil || gotAdmin.Name != "admin" || gotAdmin.Role != selection.UserAdmin ||
		!strings.HasPrefix(gotAdmin.PasswordHash, "$argon2id$") {
		t.Fatalf("demonstration opened with administrator %+v", gotAdmin)
	}
	si := newSignInScreen(h.shell)
	h.win.SetContent(si.build())
	si.login.SetText("admin")
	si.password.SetText("un mot de passe long")
	test.Tap(h.button(t, "Se connecter"))
	h.mustShow(t, "dashboard")
	if h.shell.frame.nav["users"] == nil || h.shell.frame.nav["review"] != nil {
		t.Errorf("administrator's navigation: %v", navNames(h.shell.frame))
	}
}

func navNames(f *frame) []string {
	var out []string
	for _, d := range screens {
		if f.nav[d.name] != nil {
			out = append(out, d.name)
		}
	}
	return out
}

// TestFirstRunEnroll enrolls the laptop from the first run: the address
// and token reach the backend with the administrator, then the sign-in
// shows; a refused enrollment is told on the first run's screen.
func TestFirstRunEnroll(t *testing.T) {
	ds, db, _ := mustDataset(t, false)
	var got Enrollment
	refuse := true
	h := mustHarness(t, &fakeBackend{
		open: func(context.Context, func(Progress)) (*Dataset, error) { return nil, ErrNoStore },
		enroll: func(ctx context.Context, e Enrollment, admin *selection.User) (*Dataset, error) {
			got = e
			if refuse {
				return nil, ErrEnrollUnavailable
			}
			return ds, db.PutUser(ctx, "system", admin)
		},
	})
	h.shell.Start(context.Background(), false)
	fr := h.shell.firstRun
	fr.login.SetText("admin")
	fr.password.SetText("un mot de passe long")
	fr.confirm.SetText("un mot de passe long")
	test.Tap(h.button(t, "Créer l'administrateur"))
	fr.url.SetText("http://sans-tls.example")
	fr.token.SetText("jeton")
	test.Tap(h.button(t, "Inscrire ce poste"))
	if got.Token != "" || !fr.problem.Visible() {
		t.Fatal("enrolled over plain HTTP")
	}
	fr.url.SetText("https://intiqa.example.ma")
	test.Tap(h.button(t, "Inscrire ce poste"))
	h.mustShow(t, "enroll")
	if got.URL != "https://intiqa.example.ma" || got.Token != "jeton" {
		t.Fatalf("enrollment asked with %+v", got)
	}
	fr = h.shell.firstRun
	if !fr.problem.Visible() || !strings.Contains(fr.problem.Text, "pas encore possible") {
		t.Errorf("the refusal is not told: %q", fr.problem.Text)
	}

	// Accepted this time, the administrator kept: on to the sign-in.
	refuse = false
	fr.url.SetText("https://intiqa.example.ma")
	fr.token.SetText("jeton")
	test.Tap(h.button(t, "Inscrire ce poste"))
	h.mustShow(t, "signin")
}

func TestErrorThenRetry(t *testing.T) {
	ds, _, _ := mustDataset(t, false)
	calls := 0
	h := mustHarness(t, &fakeBackend{open: func(context.Context, func(Progress)) (*Dataset, error) {
		calls++
		if calls == 1 {
			return nil, errors.New("open store: disk I/O error at /secret/path")
		}
		return ds, nil
	}})
	h.shell.Start(context.Background(), false)
	h.mustShow(t, "error")
	if h.shows("disk I/O") {
		t.Error("the error screen shows the technical cause")
	}
	if !strings.Contains(h.log.String(), "disk I/O error") {
		t.Errorf("the log lacks the cause:\n%s", h.log)
	}
	test.Tap(h.button(t, "Réessayer"))
	h.mustShow(t, "signin")
}

func TestCancelOpening(t *testing.T) {
	var h *harness
	h = mustHarness(t, &fakeBackend{
		openDemo: func(ctx context.Context, _ *selection.User, p func(Progress)) (*Dataset, error) {
			p(Progress{Step: StepGenerate})
			h.shell.onCancel() // as the progress screen's button does
			<-ctx.Done()
			return nil, ctx.Err()
		},
	})
	h.shell.Start(context.Background(), true)
	h.mustShow(t, "welcome")
}

// TestSignInRefusals checks the sign-in's refusals and that each role
// gets only its screens, the core refusing the others.
func TestSignInRefusals(t *testing.T) {
	ds, _, _ := mustDataset(t, true)
	h := mustHarness(t, &fakeBackend{open: func(context.Context, func(Progress)) (*Dataset, error) {
		return ds, nil
	}})
	h.shell.Start(context.Background(), false)
	h.mustShow(t, "signin")
	if !h.shows("Comptes de démonstration") || !h.shows(demo.Password) {
		t.Error("the demonstration's sign-in does not name its accounts")
	}
	if err := h.shell.Command("signin superviseur pas-le-bon"); err != nil {
		t.Fatal(err)
	}
	h.mustShow(t, "signin")
	if !h.shows("Identifiant ou mot de passe incorrect.") {
		t.Errorf("wrong password not told:\n%s", h.markup())
	}

	tests := []struct {
		user string
		nav  string
	}{
		{"superviseur", "dashboard applicants review interviews selection reports sync backup"},
		{"jury1", "interviews"},
		{"coordinateur", "dashboard applicants interviews selection reports"},
		{"administrateur", "dashboard sync backup users audit"},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			if err := h.shell.Command("signin " + tt.user + " " + demo.Password); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(navNames(h.shell.frame), " "); got != tt.nav {
				t.Errorf("navigation %q; want %q", got, tt.nav)
			}
			// Asking for the review queue opens the first allowed screen
			// instead, and the core refuses the queue itself.
			h.shell.frame.open("review")
			if !strings.Contains(tt.nav, "review") {
				if h.shell.frame.current == "review" {
					t.Error("the review screen opened for a role without it")
				}
				if _, err := ds.Office.ReviewQueue(context.Background()); err == nil {
					t.Error("the core gave the review queue")
				}
			}
			h.shell.signOut()
			h.mustShow(t, "signin")
		})
	}
}

// TestIdleLock locks the window after inactivity and unlocks it with the
// password, back on the same screen.
func TestIdleLock(t *testing.T) {
	h, ds, _, c := mustSignedIn(t, "superviseur", false)
	h.shell.frame.open("applicants")
	c.Add(9 * time.Minute)
	h.shell.checkIdle()
	h.mustShow(t, "applicants")
	c.Add(2 * time.Minute)
	h.shell.checkIdle()
	h.mustShow(t, "locked")
	if _, err := ds.Office.Figures(context.Background()); err == nil {
		t.Error("the core answers while the window is locked")
	}
	ls := newLockScreen(h.shell)
	h.win.SetContent(ls.build())
	ls.password.SetText("faux mot de passe")
	ls.onUnlock()
	if !ls.problem.Visible() {
		t.Error("a wrong password unlocked the window")
	}
	ls.password.SetText(demo.Password)
	ls.onUnlock()
	h.mustShow(t, "applicants")
	if ds.Office.Locked() {
		t.Error("still locked after the password")
	}
}

// TestSwitchLanguage switches the window to Arabic and English, on the
// same screen.
func TestSwitchLanguage(t *testing.T) {
	h, _, _, _ := mustSignedIn(t, "superviseur", false)
	h.shell.frame.open("review")
	if err := h.shell.Command("lang ar"); err != nil {
		t.Fatal(err)
	}
	h.mustShow(t, "review")
	for _, want := range []string{"فحص الوثائق", "لوحة القيادة", "تصريح المترشح", "قبول (A)"} {
		if !h.shows(display(want)) {
			t.Errorf("Arabic window lacks %q", want)
		}
	}
	if h.shows("Tableau de bord") {
		t.Error("Arabic window still shows French navigation")
	}
	if err := h.shell.Command("lang en"); err != nil {
		t.Fatal(err)
	}
	if !h.shows("Document review") || !h.shows("Accept (A)") {
		t.Error("English window lacks its strings")
	}
	if err := h.shell.Command("lang fr"); err != nil {
		t.Fatal(err)
	}
	if !h.shows("Vérification des pièces") {
		t.Error("back to French failed")
	}
}

func TestThrottle(t *testing.T) {
	test.NewTempApp(t)
	var got []Progress
	th := newThrottle(func(p Progress) { got = append(got, p) })
	for i := range 10_001 {
		th.report(Progress{Step: StepImportApplicants, Done: i, Total: 10_000})
	}
	th.report(Progress{Step: StepImportNeeds, Done: 1, Total: 10})
	// One update per thousandth (0 to 1000), then one for the new step.
	if len(got) != 1002 {
		t.Errorf("throttle forwarded %d updates; want 1002", len(got))
	}
	if last := got[len(got)-1]; last.Step != StepImportNeeds {
		t.Errorf("last update is %+v; want the needs step", last)
	}
}
