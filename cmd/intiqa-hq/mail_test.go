package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"intiqa/cmd/intiqa-hq/internal/mail"
	"intiqa/cmd/intiqa-hq/internal/mail/mailtest"
	"intiqa/localdb"
	"intiqa/reports/xlsx"
	"intiqa/selection"
)

// mustRunOK runs intiqa-hq and fails the test unless it exits 0; it
// returns stdout.
func mustRunOK(tb testing.TB, args ...string) string {
	tb.Helper()
	code, out, errOut := MustRun(tb, args...)
	if code != 0 {
		tb.Fatalf("intiqa-hq %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// addedTotal reads the total of a "mail plan" summary.
func addedTotal(tb testing.TB, out string) int {
	tb.Helper()
	m := regexp.MustCompile(`notifications ajoutées : (\d+)`).FindStringSubmatch(out)
	if m == nil {
		tb.Fatalf("no total in %q", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestPublishRunThenPlan runs a pre-selection into a store: nothing is
// planned before it is published; once it is, its notices are, and
// planning again adds nothing.
func TestPublishRunThenPlan(t *testing.T) {
	dir := mustGen(t)
	db := MustEmptyStore(t)
	MustImport(t, db, "applicants", filepath.Join(dir, "applicants.xlsx"))
	MustImport(t, db, "needs", filepath.Join(dir, "needs.xlsx"))
	result := filepath.Join(dir, "preselection.xlsx")
	mustPreselect(t, "--db", db, "--seed", "2024", "--out", result)
	run, outcomes := mustResult(t, result)
	invited := 0
	for _, o := range outcomes {
		if o.Status == selection.StatusInvited {
			invited++
		}
	}

	if n := addedTotal(t, mustRunOK(t, "mail", "plan", "--db", db)); n != 0 {
		t.Fatalf("%d notifications planned before the run is published", n)
	}
	out := mustRunOK(t, "publish-run", "--db", db, "--run", run.ID)
	if !strings.Contains(out, run.ID) {
		t.Errorf("publish-run: %q", out)
	}
	mustRunOK(t, "publish-run", "--db", db, "--run", run.ID) // again: no change
	out = mustRunOK(t, "mail", "plan", "--db", db)
	if n := addedTotal(t, out); n < 2*invited || !strings.Contains(out, "upload_documents") {
		t.Fatalf("plan after publishing, with %d invited:\n%s", invited, out)
	}
	before := MustAuditCount(t, db)
	if n := addedTotal(t, mustRunOK(t, "mail", "plan", "--db", db)); n != 0 {
		t.Fatalf("planning again added %d", n)
	}
	if MustAuditCount(t, db) != before {
		t.Fatal("planning again wrote to the audit log")
	}
	status := mustRunOK(t, "mail", "status", "--db", db)
	if !regexp.MustCompile(`invited\s+` + strconv.Itoa(invited) + `\s+0\s+0`).MatchString(status) {
		t.Errorf("status lacks %d pending invitations:\n%s", invited, status)
	}

	// A second pre-selection cannot be published.
	mustPreselect(t, "--db", db, "--seed", "other", "--out", result)
	other, _ := mustResult(t, result)
	code, _, errOut := MustRun(t, "publish-run", "--db", db, "--run", other.ID)
	if code != 1 || !strings.Contains(errOut, "deux résultats") {
		t.Errorf("publishing a second run: exit %d, %s", code, errOut)
	}
}

// TestMailSendCommand plans and sends the fixture's notifications with
// the commands: a dry run changes nothing, the send delivers each
// message once over STARTTLS with the SMTP settings from flags, a file
// and the environment, and the operator's commands settle an unknown
// notification.
func TestMailSendCommand(t *testing.T) {
	fx := mailtest.MustStore(t)
	dir := t.TempDir()
	key := filepath.Join(dir, "mail.key")
	mustRunOK(t, "mail", "keygen", "--key", key)
	if code, _, errOut := MustRun(t, "mail", "keygen", "--key", key); code != 1 ||
		!strings.Contains(errOut, "existe déjà") {
		t.Fatalf("a second keygen: exit %d, %s", code, errOut)
	}
	planned := addedTotal(t, mustRunOK(t, "mail", "plan", "--db", fx.Path,
		"--training-reminder", "2024-04-01"))

	// The dry run renders everything and changes nothing.
	before := MustAuditCount(t, fx.Path)
	out := mustRunOK(t, "mail", "send", "--db", fx.Path, "--dry-run")
	if !strings.Contains(out, strconv.Itoa(planned)+" notifications en attente") ||
		!strings.Contains(out, "demandent la clé") {
		t.Fatalf("dry run:\n%s", out)
	}
	if MustAuditCount(t, fx.Path) != before {
		t.Fatal("the dry run changed the store")
	}

	srv := mailtest.StartServer(t, mailtest.ServerOptions{})
	ca, pw := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "smtp.password")
	mustWrite(t, ca, srv.CAPEM)
	mustWrite(t, pw, []byte(mailtest.Password+"\n"))
	t.Setenv(envSMTPUser, mailtest.User)
	t.Setenv(envMailKey, key)
	out = mustRunOK(t, "mail", "send", "--db", fx.Path, "--smtp-host", srv.Host,
		"--smtp-port", strconv.Itoa(srv.Port), "--smtp-tls", "starttls", "--smtp-ca", ca,
		"--smtp-password-file", pw, "--from", "Recrutement <recrutement@example.ma>",
		"--rate", "1000")
	if !strings.Contains(out, "envoyés "+strconv.Itoa(planned)+", échoués 0") ||
		len(srv.Received()) != planned {
		t.Fatalf("send: %d received of %d\n%s", len(srv.Received()), planned, out)
	}

	// An unknown notification is listed, then settled by the operator.
	db := mailtest.Open(t, fx.Path)
	_, err := db.ChangeNotification(context.Background(), "test", selection.NotificationChange{
		ID: 1, From: []selection.NotificationStatus{selection.NotificationSent},
		To: selection.NotificationUnknown, Error: mail.InterruptedReason})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	out = mustRunOK(t, "mail", "status", "--db", fx.Path, "--list", "unknown")
	listed := regexp.MustCompile(`(?m)^1\t\w+\tA\d+\t1 tentative\(s\)\t` +
		`<intiqa\.1\.1@example\.ma>\t`)
	if !listed.MatchString(out) {
		t.Fatalf("status --list unknown:\n%s", out)
	}
	mustRunOK(t, "mail", "mark-sent", "--db", fx.Path, "--id", "1")
	code, _, errOut := MustRun(t, "mail", "requeue", "--db", fx.Path, "--id", "1")
	if code != 1 || !strings.Contains(errOut, "rien n'est changé") {
		t.Fatalf("requeue of a sent notification: exit %d, %s", code, errOut)
	}
}

func mustWrite(tb testing.TB, path string, data []byte) {
	tb.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// TestTrainingAccounts writes the hand-off file of the fixture's invited
// applicants and reads it back with openpyxl: the contract's columns,
// one row per invited applicant, the e-mail as username, and a hash that
// verifies the password the invitation carries.
func TestTrainingAccounts(t *testing.T) {
	fx := mailtest.MustStore(t)
	dir := t.TempDir()
	keyPath, out := filepath.Join(dir, "mail.key"), filepath.Join(dir, "training_accounts.xlsx")
	mustRunOK(t, "mail", "keygen", "--key", keyPath)
	msg := mustRunOK(t, "training-accounts", "--db", fx.Path, "--key", keyPath, "--out", out,
		"--argon2-memory", "1024", "--argon2-time", "1")
	if !strings.Contains(msg, mailtest.RunID) {
		t.Errorf("summary: %q", msg)
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the file is not private: %v, %v", info.Mode(), err)
	}
	rows := mustOpenpyxlRows(t, out, xlsx.TrainingAccountsSheet)
	if !reflect.DeepEqual(rows[0], xlsx.TrainingAccountColumns) {
		t.Fatalf("header %v", rows[0])
	}

	db := mailtest.Open(t, fx.Path)
	key, err := mail.LoadKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	invited := db.RunApplicants(context.Background(), mailtest.RunID, selection.StatusInvited)
	for ao, err := range invited {
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, ao.Applicant.ID)
	}
	if len(rows)-1 != len(want) || len(want) == 0 {
		t.Fatalf("%d rows, %d invited", len(rows)-1, len(want))
	}
	for i, r := range rows[1:] {
		a, err := db.Applicant(context.Background(), r[0])
		if err != nil || r[0] != want[i] || r[1] != a.Email || r[5] != a.FirstNameAR ||
			r[7] != selection.ProvinceOfCommune(r[6]) {
			t.Errorf("row %d: %v (%v)", i+2, r, err)
			continue
		}
		if ok, err := mail.VerifyPassword(r[8], key.Password(a.ID)); !ok || err != nil {
			t.Errorf("row %d: the hash does not verify the invitation's password (%v)", i+2, err)
		}
	}

	// Without a published run, or with an exposed key, nothing is written.
	if err := os.Chmod(keyPath, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := MustRun(t, "training-accounts", "--db", fx.Path, "--key", keyPath,
		"--out", filepath.Join(dir, "x.xlsx"))
	if code != 1 || !strings.Contains(errOut, "chmod 600") {
		t.Errorf("an exposed key: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.xlsx")); !os.IsNotExist(err) {
		t.Error("a file was written")
	}
}

// mustOpenpyxlRows reads a sheet's rows as text with openpyxl in
// read-only mode (which trusts the sheet's dimension).
func mustOpenpyxlRows(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	python := "/usr/bin/python3"
	if exec.Command(python, "-c", "import openpyxl").Run() != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("openpyxl is required in CI (scripts/setup.sh installs python3-openpyxl)")
		}
		t.Skip("openpyxl not installed")
	}
	script := `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = wb[sys.argv[2]].iter_rows(values_only=True)
print(json.dumps([[("" if v is None else str(v)) for v in r] for r in rows]))
`
	out, err := exec.Command(python, "-c", script, path, sheet).Output()
	if err != nil {
		t.Fatalf("openpyxl: %v", err)
	}
	var rows [][]string
	if err := json.Unmarshal(out, &rows); err != nil || len(rows) == 0 {
		t.Fatalf("openpyxl output %q: %v", out, err)
	}
	return rows
}

// TestMailUsage checks the commands' refusals.
func TestMailUsage(t *testing.T) {
	db := MustEmptyStore(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"mail"}, 2, "sous-commande attendue"},
		{[]string{"mail", "bogus"}, 2, "sous-commande inconnue"},
		{[]string{"mail", "plan"}, 2, "--db est obligatoire"},
		{[]string{"mail", "plan", "--db", filepath.Join(t.TempDir(), "none.db")}, 1, "introuvable"},
		{[]string{"mail", "status", "--db", db, "--list", "lost"}, 2, "lost"},
		{[]string{"mail", "requeue", "--db", db, "--id", "x"}, 2, "n'est pas un numéro"},
		{[]string{"mail", "send", "--db", db}, 2, "--smtp-host"},
		{[]string{"mail", "send", "--db", db, "--smtp-host", "smtp.example.ma",
			"--smtp-tls", "none", "--from", "a@b.ma"}, 1, "loopback"},
		{[]string{"mail", "preview", "--kind", "spam"}, 2, "spam"},
		{[]string{"mail", "preview", "--id", "3"}, 2, "--db et --id"},
		{[]string{"mail", "keygen"}, 2, "--key"},
		{[]string{"publish-run", "--db", db}, 2, "--run"},
		{[]string{"publish-run", "--db", db, "--run", "nope"}, 1, "introuvable"},
		{[]string{"training-accounts", "--db", db, "--out", "x.xlsx"}, 2, "--key"},
	}
	t.Setenv(envMailKey, "")
	for _, tt := range tests {
		code, _, errOut := MustRun(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %q; want %d, %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// TestMailPreview renders a sample of every kind in both languages to
// files, and a stored notification to stdout.
func TestMailPreview(t *testing.T) {
	dir := t.TempDir()
	mustRunOK(t, "mail", "preview", "--out", dir)
	for _, k := range selection.NotificationKinds {
		for _, l := range []string{"fr", "ar"} {
			for _, ext := range []string{".txt", ".html"} {
				b, err := os.ReadFile(filepath.Join(dir, string(k)+"."+l+ext))
				if err != nil || len(b) < 200 {
					t.Errorf("%s.%s%s: %d bytes, %v", k, l, ext, len(b), err)
				}
			}
		}
	}
	fx := mailtest.MustStore(t)
	mustRunOK(t, "mail", "plan", "--db", fx.Path)
	db := mailtest.Open(t, fx.Path)
	var conv *selection.Notification
	for n, err := range db.Notifications(context.Background(),
		localdb.NotificationFilter{Kind: selection.NotifyConvocation, Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		conv = n
	}
	db.Close()
	out := mustRunOK(t, "mail", "preview", "--db", fx.Path, "--id", strconv.FormatInt(conv.ID, 10))
	if !strings.Contains(out, "Objet : Recensement : convocation") ||
		!strings.Contains(out, "Salle &lt;b&gt;1&lt;/b&gt;") || !strings.Contains(out, mailtest.Place) {
		t.Errorf("preview of notification %d:\n%s", conv.ID, out)
	}
}

// TestMailSendWatch keeps planning and sending: a convocation recorded
// while it runs is sent at the next period, and stopping it (as a
// signal does) ends it cleanly.
func TestMailSendWatch(t *testing.T) {
	fx := mailtest.MustStore(t)
	dir := t.TempDir()
	key, ca := filepath.Join(dir, "mail.key"), filepath.Join(dir, "ca.pem")
	mustRunOK(t, "mail", "keygen", "--key", key)
	srv := mailtest.StartServer(t, mailtest.ServerOptions{})
	mustWrite(t, ca, srv.CAPEM)
	t.Setenv(envSMTPPassword, mailtest.Password)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var out strings.Builder
	go func() {
		e := &env{stdout: &out, stderr: io.Discard, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		done <- run(ctx, e, []string{"mail", "send", "--db", fx.Path, "--key", key,
			"--smtp-host", srv.Host, "--smtp-port", strconv.Itoa(srv.Port), "--smtp-ca", ca,
			"--smtp-user", mailtest.User, "--from", "recrutement@example.ma", "--rate", "0",
			"--watch", "50ms"})
	}()
	wait := func(n int) {
		deadline := time.Now().Add(60 * time.Second)
		for len(srv.Received()) < n {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("%d messages received, want %d", len(srv.Received()), n)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	wait(1)
	db := mailtest.Open(t, fx.Path)
	c, err := db.NotificationCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wait(c.Total)

	// A decision arrives: the next period plans and sends it.
	err = db.PutConvocation(context.Background(), "sup", &selection.Convocation{SessionID: "S1",
		ApplicantID: fx.French[2], Slot: mailtest.Slot, Role: selection.RoleEnumerator})
	if err != nil {
		t.Fatal(err)
	}
	wait(c.Total + 1)
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the watch did not stop")
	}
	if n := len(srv.Received()); n != c.Total+1 {
		t.Fatalf("%d messages received, want %d", n, c.Total+1)
	}
}
