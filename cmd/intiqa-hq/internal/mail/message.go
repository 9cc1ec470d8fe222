package mail

import (
	"errors"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"intiqa/selection"
)

// buildMessage makes the MIME message of a rendered notification: the
// plain text and its HTML alternative, in UTF-8.
func buildMessage(from, to *mail.Address, lang selection.MailLanguage, msg *Message,
	now time.Time) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	m.FromMailAddress(from)
	if err := m.AddToFormat(to.Name, to.Address); err != nil {
		return nil, err
	}
	m.Subject(msg.Subject)
	m.SetDateWithValue(now)
	m.SetGenHeader(gomail.HeaderContentLang, strings.Join(languageTags(lang), ", "))
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetBodyString(gomail.TypeTextPlain, msg.Text)
	m.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	return m, nil
}

func languageTags(lang selection.MailLanguage) []string {
	var tags []string
	for _, l := range lang.Parts() {
		tags = append(tags, string(l))
	}
	return tags
}

// outcome is what became of a message handed to the server.
type outcome int

const (
	delivered outcome = iota // the server accepted it
	temporary                // not accepted; may be tried again
	permanent                // refused for good
	ambiguous                // may or may not have been accepted
)

// verdict is an outcome with the reason to record.
type verdict struct {
	outcome outcome
	reason  string
}

// classify tells from the error of a send what became of the message.
// Replies 4xx and network faults before the end of the data are
// temporary; replies 5xx are permanent; a network fault while the server
// was to acknowledge the data is ambiguous: the message may have left.
func classify(err error, m *gomail.Msg) verdict {
	if err == nil || m.IsDelivered() {
		return verdict{outcome: delivered}
	}
	reason := errorText(err)
	code := smtpCode(err)
	var se *gomail.SendError
	isSend := errors.As(err, &se)
	switch {
	case code >= 500:
		return verdict{permanent, "refusé par le serveur SMTP : " + reason}
	case code >= 400:
		return verdict{temporary, "refus temporaire du serveur SMTP : " + reason}
	case isSend && se.Reason == gomail.ErrSMTPDataClose:
		return verdict{ambiguous, "connexion perdue à la fin de l'envoi, message peut-être " +
			"parti : " + reason + " ; " + InterruptedReason}
	case isSend && se.Reason == gomail.ErrNoUnencoded:
		return verdict{permanent, "refusé par le serveur SMTP : " + reason}
	}
	return verdict{temporary, "erreur réseau : " + reason}
}

// errorText is an error's text without the recipient's address, which
// go-mail appends: the reason is shown to operators.
func errorText(err error) string {
	s := err.Error()
	if i := strings.Index(s, ", affected recipient"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
