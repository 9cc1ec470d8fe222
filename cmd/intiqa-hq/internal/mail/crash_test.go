package mail_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"intiqa/cmd/intiqa-hq/internal/mail"
	"intiqa/cmd/intiqa-hq/internal/mail/mailtest"
	"intiqa/localdb"
	"intiqa/selection"
)

// childEnv names the environment variable that makes the test binary a
// sender child process; the others carry its settings.
const (
	childEnv      = "INTIQA_MAILTEST_CHILD"
	childDB       = "INTIQA_MAILTEST_DB"
	childPort     = "INTIQA_MAILTEST_PORT"
	childCA       = "INTIQA_MAILTEST_CA"
	childKey      = "INTIQA_MAILTEST_KEY"
	childKillAt   = "INTIQA_MAILTEST_KILL_AT_RENDER"
	childExitCode = 3
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		if err := runChild(); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(childExitCode)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChild sends a store's outbox as `intiqa-hq mail send` would; with
// INTIQA_MAILTEST_KILL_AT_RENDER=N it kills itself (SIGKILL) once the
// N-th message is rendered, before its notification is marked sending.
func runChild() error {
	ctx := context.Background()
	db, err := localdb.Open(ctx, os.Getenv(childDB), localdb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	key, err := mail.LoadKey(os.Getenv(childKey))
	if err != nil {
		return err
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		return err
	}
	caPEM, err := os.ReadFile(os.Getenv(childCA))
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	port, _ := strconv.Atoi(os.Getenv(childPort))
	smtp := mail.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: mail.TLSStartTLS,
		User: mailtest.User, Password: mailtest.Password, RootCAs: pool}
	s, err := mail.NewSender(db, tmpl, smtp, senderConfig(key))
	if err != nil {
		return err
	}
	killAt, _ := strconv.Atoi(os.Getenv(childKillAt))
	rendered := 0
	mail.SetRenderedHook(s, func(*selection.Notification) {
		if rendered++; rendered == killAt {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal ends the process
		}
	})
	_, err = s.Run(ctx)
	return err
}

// startChild starts a sender child process on the fixture store.
func startChild(t *testing.T, fx mailtest.Fixture, srv *mailtest.Server, keyPath string,
	killAt int) *exec.Cmd {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, srv.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", childDB+"="+fx.Path,
		childPort+"="+strconv.Itoa(srv.Port), childCA+"="+ca, childKey+"="+keyPath,
		childKillAt+"="+strconv.Itoa(killAt))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// wasKilled reports whether a finished child died of SIGKILL.
func wasKilled(err error) bool {
	ee, ok := err.(*exec.ExitError)
	if !ok {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// countByStatus counts a store's notifications by status.
func countByStatus(t *testing.T, db *localdb.DB) map[selection.NotificationStatus]int {
	t.Helper()
	c, err := db.NotificationCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c.ByStatus
}

// TestKilledAfterRendering kills a sender once its fifth message is
// rendered, before it is marked sending: the four sent stay sent, the
// fifth stays pending, and the next run sends every other message once.
func TestKilledAfterRendering(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, keyPath := mustKey(t)
	plan := mustPlan(t, db)
	srv := mailtest.StartServer(t, mailtest.ServerOptions{})

	child := startChild(t, fx, srv, keyPath, 5)
	if err := child.Wait(); !wasKilled(err) {
		t.Fatalf("the child was to kill itself at the fifth render: %v", err)
	}
	c := countByStatus(t, db)
	if c[selection.NotificationSent] != 4 || c[selection.NotificationPending] != plan.Total-4 ||
		len(srv.Received()) != 4 {
		t.Fatalf("after the crash: %v, %d received; want 4 sent, %d pending", c,
			len(srv.Received()), plan.Total-4)
	}

	rep := mustSend(t, db, smtpConfig(srv, false), senderConfig(key))
	if rep.Sent != plan.Total-4 || len(rep.Interrupted) != 0 {
		t.Fatalf("the next run: %+v, want %d sent and none interrupted", rep, plan.Total-4)
	}
	if got := byNotification(t, srv); len(got) != plan.Total {
		t.Fatalf("%d notifications received, want each of %d once", len(got), plan.Total)
	}
	if c := countByStatus(t, db); c[selection.NotificationSent] != plan.Total {
		t.Fatalf("at the end: %v", c)
	}
}

// TestKilledDuringSend kills a sender once the server has read its
// third message and before it answers: the server then accepts the
// message, but the sender never knew. At the next start the notification
// becomes unknown and is not sent again; the operator finds its
// Message-ID in the server's log and marks it sent.
func TestKilledDuringSend(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, keyPath := mustKey(t)
	plan := mustPlan(t, db)
	inData, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	srv := mailtest.StartServer(t, mailtest.ServerOptions{OnData: func() {
		if calls.Add(1) == 3 {
			close(inData)
			<-release
		}
	}})

	child := startChild(t, fx, srv, keyPath, 0)
	select {
	case <-inData:
	case <-time.After(60 * time.Second):
		child.Process.Kill()
		t.Fatal("the child never sent a third message")
	}
	child.Process.Kill()
	if err := child.Wait(); !wasKilled(err) {
		t.Fatalf("child: %v", err)
	}
	sending := all(t, db, selection.NotificationSending)
	if len(sending) != 1 || len(srv.Received()) != 2 {
		t.Fatalf("after the kill: %d sending, %d received; want 1 and 2", len(sending),
			len(srv.Received()))
	}
	var stuck int64
	for id := range sending {
		stuck = id
	}
	close(release) // the server accepts the message of the dead sender
	waitReceived(t, srv, 3)

	// The next run marks it unknown and sends the others, not it.
	rep := mustSend(t, db, smtpConfig(srv, false), senderConfig(key))
	if len(rep.Interrupted) != 1 || rep.Interrupted[0] != stuck || rep.Sent != plan.Total-3 {
		t.Fatalf("the next run: %+v; want %d interrupted, %d sent", rep, stuck, plan.Total-3)
	}
	n, err := db.Notification(context.Background(), stuck)
	if err != nil || n.Status != selection.NotificationUnknown ||
		n.LastError != mail.InterruptedReason {
		t.Fatalf("interrupted notification: %+v, %v", n, err)
	}
	got := byNotification(t, srv)
	if len(got) != plan.Total || got[stuck].Attempt != 1 {
		t.Fatalf("%d notifications received of %d; the interrupted one as attempt %d",
			len(got), plan.Total, got[stuck].Attempt)
	}
	if rep := mustSend(t, db, smtpConfig(srv, false), senderConfig(key)); rep.Sent != 0 {
		t.Fatalf("a run without the operator sent %d", rep.Sent)
	}

	// The server's log has its Message-ID: the operator marks it sent.
	if n.MessageID != fmt.Sprintf("<intiqa.%d.1@recensement.example.ma>", stuck) {
		t.Fatalf("Message-ID %s", n.MessageID)
	}
	_, err = db.ChangeNotification(context.Background(), "operator", selection.NotificationChange{
		ID: stuck, From: []selection.NotificationStatus{selection.NotificationUnknown},
		To: selection.NotificationSent})
	if err != nil {
		t.Fatal(err)
	}
	if c := countByStatus(t, db); c[selection.NotificationSent] != plan.Total {
		t.Fatalf("at the end: %v", c)
	}
}

// TestRequeuedAfterAnInterruptedSend requeues an unknown notification
// whose message the server never got: it is sent once, as a second
// attempt.
func TestRequeuedAfterAnInterruptedSend(t *testing.T) {
	fx := mailtest.MustStore(t)
	db := mailtest.Open(t, fx.Path)
	key, _ := mustKey(t)
	plan := mustPlan(t, db)
	next, _, err := db.NextNotification(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// A sender marked it sending, then died before the server had it.
	_, err = db.ChangeNotification(context.Background(), "mail", selection.NotificationChange{
		ID: next.ID, From: []selection.NotificationStatus{selection.NotificationPending},
		To: selection.NotificationSending, CountAttempt: true, MessageID: "<x>"})
	if err != nil {
		t.Fatal(err)
	}
	srv := mailtest.StartServer(t, mailtest.ServerOptions{})
	if rep := mustSend(t, db, smtpConfig(srv, false), senderConfig(key)); rep.Sent != plan.Total-1 ||
		len(rep.Interrupted) != 1 {
		t.Fatalf("first run: %+v", rep)
	}
	_, err = db.ChangeNotification(context.Background(), "operator", selection.NotificationChange{
		ID: next.ID, From: []selection.NotificationStatus{selection.NotificationUnknown},
		To: selection.NotificationPending})
	if err != nil {
		t.Fatal(err)
	}
	if rep := mustSend(t, db, smtpConfig(srv, false), senderConfig(key)); rep.Sent != 1 {
		t.Fatalf("after the requeue: %+v", rep)
	}
	if got := byNotification(t, srv); len(got) != plan.Total || got[next.ID].Attempt != 2 {
		t.Fatalf("%d received; the requeued one as attempt %d", len(got), got[next.ID].Attempt)
	}
}

// waitReceived waits until the server has accepted n messages.
func waitReceived(t *testing.T, srv *mailtest.Server, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for len(srv.Received()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the server accepted %d messages, want %d", len(srv.Received()), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
