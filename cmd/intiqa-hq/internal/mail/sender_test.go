package mail_test

import (
	"context"
	"database/sql"
	"errors"
	"html"
	"net"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"intiqa/cmd/intiqa-hq/internal/mail"
	"intiqa/cmd/intiqa-hq/internal/mail/mailtest"
	"intiqa/localdb"
	"intiqa/selection"

	_ "modernc.org/sqlite"
)

// TestSendEveryKind plans the fixture's notifications and sends them
// over STARTTLS to a real SMTP server: every kind arrives in French and
// in French and Arabic, addressed to its applicant, with both parts,
// the names in both scripts, and the HTML escaping what it shows.
func TestSendEveryKind(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	plan := mustPlan(t, db)
	for _, k := range selection.NotificationKinds {
		if plan.Added[k] == 0 {
			t.Fatalf("the fixture plans no %s notification", k)
		}
	}
	srv := mailtest.StartServer(t, mailtest.ServerOptions{})
	rep := mustSend(t, db, smtpConfig(srv, false), senderConfig(key))
	if rep.Sent != plan.Total || rep.Failed+rep.Unknown+rep.Retried != 0 {
		t.Fatalf("report %+v, want %d sent", rep, plan.Total)
	}

	got := byNotification(t, srv)
	sent := all(t, db, "")
	if len(got) != plan.Total || len(sent) != plan.Total {
		t.Fatalf("%d messages received, %d notifications, want %d", len(got), len(sent), plan.Total)
	}
	seen := map[selection.NotificationKind]map[selection.MailLanguage]bool{}
	for id, n := range sent {
		if n.Status != selection.NotificationSent || n.Attempts != 1 {
			t.Errorf("notification %d: %s after %d attempts", id, n.Status, n.Attempts)
		}
		checkMessage(t, db, key, n, got[id])
		if seen[n.Kind] == nil {
			seen[n.Kind] = map[selection.MailLanguage]bool{}
		}
		seen[n.Kind][n.Lang] = true
	}
	for _, k := range selection.NotificationKinds {
		if !seen[k][selection.MailFrench] || !seen[k][selection.MailBilingual] {
			t.Errorf("%s: sent in %v, want fr and fr+ar", k, seen[k])
		}
	}

	// Planning again adds nothing, and nothing is left to send.
	if again := mustPlan(t, db); again.Total != 0 {
		t.Errorf("planning again added %v", again.Added)
	}
	if rep := mustSend(t, db, smtpConfig(srv, false), senderConfig(key)); rep.Sent != 0 {
		t.Errorf("a second run sent %d messages", rep.Sent)
	}
	if _, err := db.VerifyAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// checkMessage checks one received message against its notification and
// the applicant's record.
func checkMessage(t *testing.T, db *localdb.DB, key *mail.PasswordKey,
	n *selection.Notification, p parsed) {
	t.Helper()
	a, err := db.Applicant(context.Background(), n.ApplicantID)
	if err != nil {
		t.Fatal(err)
	}
	what := string(n.Kind) + "/" + string(n.Lang) + " to " + a.ID
	if p.To.Address != a.Email || !strings.Contains(p.To.Name, a.LastName) {
		t.Errorf("%s: To %s", what, p.To)
	}
	if n.MessageID != "<"+strings.TrimPrefix(n.MessageID, "<") || p.Attempt != n.Attempts {
		t.Errorf("%s: Message-ID %s, attempt %d", what, n.MessageID, p.Attempt)
	}
	latin := a.FirstName + " " + a.LastName
	arabic := a.FirstNameAR + " " + a.LastNameAR
	bilingual := n.Lang == selection.MailBilingual
	for part, body := range map[string]string{"text": p.Text, "HTML": p.HTML} {
		if !strings.Contains(body, latin) || !strings.Contains(body, arabic) {
			t.Errorf("%s: the %s part lacks the name in Latin (%q) or Arabic (%q) script",
				what, part, latin, arabic)
		}
		if strings.Contains(body, "رقم ترشيحكم") != bilingual {
			t.Errorf("%s: Arabic text in the %s part: %v", what, part, !bilingual)
		}
		if !strings.Contains(body, "Votre numéro de candidature") {
			t.Errorf("%s: the %s part lacks the French text", what, part)
		}
		if strings.Contains(body, "<no value>") {
			t.Errorf("%s: the %s part has an empty field", what, part)
		}
	}
	if (p.ContentLang == "fr, ar") != (n.Lang == selection.MailBilingual) {
		t.Errorf("%s: Content-Language %q", what, p.ContentLang)
	}
	if n.Lang == selection.MailBilingual && (!strings.Contains(p.HTML, `<div lang="ar" dir="rtl"`) ||
		!strings.Contains(p.Subject, "الإحصاء") || !strings.Contains(p.Subject, "Recensement")) {
		t.Errorf("%s: bilingual message without an Arabic section or subject: %q", what, p.Subject)
	}
	checkKind(t, what, key, a, n, p)
}

// checkKind checks what each kind of message must say.
func checkKind(t *testing.T, what string, key *mail.PasswordKey, a *selection.Applicant,
	n *selection.Notification, p parsed) {
	t.Helper()
	want := map[selection.NotificationKind]string{
		selection.NotifyInvited: "formation à distance", selection.NotifyWaiting: "liste d'attente",
		selection.NotifyUploadDocuments:  "pièces",
		selection.NotifyTrainingReminder: "pas encore commencé",
		selection.NotifyDocumentRejected: "refusée", selection.NotifyConvocation: "convocation",
		selection.NotifySelected: "retenu", selection.NotifyFinalWaiting: "liste d'attente finale",
		selection.NotifyReplacement: "poste vous est proposé",
	}[n.Kind]
	if !strings.Contains(p.Subject, want) {
		t.Errorf("%s: subject %q lacks %q", what, p.Subject, want)
	}
	switch n.Kind {
	case selection.NotifyInvited:
		pw := key.Password(a.ID)
		if !strings.Contains(p.Text, pw) || !strings.Contains(p.HTML, pw) ||
			!strings.Contains(p.Text, a.Email) {
			t.Errorf("%s: the invitation lacks the account (%s)", what, a.Email)
		}
	case selection.NotifyConvocation:
		if !strings.Contains(p.Text, mailtest.Place) || !strings.Contains(p.Text, "11 h 30") {
			t.Errorf("%s: the text lacks the place or the time in Morocco:\n%s", what, p.Text)
		}
		if strings.Contains(p.HTML, mailtest.Place) ||
			!strings.Contains(p.HTML, html.EscapeString(mailtest.Place)) {
			t.Errorf("%s: the HTML does not escape the place %q", what, mailtest.Place)
		}
	case selection.NotifyDocumentRejected:
		if !strings.Contains(p.Text, "diplôme") || !strings.Contains(p.Text, "ne correspond pas") {
			t.Errorf("%s: the text lacks the document or the reason:\n%s", what, p.Text)
		}
		if n.Lang == selection.MailBilingual && !strings.Contains(p.Text, "لا تطابق ما صرحتم به") {
			t.Errorf("%s: the Arabic text lacks the reason", what)
		}
	}
}

// TestImplicitTLS sends over a connection that is TLS from the start.
func TestImplicitTLS(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	plan := mustPlan(t, db)
	srv := mailtest.StartServer(t, mailtest.ServerOptions{Implicit: true})
	if rep := mustSend(t, db, smtpConfig(srv, true), senderConfig(key)); rep.Sent != plan.Total {
		t.Fatalf("sent %d of %d", rep.Sent, plan.Total)
	}
	if n := len(byNotification(t, srv)); n != plan.Total {
		t.Fatalf("received %d of %d", n, plan.Total)
	}
}

// TestTemporaryFailuresRetried answers 451 to the first messages: they
// are tried again later and each message arrives once.
func TestTemporaryFailuresRetried(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	plan := mustPlan(t, db)
	srv := mailtest.StartServer(t, mailtest.ServerOptions{TempFailures: 3})
	cfg := senderConfig(key)
	type retry struct {
		n        *selection.Notification
		sent, at time.Time // when it was marked sending, then pending again
	}
	var retries []retry
	sending := map[int64]time.Time{}
	s, err := mail.NewSender(db, mustTemplates(t), smtpConfig(srv, false), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.OnChange = func(n *selection.Notification) {
		switch n.Status {
		case selection.NotificationSending:
			sending[n.ID] = time.Now()
		case selection.NotificationPending:
			retries = append(retries, retry{n, sending[n.ID], time.Now()})
		}
	}
	rep, err := s.Run(context.Background())
	if err != nil || rep.Sent != plan.Total || rep.Retried != 3 || rep.Failed != 0 {
		t.Fatalf("report %+v, %v; want %d sent, 3 retried", rep, err, plan.Total)
	}
	if got := byNotification(t, srv); len(got) != plan.Total || srv.DataCalls() != plan.Total+3 {
		t.Fatalf("received %d messages in %d tries, want %d in %d",
			len(got), srv.DataCalls(), plan.Total, plan.Total+3)
	}
	for _, x := range retries {
		// The delay is drawn between the send and the change: at least
		// half of RetryBase after the first, at most RetryMax after the
		// second.
		r := x.n
		if !strings.Contains(r.LastError, "451") || r.NextAttemptAt.Sub(x.sent) < cfg.RetryBase/2 ||
			r.NextAttemptAt.Sub(x.at) > cfg.RetryMax {
			t.Errorf("retry of %d: %q, next attempt %v after sending, %v after the change",
				r.ID, r.LastError, r.NextAttemptAt.Sub(x.sent), r.NextAttemptAt.Sub(x.at))
		}
		if n, err := db.Notification(context.Background(), r.ID); err != nil ||
			n.Status != selection.NotificationSent || n.Attempts < 2 {
			t.Errorf("retried notification %d: %+v, %v", r.ID, n, err)
		}
	}
}

// TestRetriesRunOut marks failed, with the reason, the messages that
// meet temporary failures on every attempt.
func TestRetriesRunOut(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	plan := mustPlan(t, db)
	srv := mailtest.StartServer(t, mailtest.ServerOptions{TempFailures: 1 << 20})
	cfg := senderConfig(key)
	cfg.MaxAttempts = 3
	rep := mustSend(t, db, smtpConfig(srv, false), cfg)
	if rep.Failed != plan.Total || rep.Sent != 0 || srv.DataCalls() != 3*plan.Total {
		t.Fatalf("report %+v after %d tries, want %d failed after 3 tries each",
			rep, srv.DataCalls(), plan.Total)
	}
	for id, n := range all(t, db, "") {
		if n.Status != selection.NotificationFailed || n.Attempts != 3 ||
			!strings.HasPrefix(n.LastError, "abandonné après 3 tentatives : refus temporaire") {
			t.Errorf("notification %d: %s, %d attempts, %q", id, n.Status, n.Attempts, n.LastError)
		}
	}
}

// TestInvalidAddresses records as failed, with the reason, the
// notifications whose address is malformed or missing, and the one the
// server refuses for good; the others are sent.
func TestInvalidAddresses(t *testing.T) {
	fx := mailtest.MustStore(t)
	raw := mustRaw(t, fx.Path)
	bad := map[string]string{
		fx.French[0]:    "sans-arobase.example.ma",
		fx.NotFrench[0]: "",
		fx.French[1]:    "point..double@example.ma",
	}
	for id, email := range bad {
		if _, err := raw.Exec(`UPDATE applicants SET email = ? WHERE id = ?`, email, id); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	db := mailtest.Open(t, fx.Path)
	refused, err := db.Applicant(context.Background(), fx.NotFrench[1])
	if err != nil {
		t.Fatal(err)
	}
	key, _ := mustKey(t)
	plan := mustPlan(t, db)
	srv := mailtest.StartServer(t, mailtest.ServerOptions{RejectRcpt: func(to string) *smtp.SMTPError {
		if to == refused.Email {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
				Message: "mailbox unavailable"}
		}
		return nil
	}})
	rep := mustSend(t, db, smtpConfig(srv, false), senderConfig(key))

	failed := all(t, db, selection.NotificationFailed)
	wantReason := map[string]string{
		fx.French[0]:    "adresse électronique invalide",
		fx.NotFrench[0]: "adresse électronique absente",
		fx.French[1]:    "adresse électronique invalide",
		fx.NotFrench[1]: "refusé par le serveur SMTP : sending SMTP RCPT TO command: 550",
	}
	perApplicant := map[string]int{}
	for id, n := range failed {
		want, ok := wantReason[n.ApplicantID]
		if !ok || !strings.HasPrefix(n.LastError, want) || n.Attempts > 1 {
			t.Errorf("notification %d of %s failed: %q after %d attempts", id, n.ApplicantID,
				n.LastError, n.Attempts)
		}
		if a, _ := db.Applicant(context.Background(), n.ApplicantID); a.Email != "" &&
			strings.Contains(n.LastError, a.Email) {
			t.Errorf("notification %d: the reason shows the address: %q", id, n.LastError)
		}
		perApplicant[n.ApplicantID]++
	}
	for id := range wantReason {
		if perApplicant[id] == 0 {
			t.Errorf("no failed notification of %s", id)
		}
	}
	if rep.Failed != len(failed) || rep.Sent != plan.Total-len(failed) ||
		len(srv.Received()) != rep.Sent {
		t.Errorf("report %+v, %d failed, %d received, %d planned", rep, len(failed),
			len(srv.Received()), plan.Total)
	}
}

// TestServerRefusesCredentials stops the run, sending nothing and
// leaving every notification pending.
func TestServerRefusesCredentials(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	plan := mustPlan(t, db)
	srv := mailtest.StartServer(t, mailtest.ServerOptions{})
	cfg := smtpConfig(srv, false)
	cfg.Password = "wrong"
	// A failure taken for a temporary one would wait minutes, past the
	// context's end.
	slow := senderConfig(key)
	slow.RetryBase, slow.RetryMax = 10*time.Minute, 10*time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := mail.NewSender(db, mustTemplates(t), cfg, slow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(ctx); err == nil || !strings.Contains(err.Error(), "535") {
		t.Fatalf("run with wrong credentials: %v", err)
	}
	if n := len(all(t, db, selection.NotificationPending)); n != plan.Total {
		t.Fatalf("%d of %d notifications still pending", n, plan.Total)
	}
	// An untrusted certificate stops it too.
	cfg = smtpConfig(srv, false)
	cfg.RootCAs = nil
	s, _ = mail.NewSender(db, mustTemplates(t), cfg, slow)
	if _, err := s.Run(ctx); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("run with an untrusted certificate: %v", err)
	}
	if len(srv.Received()) != 0 {
		t.Fatal("a message was sent")
	}
}

// TestInvitationNeedsTheKey stops before sending an invitation without
// the password key.
func TestInvitationNeedsTheKey(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	mustPlan(t, db)
	srv := mailtest.StartServer(t, mailtest.ServerOptions{})
	s, err := mail.NewSender(db, mustTemplates(t), smtpConfig(srv, false), senderConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(context.Background()); !errors.Is(err, mail.ErrKeyMissing) {
		t.Fatalf("got %v, want ErrKeyMissing", err)
	}
	if len(all(t, db, selection.NotificationSending)) != 0 {
		t.Fatal("a notification was left sending")
	}
}

func TestCleartextOnlyOnLoopback(t *testing.T) {
	db := mailtest.Open(t, mailtest.MustStore(t).Path)
	cfg := mail.SMTPConfig{Host: "smtp.example.ma", TLS: mail.TLSNone}
	_, err := mail.NewSender(db, mustTemplates(t), cfg, senderConfig(nil))
	if !errors.Is(err, mail.ErrCleartext) {
		t.Fatalf("clear text to a remote server: %v", err)
	}
	cfg.Host = "127.0.0.1"
	if _, err := mail.NewSender(db, mustTemplates(t), cfg, senderConfig(nil)); err != nil {
		t.Fatalf("clear text on loopback: %v", err)
	}
}

// mustRaw opens a store's file with plain SQL, as a damaged import or a
// hand edit would change it.
func mustRaw(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// TestPasswordNeverStored checks that no password reaches the store.
func TestPasswordNeverStored(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	mustPlan(t, db)
	srv := mailtest.StartServer(t, mailtest.ServerOptions{})
	mustSend(t, db, smtpConfig(srv, false), senderConfig(key))
	db.Close()
	var store []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(fx.Path + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		store = append(store, b...)
	}
	ids := slices.Concat(fx.French[:], fx.NotFrench[:])
	for _, id := range ids {
		if pw := key.Password(id); strings.Contains(string(store), pw) {
			t.Fatalf("the store holds the password of %s", id)
		}
	}
}

// TestServerUnreachable tries to connect a few times, with backoff, then
// stops, leaving every notification pending.
func TestServerUnreachable(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	plan := mustPlan(t, db)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	cfg := senderConfig(key)
	cfg.ConnectAttempts = 3
	s, err := mail.NewSender(db, mustTemplates(t), mail.SMTPConfig{Host: "127.0.0.1", Port: port,
		TLS: mail.TLSStartTLS}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("run against a closed port: %v", err)
	}
	if waited := time.Since(start); waited < cfg.RetryBase/2 {
		t.Errorf("gave up after %v, without waiting between attempts", waited)
	}
	if n := len(all(t, db, selection.NotificationPending)); n != plan.Total {
		t.Fatalf("%d of %d notifications still pending", n, plan.Total)
	}
}

// TestRateLimit sends no faster than the rate: n messages at r per
// second take at least (n-1)/r seconds.
func TestRateLimit(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	plan := mustPlan(t, db)
	srv := mailtest.StartServer(t, mailtest.ServerOptions{})
	cfg := senderConfig(key)
	cfg.Rate = 100
	start := time.Now()
	rep := mustSend(t, db, smtpConfig(srv, false), cfg)
	took := time.Since(start)
	if min := time.Duration(plan.Total-1) * time.Second / 100; rep.Sent != plan.Total || took < min {
		t.Fatalf("sent %d of %d in %v, at 100 per second: at least %v", rep.Sent, plan.Total, took, min)
	}
}

// TestIdleConnectionChecked paces messages slower than the server keeps
// idle connections: each message finds its connection checked and
// reopened, and goes at the first attempt.
func TestIdleConnectionChecked(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	plan, err := db.PlanNotifications(context.Background(), "hq",
		selection.PlanOptions{Kinds: []selection.NotificationKind{selection.NotifyConvocation,
			selection.NotifyDocumentRejected, selection.NotifyReplacement}})
	if err != nil {
		t.Fatal(err)
	}
	srv := mailtest.StartServer(t, mailtest.ServerOptions{IdleTimeout: 150 * time.Millisecond})
	smtp := smtpConfig(srv, false)
	smtp.IdleCheck = 50 * time.Millisecond
	cfg := senderConfig(key)
	cfg.Rate = 3 // 333 ms between messages: the server drops the connection meanwhile
	rep := mustSend(t, db, smtp, cfg)
	if rep.Sent != plan.Total || rep.Retried != 0 {
		t.Fatalf("report %+v, want %d sent at the first attempt", rep, plan.Total)
	}
	for id, n := range all(t, db, selection.NotificationSent) {
		if n.Attempts != 1 {
			t.Errorf("notification %d took %d attempts", id, n.Attempts)
		}
	}
}

// TestNoAnswerToTheData has the server keep silent after a message's
// data, past the sender's timeout: the message may have been accepted,
// so the notification is left unknown, never resent; the others go.
func TestNoAnswerToTheData(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	plan := mustPlan(t, db)
	var calls atomic.Int32
	srv := mailtest.StartServer(t, mailtest.ServerOptions{OnData: func() {
		if calls.Add(1) == 1 {
			time.Sleep(1500 * time.Millisecond)
		}
	}})
	smtp := smtpConfig(srv, false)
	smtp.Timeout = 500 * time.Millisecond
	rep := mustSend(t, db, smtp, senderConfig(key))
	if rep.Unknown != 1 || rep.Sent != plan.Total-1 || rep.Retried != 0 {
		t.Fatalf("report %+v; want 1 unknown, %d sent", rep, plan.Total-1)
	}
	unknown := all(t, db, selection.NotificationUnknown)
	for id, n := range unknown {
		if !strings.HasPrefix(n.LastError, "connexion perdue à la fin de l'envoi") {
			t.Errorf("notification %d: %q", id, n.LastError)
		}
	}
	waitReceived(t, srv, plan.Total) // the silent server did accept it
	if got := byNotification(t, srv); len(got) != plan.Total {
		t.Fatalf("%d notifications received, want each of %d once", len(got), plan.Total)
	}
}
