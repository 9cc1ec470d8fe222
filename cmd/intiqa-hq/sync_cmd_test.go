package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

// tokenRe finds a printed enrollment token.
var tokenRe = regexp.MustCompile(`iqt1\.[0-9a-f]{12}\.[A-Za-z0-9_-]+`)

// MustTokenCreate issues a token with the command and returns it.
func MustTokenCreate(tb testing.TB, db, province, role string) string {
	tb.Helper()
	code, out, errOut := MustRun(tb, "token", "create", "--db", db, "--province", province,
		"--role", role)
	token := tokenRe.FindString(out)
	if code != 0 || token == "" {
		tb.Fatalf("token create: exit %d\n%s%s", code, out, errOut)
	}
	return token
}

func TestTokenCommands(t *testing.T) {
	db := MustEmptyStore(t)
	token := MustTokenCreate(t, db, "09.163", "supervisor")
	id := localdb.TokenID(token)
	code, out, _ := MustRun(t, "token", "list", "--db", db)
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "valide") ||
		!strings.Contains(out, "sans clé") || strings.Contains(out, token) {
		t.Errorf("token list: exit %d\n%s", code, out)
	}
	// Once the laptop registered its key, the list shows its fingerprint.
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := localdb.Open(context.Background(), db, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = store.RegisterKey(context.Background(), "test", id, pub)
	if cerr := store.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	code, out, _ = MustRun(t, "token", "list", "--db", db)
	if fp := localdb.KeyFingerprint(pub); code != 0 || !strings.Contains(out, "clé "+fp) ||
		strings.Contains(out, "sans clé") {
		t.Errorf("token list after the key's registration: exit %d\n%s, want key %s", code,
			out, fp)
	}
	if code, out, _ := MustRun(t, "token", "revoke", "--db", db, id); code != 0 {
		t.Errorf("token revoke: exit %d\n%s", code, out)
	}
	if code, out, _ := MustRun(t, "token", "list", "--db", db); code != 0 || !strings.Contains(out, "révoqué") {
		t.Errorf("token list after revoke: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"token", "create", "--db", db, "--province", "09.163", "--role", "admin"},
		{"token", "create", "--db", db, "--province", "99.999", "--role", "panel"},
		{"token", "revoke", "--db", db, id},
	} {
		if code, _, _ := MustRun(t, args...); code == 0 {
			t.Errorf("%v: exit 0, want a refusal", args)
		}
	}
}

func TestServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	db := MustEmptyStore(t)
	for _, addr := range []string{"0.0.0.0:8080", "192.0.2.1:80", ":8080"} {
		code, _, errOut := MustRun(t, "serve", "--db", db, "--addr", addr)
		if code != 2 || !strings.Contains(errOut, "boucle locale") {
			t.Errorf("serve --addr %s without TLS: exit %d\n%s", addr, code, errOut)
		}
	}
}

// startServe runs serve in the background and returns its address and
// the function that stops it and returns its exit code.
func startServe(tb testing.TB, args ...string) (string, func() int) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	e := &env{stdout: pw, stderr: io.Discard, log: slog.New(slog.DiscardHandler)}
	exit := make(chan int, 1)
	go func() {
		code := run(ctx, e, append([]string{"serve"}, args...))
		pw.Close()
		exit <- code
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		cancel()
		tb.Fatalf("serve printed nothing; exit %d", <-exit)
	}
	m := regexp.MustCompile(`sur (\S+) `).FindStringSubmatch(sc.Text())
	if m == nil {
		cancel()
		tb.Fatalf("serve: %q", sc.Text())
	}
	go io.Copy(io.Discard, pr)
	return m[1], func() int { cancel(); return <-exit }
}

