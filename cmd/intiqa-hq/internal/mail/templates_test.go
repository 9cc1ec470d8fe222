package mail_test

import (
	"strings"
	"testing"
	"time"

	"intiqa/cmd/intiqa-hq/internal/mail"
	"intiqa/selection"
)

// sampleView is a view with every field set, markup in the free texts.
func sampleView() *mail.View {
	return &mail.View{ApplicantID: "A0000042", FirstName: "Fatima Zahra", LastName: "El Amrani",
		FirstNameAR: "فاطمة الزهراء", LastNameAR: "العمراني", Female: true,
		Username: "f.elamrani@exemple.ma", Password: "Abcd-efgh-2345", Rank: 3,
		Role: selection.RoleController, Slot: time.Date(2024, 5, 20, 11, 30, 0, 0, time.UTC),
		Place: `<script>alert("x")</script>`, DocumentKind: selection.DocStudentCard,
		RejectReason: selection.ReasonExpired, Documents: []selection.DocumentKind{selection.DocCIN},
		TrainingURL: "https://formation.example.ma/?a=1&b=2"}
}

// TestRenderEveryKind renders every kind in every language and checks the
// parts, the scripts and the escaping.
func TestRenderEveryKind(t *testing.T) {
	tmpl := mustTemplates(t)
	v := sampleView()
	for _, k := range selection.NotificationKinds {
		for _, lang := range selection.MailLanguages {
			m, err := tmpl.Render(k, lang, v)
			if err != nil {
				t.Fatalf("%s/%s: %v", k, lang, err)
			}
			what := string(k) + "/" + string(lang)
			for _, body := range []string{m.Text, m.HTML} {
				if !strings.Contains(body, "Fatima Zahra El Amrani") ||
					!strings.Contains(body, "فاطمة الزهراء العمراني") {
					t.Errorf("%s: the name is not in both scripts", what)
				}
				hasFR := strings.Contains(body, "Votre numéro de candidature")
				hasAR := strings.Contains(body, "رقم ترشيحكم")
				if hasFR != (lang != selection.MailArabic) || hasAR != (lang != selection.MailFrench) {
					t.Errorf("%s: French text %v, Arabic text %v", what, hasFR, hasAR)
				}
			}
			if strings.Contains(m.Subject, "\n") || m.Subject == "" {
				t.Errorf("%s: subject %q", what, m.Subject)
			}
			if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "&b=2\"") {
				t.Errorf("%s: HTML not escaped", what)
			}
			if strings.Contains(m.HTML, `<div lang="ar" dir="rtl"`) != (lang != selection.MailFrench) {
				t.Errorf("%s: right-to-left section: %v", what, lang == selection.MailFrench)
			}
			for _, s := range []string{m.Text, m.HTML} {
				if strings.Contains(s, "<no value>") || strings.Contains(s, "%!") {
					t.Errorf("%s: an empty or badly formatted field", what)
				}
			}
		}
	}
}

// TestRenderLabels checks that each label a template shows is the
// language's own: a code with no label would show raw.
func TestRenderLabels(t *testing.T) {
	tmpl := mustTemplates(t)
	v := sampleView()
	cases := []struct {
		kind  selection.NotificationKind
		lang  selection.MailLanguage
		wants []string
	}{
		{selection.NotifyConvocation, selection.MailFrench,
			[]string{"contrôleur", "lundi 20 mai 2024", "11 h 30", `<script>alert("x")</script>`}},
		{selection.NotifyConvocation, selection.MailArabic,
			[]string{"مراقب", "الإثنين 20 ماي 2024", "11:30"}},
		{selection.NotifyDocumentRejected, selection.MailFrench,
			[]string{"carte d'étudiant", "n'est plus valide"}},
		{selection.NotifyDocumentRejected, selection.MailArabic,
			[]string{"بطاقة الطالب", "منتهية الصلاحية"}},
		{selection.NotifyUploadDocuments, selection.MailArabic, []string{"البطاقة الوطنية للتعريف"}},
		{selection.NotifyInvited, selection.MailFrench,
			[]string{"Madame Fatima Zahra", "invitée", "Abcd-efgh-2345", "f.elamrani@exemple.ma"}},
		{selection.NotifyWaiting, selection.MailArabic, []string{"السيدة", "الرتبة 3"}},
	}
	for _, c := range cases {
		m, err := tmpl.Render(c.kind, c.lang, v)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.wants {
			if !strings.Contains(m.Text, w) {
				t.Errorf("%s/%s: text lacks %q:\n%s", c.kind, c.lang, w, m.Text)
			}
		}
	}
	m, _ := tmpl.Render(selection.NotifyInvited, selection.MailFrench, &mail.View{FirstName: "X"})
	if !strings.Contains(m.Text, "(généré à l'envoi)") {
		t.Errorf("a preview shows a password:\n%s", m.Text)
	}
}
