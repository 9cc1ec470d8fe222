package sync_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

// tokenID returns the ID of the enrollment token a laptop holds.
func (l *laptop) tokenID() string { return localdb.TokenID(l.c.Enrollment().Token) }

// laptopState fingerprints what a refused bundle must not change on a
// laptop.
func laptopState(tb testing.TB, l *laptop) string {
	tb.Helper()
	ctx := context.Background()
	entries, err := l.db.VerifyAudit(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	cursor, err := l.db.Cursor(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	pending, err := l.db.PendingCount(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := l.db.CountApplicants(ctx, localdb.ApplicantFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("audit %d, cursor %d, pending %d, applicants %d", entries, cursor,
		pending, n)
}

// provinceBundle writes headquarters' bundle for a laptop.
func provinceBundle(tb testing.TB, f *hqFixture, tokenID string,
	answers []selection.DecisionResult) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := isync.WriteProvinceBundle(context.Background(), f.db, &buf, tokenID, 0,
		answers); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// exportBundle writes a laptop's bundle for headquarters.
func exportBundle(tb testing.TB, l *laptop) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := isync.ExportBundle(context.Background(), l.db, &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// decodeBundle reads a bundle file's envelope and content, unchecked.
func decodeBundle(tb testing.TB, raw []byte) (isync.Bundle, isync.BundleContent) {
	tb.Helper()
	var b isync.Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		tb.Fatal(err)
	}
	var content isync.BundleContent
	if err := json.Unmarshal(gunzip(tb, b.Payload), &content); err != nil {
		tb.Fatal(err)
	}
	return b, content
}

// gunzip decompresses a bundle's payload.
func gunzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// resign writes the bundle b with content, signed with key: what a
// holder of key can make.
func resign(tb testing.TB, b isync.Bundle, key ed25519.PrivateKey,
	content *isync.BundleContent) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := isync.WriteBundle(&buf, b, key, content); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// mustKeys returns a laptop's bundle keys.
func mustKeys(tb testing.TB, l *laptop) *localdb.BundleKeys {
	tb.Helper()
	k, err := l.db.BundleKeys(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// hmacSigned returns the bundle signed as before Ed25519, with
// HMAC-SHA256 under key: what anyone holding the token's hash could
// compute.
func hmacSigned(tb testing.TB, raw []byte, format string, key []byte) []byte {
	tb.Helper()
	b, _ := decodeBundle(tb, raw)
	b.Format = format
	m := hmac.New(sha256.New, key)
	sum := sha256.Sum256(b.Payload)
	fmt.Fprintf(m, "%s\n%s\n%s\n%s\n%s\n%x", b.Format, b.Direction, b.TokenID, b.Province,
		b.CreatedAt.UTC().Format(time.RFC3339Nano), sum)
	b.Signature = hex.EncodeToString(m.Sum(nil))
	out, err := json.Marshal(b)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestBundleRoundTrip(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())

	// The enrolled laptop, with no network since, takes its province's
	// data from headquarters' bundle.
	sum, err := isync.ImportBundle(ctx, a1.db, "sup", bytes.NewReader(provinceBundle(t, f,
		a1.tokenID(), nil)))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := a1.db.CountApplicants(ctx, localdb.ApplicantFilter{}); sum.Changes == 0 ||
		n != fixtureApplicants {
		t.Fatalf("pull bundle: %d changes, %d applicants", sum.Changes, n)
	}

	// Its decision reaches headquarters in its bundle, once however many
	// times the bundle is imported.
	if err := a1.db.AddReview(ctx, "sup", review("R-1", f.docsA[0],
		selection.VerdictAccepted)); err != nil {
		t.Fatal(err)
	}
	push := exportBundle(t, a1)
	var answers []selection.DecisionResult
	for i, want := range []selection.DecisionStatus{selection.DecisionApplied,
		selection.DecisionDuplicate} {
		tok, res, err := isync.ImportLaptopBundle(ctx, f.db, bytes.NewReader(push))
		if err != nil || tok.ID != a1.tokenID() || len(res) != 1 || res[0].Status != want {
			t.Fatalf("import %d: %+v, %v, want one %s", i+1, res, err, want)
		}
		answers = res
	}
	if rs, err := f.db.Reviews(ctx, f.docsA[0].ID); err != nil || len(rs) != 1 {
		t.Fatalf("headquarters' reviews: %v, %v", rs, err)
	}

	// Headquarters' answers empty the laptop's outbox.
	if _, err := isync.ImportBundle(ctx, a1.db, "sup", bytes.NewReader(provinceBundle(t, f,
		a1.tokenID(), answers))); err != nil {
		t.Fatal(err)
	}
	if n, err := a1.db.PendingCount(ctx); err != nil || n != 0 {
		t.Errorf("pending after the reply bundle: %d, %v", n, err)
	}
}

func TestForgedBundlesRefusedAtHQ(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	b1 := MustLaptop(t, f, "b1", provinceB, f.srv.URL, selection.SyncSupervisor, testOptions())
	for _, l := range []*laptop{a1, b1} {
		l.mustSync(t)
	}
	if err := a1.db.AddReview(ctx, "sup", review("R-1", f.docsA[0],
		selection.VerdictAccepted)); err != nil {
		t.Fatal(err)
	}
	if err := b1.db.AddReview(ctx, "sup", review("R-B", f.docsB[0],
		selection.VerdictAccepted)); err != nil {
		t.Fatal(err)
	}
	good := exportBundle(t, a1)
	b, content := decodeBundle(t, good)

	// What headquarters' store holds of a1: its token's hash and its
	// public key.
	token := a1.c.Enrollment().Token
	hash, _ := hex.DecodeString(localdb.TokenHash(token))
	_, pub, err := f.db.TokenPublicKey(ctx, a1.tokenID())
	if err != nil {
		t.Fatal(err)
	}
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	altered := content
	altered.Decisions = append([]selection.Decision(nil), content.Decisions...)
	altered.Decisions[0].ID = "forged-1"
	bOfB, contentOfB := decodeBundle(t, exportBundle(t, b1))
	bOfB.Province = provinceA

	cases := []struct {
		name string
		raw  []byte
		want error
	}{
		{"signed with another laptop's key", resign(t, b, mustKeys(t, a2).Private, &content),
			isync.ErrBadSignature},
		{"signed with a key of no laptop", resign(t, b, stranger, &content),
			isync.ErrBadSignature},
		{"content changed after signing", func() []byte {
			forged := resign(t, b, stranger, &altered)
			fb, _ := decodeBundle(t, forged)
			gb, _ := decodeBundle(t, good)
			fb.Signature = gb.Signature
			out, _ := json.Marshal(fb)
			return out
		}(), isync.ErrBadSignature},
		{"HMAC under the token's hash", hmacSigned(t, good, isync.BundleFormat, hash),
			isync.ErrBadSignature},
		{"signed with the public key taken as a seed",
			resign(t, b, ed25519.NewKeyFromSeed(pub), &content), isync.ErrBadSignature},
		{"former HMAC format", hmacSigned(t, good, "intiqa.bundle/1", hash), isync.ErrOldBundle},
		{"another province's laptop for this province",
			resign(t, bOfB, mustKeys(t, b1).Private, &contentOfB), localdb.ErrScope},
		{"headquarters' bundle", provinceBundle(t, f, a1.tokenID(), nil), isync.ErrBadRequest},
	}
	before := hqState(t, f)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, res, err := isync.ImportLaptopBundle(ctx, f.db, bytes.NewReader(c.raw))
			if !errors.Is(err, c.want) {
				t.Errorf("import: %v (%d answers), want %v", err, len(res), c.want)
			}
			if after := hqState(t, f); after != before {
				t.Errorf("headquarters changed: %s, was %s", after, before)
			}
		})
	}

	// The genuine bundle still applies.
	if _, res, err := isync.ImportLaptopBundle(ctx, f.db, bytes.NewReader(good)); err != nil ||
		len(res) != 1 || res[0].Status != selection.DecisionApplied {
		t.Errorf("genuine bundle: %+v, %v", res, err)
	}
}

func TestForgedBundlesRefusedOnLaptop(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a2 := MustLaptop(t, f, "a2", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	b1 := MustLaptop(t, f, "b1", provinceB, f.srv.URL, selection.SyncSupervisor, testOptions())
	good := provinceBundle(t, f, a1.tokenID(), nil)
	b, content := decodeBundle(t, good)
	altered := content
	altered.Pages = append([]selection.ChangePage(nil), content.Pages...)
	altered.Pages[0].Changes = altered.Pages[0].Changes[1:]
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	mine := mustKeys(t, a1)
	hash, _ := hex.DecodeString(localdb.TokenHash(a1.c.Enrollment().Token))

	cases := []struct {
		name string
		raw  []byte
		want error
	}{
		{"signed with another key", resign(t, b, stranger, &content), isync.ErrBadSignature},
		{"signed with the laptop's own key", resign(t, b, mine.Private, &content),
			isync.ErrBadSignature},
		{"content changed after signing", func() []byte {
			forged := resign(t, b, stranger, &altered)
			fb, _ := decodeBundle(t, forged)
			fb.Signature = b.Signature
			out, _ := json.Marshal(fb)
			return out
		}(), isync.ErrBadSignature},
		{"another laptop's bundle", provinceBundle(t, f, a2.tokenID(), nil),
			isync.ErrBadSignature},
		{"another province's bundle", provinceBundle(t, f, b1.tokenID(), nil),
			isync.ErrBadSignature},
		{"the laptop's own bundle", exportBundle(t, a1), isync.ErrBadRequest},
		{"former HMAC format", hmacSigned(t, good, "intiqa.bundle/1", hash), isync.ErrOldBundle},
	}
	before := laptopState(t, a1)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := isync.ImportBundle(ctx, a1.db, "sup", bytes.NewReader(c.raw))
			if !errors.Is(err, c.want) {
				t.Errorf("import: %v, want %v", err, c.want)
			}
			if after := laptopState(t, a1); after != before {
				t.Errorf("laptop changed: %s, was %s", after, before)
			}
		})
	}
	if _, err := isync.ImportBundle(ctx, a1.db, "sup", bytes.NewReader(good)); err != nil {
		t.Errorf("genuine bundle: %v", err)
	}
}

// registerKey posts a key registration with a token, and returns the
// status and the answer.
func registerKey(tb testing.TB, f *hqFixture, token string, pub ed25519.PublicKey) (int,
	isync.EnrollmentInfo) {
	tb.Helper()
	body, _ := json.Marshal(isync.KeyRegistration{PublicKey: pub})
	status, raw := request(tb, http.MethodPost, f.srv.URL+isync.PathEnrollmentKey, token, body,
		map[string]string{"Content-Type": "application/json"})
	var info isync.EnrollmentInfo
	if status == http.StatusOK {
		if err := json.Unmarshal(raw, &info); err != nil {
			tb.Fatal(err)
		}
	} else if !strings.Contains(string(raw), `"code"`) {
		tb.Errorf("error answer without a code: %s", raw)
	}
	return status, info
}

func TestKeyNeverReplaced(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	token := a1.c.Enrollment().Token
	keys := mustKeys(t, a1)
	_, want, err := f.db.TokenPublicKey(ctx, a1.tokenID())
	if err != nil || !want.Equal(keys.Private.Public()) {
		t.Fatalf("registered key: %v, %v", want, err)
	}

	// Another key for the token is refused, over the API and in the store.
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	if status, _ := registerKey(t, f, token, other); status != http.StatusConflict {
		t.Errorf("second key over the API: status %d, want 409", status)
	}
	if err := f.db.RegisterKey(ctx, "hq", a1.tokenID(), other); !errors.Is(err,
		localdb.ErrKeyTaken) {
		t.Errorf("second key in the store: %v, want ErrKeyTaken", err)
	}

	// A new store enrolling with the token is refused.
	dir := t.TempDir()
	fresh, err := localdb.Open(ctx, filepath.Join(dir, "intiqa.db"),
		localdb.Options{Scope: provinceA})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	var apiErr *isync.APIError
	_, err = isync.Enroll(ctx, fresh, "admin", f.srv.URL, token, testOptions())
	if !errors.As(err, &apiErr) || apiErr.Code != isync.CodeKeyTaken {
		t.Errorf("enrolling another store with the token: %v, want %s", err, isync.CodeKeyTaken)
	}
	if _, err := fresh.Enrollment(ctx); !errors.Is(err, localdb.ErrNotFound) {
		t.Errorf("refused store enrolled: %v", err)
	}

	// The same store enrolling again with its token keeps its key.
	if _, err := isync.Enroll(ctx, a1.db, "admin", f.srv.URL, token, testOptions()); err != nil {
		t.Fatalf("enrolling the same store again: %v", err)
	}
	again := mustKeys(t, a1)
	if !again.Private.Equal(keys.Private) || !again.HQ.Equal(keys.HQ) {
		t.Error("enrolling again changed the keys")
	}
	status, info := registerKey(t, f, token, keys.Private.Public().(ed25519.PublicKey))
	if status != http.StatusOK || !bytes.Equal(info.HQKey, keys.HQ) {
		t.Errorf("same key again: status %d, headquarters' key %x", status, info.HQKey)
	}
	if _, pub, _ := f.db.TokenPublicKey(ctx, a1.tokenID()); !pub.Equal(want) {
		t.Error("headquarters' record of the key changed")
	}
	_, _, err = isync.ImportLaptopBundle(ctx, f.db, bytes.NewReader(exportBundle(t, a1)))
	if err != nil {
		t.Errorf("bundle after the refused registrations: %v", err)
	}
}

func TestKeysOfALaptopEnrolledBefore(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)

	// A laptop enrolled before bundles were signed with Ed25519: its
	// store holds the token, no key, and headquarters none for it.
	dir := t.TempDir()
	db, err := localdb.Open(ctx, filepath.Join(dir, "intiqa.db"), localdb.Options{Scope: provinceA})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	token := f.mustToken(t, provinceA, selection.SyncSupervisor)
	if err := db.Enroll(ctx, "admin", localdb.Enrollment{URL: f.srv.URL, Token: token,
		Province: provinceA, Role: selection.SyncSupervisor}); err != nil {
		t.Fatal(err)
	}
	c, err := isync.NewClient(db, filepath.Join(dir, "documents"), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	old := &laptop{name: "old", db: db, c: c, docs: filepath.Join(dir, "documents")}

	// Bundles are refused both ways, saying what to do.
	var buf bytes.Buffer
	if _, err := isync.ExportBundle(ctx, db, &buf); !errors.Is(err, isync.ErrNoBundleKey) ||
		!strings.Contains(err.Error(), "over the network") {
		t.Errorf("export before any key: %v, want ErrNoBundleKey", err)
	}
	if _, err := isync.WriteProvinceBundle(ctx, f.db, &buf, old.tokenID(), 0,
		nil); !errors.Is(err, isync.ErrNoBundleKey) {
		t.Errorf("headquarters' bundle before any key: %v, want ErrNoBundleKey", err)
	}

	// Its next sync over the network registers its key; bundles then go
	// both ways.
	old.mustSync(t)
	if err := db.AddReview(ctx, "sup", review("R-1", f.docsA[0],
		selection.VerdictAccepted)); err != nil {
		t.Fatal(err)
	}
	_, res, err := isync.ImportLaptopBundle(ctx, f.db, bytes.NewReader(exportBundle(t, old)))
	if err != nil || len(res) != 1 || res[0].Status != selection.DecisionApplied {
		t.Fatalf("bundle after the sync: %+v, %v", res, err)
	}
	if _, err := isync.ImportBundle(ctx, db, "sup", bytes.NewReader(provinceBundle(t, f,
		old.tokenID(), res))); err != nil {
		t.Errorf("headquarters' bundle after the sync: %v", err)
	}
	if n, err := db.PendingCount(ctx); err != nil || n != 0 {
		t.Errorf("pending after the reply: %d, %v", n, err)
	}
}

func TestSyncWithHQThatRegistersNoKey(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)

	// Headquarters of a former version: no key registration.
	inner := f.srv.Config.Handler
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == isync.PathEnrollmentKey {
			http.NotFound(w, r)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	defer old.Close()

	// A laptop enrolled before bundle keys still syncs with it; its
	// bundles wait for a headquarters that registers its key.
	dir := t.TempDir()
	db, err := localdb.Open(ctx, filepath.Join(dir, "intiqa.db"), localdb.Options{Scope: provinceA})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	token := f.mustToken(t, provinceA, selection.SyncSupervisor)
	if err := db.Enroll(ctx, "admin", localdb.Enrollment{URL: old.URL, Token: token,
		Province: provinceA, Role: selection.SyncSupervisor}); err != nil {
		t.Fatal(err)
	}
	c, err := isync.NewClient(db, filepath.Join(dir, "documents"), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(ctx, nil); err != nil {
		t.Fatalf("sync with a headquarters that registers no key: %v", err)
	}
	if _, err := db.BundleKeys(ctx); !errors.Is(err, localdb.ErrNoKey) {
		t.Errorf("bundle keys: %v, want ErrNoKey", err)
	}

	// A new enrollment needs the registration, and says so.
	fresh, err := localdb.Open(ctx, filepath.Join(dir, "fresh.db"), localdb.Options{Scope: provinceA})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	_, err = isync.Enroll(ctx, fresh, "admin", old.URL,
		f.mustToken(t, provinceA, selection.SyncSupervisor), testOptions())
	if err == nil || !strings.Contains(err.Error(), "register signing key") {
		t.Errorf("enrolling with headquarters that registers no key: %v", err)
	}
}

func TestKeyRegistrationDecoder(t *testing.T) {
	pub := base64.StdEncoding.EncodeToString(make([]byte, ed25519.PublicKeySize))
	for _, c := range []struct {
		name, contentType, body string
		want                    error
	}{
		{"OK", "application/json", `{"public_key":"` + pub + `"}`, nil},
		{"short key", "application/json", `{"public_key":"AAAA"}`, isync.ErrBadRequest},
		{"unknown field", "application/json", `{"public_key":"` + pub + `","x":1}`,
			isync.ErrBadRequest},
		{"not JSON", "text/plain", `{"public_key":"` + pub + `"}`, isync.ErrMediaType},
		{"too large", "application/json", `{"public_key":"` + strings.Repeat("A", 5000) + `"}`,
			isync.ErrTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := isync.DecodeKeyRegistration(c.contentType, strings.NewReader(c.body))
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
}