func TestServeHTTPAndTLSWithGracefulShutdown(t *testing.T) {
	db := MustEmptyStore(t)

	// Plain HTTP on loopback.
	addr, stop := startServe(t, "--db", db, "--addr", "127.0.0.1:0")
	resp, err := http.Get("http://" + addr + isync.PathHealth)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health over http: %v %v", resp, err)
	}
	resp.Body.Close()
	if code := stop(); code != 0 {
		t.Errorf("serve after interrupt: exit %d", code)
	}

	// TLS with a certificate and key given by flags; a laptop enrolls
	// and syncs over it.
	cert, key, pool := mustCert(t)
	token := MustTokenCreate(t, db, "09.163", "supervisor")
	addr, stop = startServe(t, "--db", db, "--addr", "127.0.0.1:0", "--tls-cert", cert,
		"--tls-key", key)
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	client := &http.Client{Transport: transport}
	resp, err = client.Get("https://" + addr + isync.PathHealth)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health over https: %v %v", resp, err)
	}
	resp.Body.Close()
	mustSyncOver(t, "https://"+addr, token, transport)
	if r2, err := http.Get("http://" + addr + isync.PathHealth); err == nil {
		r2.Body.Close()
		if r2.StatusCode == 200 {
			t.Error("plain HTTP answered on the TLS port")
		}
	}
	if code := stop(); code != 0 {
		t.Errorf("serve after interrupt: exit %d", code)
	}
}

// mustCert writes a self-signed certificate for 127.0.0.1 and its key.
func mustCert(tb testing.TB) (certFile, keyFile string, pool *x509.CertPool) {
	tb.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1),
		Subject: pkix.Name{CommonName: "intiqa test"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		tb.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	c, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return certFile, keyFile, pool
}

