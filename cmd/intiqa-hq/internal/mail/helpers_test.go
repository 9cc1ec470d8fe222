package mail_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"intiqa/cmd/intiqa-hq/internal/mail"
	"intiqa/cmd/intiqa-hq/internal/mail/mailtest"
	"intiqa/localdb"
	"intiqa/selection"
)

// testFrom is the From address of the tests' messages.
const testFrom = "Recrutement du recensement <recrutement@recensement.example.ma>"

// mustKey creates a password key in a temporary folder and loads it.
func mustKey(tb testing.TB) (*mail.PasswordKey, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "mail.key")
	if err := mail.CreateKey(path); err != nil {
		tb.Fatal(err)
	}
	k, err := mail.LoadKey(path)
	if err != nil {
		tb.Fatal(err)
	}
	return k, path
}

// mustPlan plans the fixture's notifications, with a round of training
// reminders.
func mustPlan(tb testing.TB, db *localdb.DB) selection.PlanResult {
	tb.Helper()
	res, err := db.PlanNotifications(context.Background(), "hq",
		selection.PlanOptions{TrainingReminder: "r1"})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// mustTemplates loads the templates.
func mustTemplates(tb testing.TB) *mail.Templates {
	tb.Helper()
	t, err := mail.LoadTemplates()
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// smtpConfig is the configuration that reaches srv with STARTTLS, or TLS
// for an implicit server.
func smtpConfig(srv *mailtest.Server, implicit bool) mail.SMTPConfig {
	mode := mail.TLSStartTLS
	if implicit {
		mode = mail.TLSImplicit
	}
	return mail.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: mode, User: mailtest.User,
		Password: mailtest.Password, RootCAs: srv.CA, Timeout: 10 * time.Second}
}

// senderConfig is a sender configuration with short retry delays.
func senderConfig(key *mail.PasswordKey) mail.SenderConfig {
	return mail.SenderConfig{Actor: "mail", From: testFrom, Key: key, MaxAttempts: 5,
		RetryBase: 20 * time.Millisecond, RetryMax: 80 * time.Millisecond,
		Links: mail.Links{Training: "https://formation.example.ma/",
			Upload: "https://depot.example.ma/"}}
}

// mustSend runs a sender to the end and fails the test on error.
func mustSend(tb testing.TB, db *localdb.DB, smtp mail.SMTPConfig,
	cfg mail.SenderConfig) mail.SendReport {
	tb.Helper()
	s, err := mail.NewSender(db, mustTemplates(tb), smtp, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	rep, err := s.Run(context.Background())
	if err != nil {
		tb.Fatalf("send: %v (report %+v)", err, rep)
	}
	return rep
}

// all returns every notification of the store, by ID.
func all(tb testing.TB, db *localdb.DB,
	status selection.NotificationStatus) map[int64]*selection.Notification {
	tb.Helper()
	out := map[int64]*selection.Notification{}
	filter := localdb.NotificationFilter{Status: status}
	for n, err := range db.Notifications(context.Background(), filter) {
		if err != nil {
			tb.Fatal(err)
		}
		out[n.ID] = n
	}
	return out
}

// parsed is a received message, parsed as a mail client would.
type parsed struct {
	Subject      string
	To           *netmail.Address
	Notification int64 // from the Message-ID
	Attempt      int
	Text, HTML   string
	ContentLang  string
}

// mustParse parses a received message with net/mail and mime/multipart.
func mustParse(tb testing.TB, data []byte) parsed {
	tb.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("read message: %v", err)
	}
	var p parsed
	dec := new(mime.WordDecoder)
	if p.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		tb.Fatalf("subject: %v", err)
	}
	if p.To, err = netmail.ParseAddress(msg.Header.Get("To")); err != nil {
		tb.Fatalf("To: %v", err)
	}
	p.ContentLang = msg.Header.Get("Content-Language")
	id := strings.Trim(msg.Header.Get("Message-Id"), "<>")
	fields := strings.Split(strings.SplitN(id, "@", 2)[0], ".")
	if len(fields) != 3 || fields[0] != "intiqa" {
		tb.Fatalf("Message-ID %q", id)
	}
	p.Notification, _ = strconv.ParseInt(fields[1], 10, 64)
	p.Attempt, _ = strconv.Atoi(fields[2])

	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		tb.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("part: %v", err)
		}
		body, err := io.ReadAll(part)
		if err != nil {
			tb.Fatalf("read part: %v", err)
		}
		ct, cparams, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if !strings.EqualFold(cparams["charset"], "utf-8") {
			tb.Errorf("part %s: charset %q", ct, cparams["charset"])
		}
		switch ct {
		case "text/plain":
			p.Text = string(body)
		case "text/html":
			p.HTML = string(body)
		default:
			tb.Errorf("unexpected part %s", ct)
		}
	}
	if p.Text == "" || p.HTML == "" {
		tb.Fatalf("message lacks a part: text %d bytes, HTML %d bytes", len(p.Text), len(p.HTML))
	}
	return p
}

// byNotification parses every received message, keyed by notification,
// and fails the test if one notification was received twice.
func byNotification(tb testing.TB, srv *mailtest.Server) map[int64]parsed {
	tb.Helper()
	out := map[int64]parsed{}
	for _, r := range srv.Received() {
		p := mustParse(tb, r.Data)
		if _, dup := out[p.Notification]; dup {
			tb.Errorf("notification %d received twice", p.Notification)
		}
		if len(r.To) != 1 || !strings.EqualFold(r.To[0], p.To.Address) {
			tb.Errorf("notification %d: envelope to %v, header to %s", p.Notification, r.To, p.To)
		}
		out[p.Notification] = p
	}
	return out
}