func TestBundleRoundTrip(t *testing.T) {
	ctx := context.Background()
	hqPath := MustBaseStore(t)

	// Headquarters holds a document of one of the base applicants.
	hq, err := localdb.Open(ctx, hqPath, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var a *selection.Applicant
	for x, err := range hq.Applicants(ctx, localdb.ApplicantFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		a = x
		break
	}
	doc := selection.Document{ID: "D1", ApplicantID: a.ID, Kind: selection.DocCIN,
		SHA256: strings.Repeat("ab", 32), MediaType: "image/png", Size: 10, UploadedAt: time.Now()}
	if err := hq.PutDocument(ctx, "hq", &doc); err != nil {
		t.Fatal(err)
	}
	hq.Close()
	province := a.ProvinceCode()
	token := MustTokenCreate(t, hqPath, province, "supervisor")

	// A laptop enrolls over the network, registering its bundle key;
	// with no network since, it imports the province's bundle.
	dir := t.TempDir()
	lap, err := localdb.Open(ctx, filepath.Join(dir, "laptop.db"), localdb.Options{Scope: province})
	if err != nil {
		t.Fatal(err)
	}
	defer lap.Close()
	mustEnrollWith(t, hqPath, lap, token)
	pull := filepath.Join(dir, "pull.bundle")
	if code, out, errOut := MustRun(t, "bundle", "export", "--db", hqPath, "--token",
		localdb.TokenID(token), "--out", pull); code != 0 {
		t.Fatalf("bundle export: exit %d\n%s%s", code, out, errOut)
	}
	mustImportBundle(t, lap, pull)
	if _, err := lap.Document(ctx, "D1"); err != nil {
		t.Fatalf("laptop after the pull bundle: %v", err)
	}

	// It decides and exports its outbox; headquarters imports it twice.
	r := &selection.Review{ID: "R1", DocumentID: "D1", Verdict: selection.VerdictAccepted,
		Reviewer: "sup", ReviewedAt: time.Now().UTC(), Version: 1}
	if err := lap.AddReview(ctx, "sup", r); err != nil {
		t.Fatal(err)
	}
	push := filepath.Join(dir, "push.bundle")
	f, err := os.Create(push)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := isync.ExportBundle(ctx, lap, f); err != nil || n != 1 {
		t.Fatalf("export bundle: %d, %v", n, err)
	}
	f.Close()
	reply := filepath.Join(dir, "reply.bundle")
	for i, want := range []string{"1 appliquées, 0 déjà reçues", "0 appliquées, 1 déjà reçues"} {
		code, out, errOut := MustRun(t, "bundle", "import", "--db", hqPath, "--in", push,
			"--reply", reply)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("bundle import %d: exit %d, want %q\n%s%s", i+1, code, want, out, errOut)
		}
	}

	// A bundle altered on the way is refused.
	raw, _ := os.ReadFile(push)
	var b isync.Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	b.CreatedAt = b.CreatedAt.Add(time.Second)
	raw, _ = json.Marshal(b)
	bad := filepath.Join(dir, "bad.bundle")
	os.WriteFile(bad, raw, 0o600)
	if code, _, errOut := MustRun(t, "bundle", "import", "--db", hqPath, "--in", bad); code == 0 {
		t.Errorf("altered bundle imported\n%s", errOut)
	}

	// A bundle of the former HMAC format is refused as such.
	b.Format = "intiqa.bundle/1"
	raw, _ = json.Marshal(b)
	os.WriteFile(bad, raw, 0o600)
	code, _, errOut := MustRun(t, "bundle", "import", "--db", hqPath, "--in", bad)
	if code == 0 || !strings.Contains(errOut, "older version") {
		t.Errorf("former bundle format: exit %d\n%s", code, errOut)
	}

	// The reply empties the laptop's outbox.
	mustImportBundle(t, lap, reply)
	if n, err := lap.PendingCount(ctx); err != nil || n != 0 {
		t.Errorf("laptop outbox after the reply: %d, %v", n, err)
	}
	hq, err = localdb.Open(ctx, hqPath, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer hq.Close()
	if rs, err := hq.Reviews(ctx, "D1"); err != nil || len(rs) != 1 || rs[0].ID != "R1" {
		t.Errorf("headquarters reviews: %v, %v", rs, err)
	}
}

// mustEnrollWith enrolls a laptop store with headquarters' store at
// hqPath, served on loopback for the time of the enrollment.
func mustEnrollWith(tb testing.TB, hqPath string, lap *localdb.DB, token string) {
	tb.Helper()
	ctx := context.Background()
	hq, err := localdb.Open(ctx, hqPath, localdb.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer hq.Close()
	srv := httptest.NewServer(isync.NewServer(hq, tb.TempDir(), slog.New(slog.DiscardHandler)))
	defer srv.Close()
	if _, err := isync.Enroll(ctx, lap, "admin", srv.URL, token, isync.Options{}); err != nil {
		tb.Fatal(err)
	}
}

func mustImportBundle(tb testing.TB, db *localdb.DB, path string) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := isync.ImportBundle(context.Background(), db, "admin", f); err != nil {
		tb.Fatalf("import bundle %s: %v", filepath.Base(path), err)
	}
}

// mustSyncOver enrolls a new laptop of 09.163 with headquarters at url
// and syncs it.
func mustSyncOver(tb testing.TB, url, token string, transport http.RoundTripper) {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	lap, err := localdb.Open(ctx, filepath.Join(dir, "laptop.db"), localdb.Options{Scope: "09.163"})
	if err != nil {
		tb.Fatal(err)
	}
	defer lap.Close()
	opts := isync.Options{Transport: transport, Retries: -1}
	if _, err := isync.Enroll(ctx, lap, "admin", url, token, opts); err != nil {
		tb.Fatalf("enroll over %s: %v", url, err)
	}
	c, err := isync.NewClient(lap, filepath.Join(dir, "documents"), opts)
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.Sync(ctx, nil); err != nil {
		tb.Fatalf("sync over %s: %v", url, err)
	}
	if st, err := c.Status(ctx); err != nil || st.LastSuccess.IsZero() || st.LastError != "" {
		tb.Errorf("status after sync over %s: %+v, %v", url, st, err)
	}
}
