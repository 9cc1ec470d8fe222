package sync_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

// requestCase is a request the server must refuse, shared by the test of
// the real server and the fuzz target of the decoders.
type requestCase struct {
	name        string
	contentType string
	encoding    string
	body        []byte
	want        int
}

// validReview is the JSON of a decision the decoders accept.
const validReview = `{"id":"n.1","kind":"review","by":"sup","data":{"ID":"R","DocumentID":"D",` +
	`"Verdict":"accepted","Reason":"","Comment":"","Reviewer":"sup",` +
	`"ReviewedAt":"2024-05-20T10:00:00Z","Version":1}}`

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// badRequests are the malformed pushes of the tests.
func badRequests() []requestCase {
	manyItems := `{"decisions":[` + strings.Repeat(validReview+",", isync.MaxBatch) + validReview + `]}`
	return []requestCase{
		{"malformed JSON", "application/json", "", []byte(`{"decisions": [`), 400},
		{"not an object", "application/json", "", []byte(`[1, 2]`), 400},
		{"no decisions field", "application/json", "", []byte(`{}`), 400},
		{"unknown field", "application/json", "", []byte(`{"decisions":[],"extra":1}`), 400},
		{"unknown field in a decision", "application/json", "",
			[]byte(`{"decisions":[` + strings.Replace(validReview, `"by"`, `"extra":1,"by"`, 1) + `]}`), 400},
		{"unknown field in its data", "application/json", "",
			[]byte(`{"decisions":[` + strings.Replace(validReview, `"Version"`, `"Score":3,"Version"`, 1) + `]}`), 400},
		{"unknown kind", "application/json", "",
			[]byte(`{"decisions":[` + strings.Replace(validReview, `"review"`, `"verdict"`, 1) + `]}`), 400},
		{"no ID", "application/json", "",
			[]byte(`{"decisions":[` + strings.Replace(validReview, `"n.1"`, `""`, 1) + `]}`), 400},
		{"wrong type", "application/json", "",
			[]byte(`{"decisions":[` + strings.Replace(validReview, `"Version":1`, `"Version":"1"`, 1) + `]}`), 400},
		{"trailing data", "application/json", "", []byte(`{"decisions":[]} {}`), 400},
		{"not gzip", "application/json", "gzip", []byte(`{"decisions":[]}`), 400},
		{"text content type", "text/plain", "", []byte(`{"decisions":[]}`), 415},
		{"no content type", "", "", []byte(`{"decisions":[]}`), 415},
		{"unknown encoding", "application/json", "br", []byte(`{"decisions":[]}`), 415},
		{"too many decisions", "application/json", "gzip", gz([]byte(manyItems)), 413},
		{"over the wire limit", "application/json", "",
			append([]byte(`{"decisions":[`), bytes.Repeat([]byte(" "), isync.MaxBodyBytes)...), 413},
		{"over the decoded limit", "application/json", "gzip",
			gz(append([]byte(`{"decisions":[`), bytes.Repeat([]byte(" "), isync.MaxDecodedBytes)...)), 413},
	}
}

// hqState fingerprints what a refused request must not change.
func hqState(tb testing.TB, f *hqFixture) string {
	tb.Helper()
	entries, err := f.db.VerifyAudit(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	var reviews int
	for _, d := range append(f.docsA, f.docsB...) {
		rs, err := f.db.Reviews(context.Background(), d.ID)
		if err != nil {
			tb.Fatal(err)
		}
		reviews += len(rs)
	}
	return fmt.Sprintf("audit %d, reviews %d", entries, reviews)
}

func TestMalformedPushesChangeNothing(t *testing.T) {
	f := MustHQ(t)
	token := f.mustToken(t, provinceA, selection.SyncSupervisor)
	url := f.srv.URL + strings.Replace(isync.PathDecisions, "{province}", provinceA, 1)
	before := hqState(t, f)
	for _, c := range badRequests() {
		t.Run(c.name, func(t *testing.T) {
			h := map[string]string{"Content-Type": c.contentType, "Content-Encoding": c.encoding}
			status, body := request(t, http.MethodPost, url, token, c.body, h)
			if status != c.want {
				t.Errorf("status %d, want %d: %s", status, c.want, body)
			}
			var e isync.ErrorBody
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" ||
				e.Error.Message == "" {
				t.Errorf("error body %q: want a code and a message (%v)", body, err)
			}
		})
	}
	if after := hqState(t, f); after != before {
		t.Errorf("refused requests changed headquarters: %s, then %s", before, after)
	}
}

// pushBody is the JSON of a push of one review of a document.
func pushBody(d selection.Document) []byte {
	r := review("R-x", d, selection.VerdictAccepted)
	data, _ := json.Marshal(r)
	b, _ := json.Marshal(isync.PushRequest{Decisions: []selection.Decision{
		{ID: "n.1", Kind: selection.KindReview, By: "sup", Data: data}}})
	return b
}

// provincePaths returns the API's province operations, for province,
// with a request body or a document hash where they take one.
func provincePaths(f *hqFixture, province string, doc selection.Document) []struct {
	method, url string
	body        []byte
} {
	var out []struct {
		method, url string
		body        []byte
	}
	for _, rt := range isync.NewServer(f.db, f.docs, nil).Routes() {
		if !strings.Contains(rt.Path, "{province}") {
			continue
		}
		p := strings.NewReplacer("{province}", province, "{sha256}", doc.SHA256).Replace(rt.Path)
		var body []byte
		if rt.Method == http.MethodPost {
			body = pushBody(doc)
		}
		out = append(out, struct {
			method, url string
			body        []byte
		}{rt.Method, f.srv.URL + p, body})
	}
	return out
}

func TestOtherProvinceAndRevokedTokensRefused(t *testing.T) {
	ctx := context.Background()
	f := MustHQ(t)
	hdr := map[string]string{"Content-Type": "application/json"}
	tokens := map[selection.SyncRole]string{}
	for _, role := range selection.SyncRoles {
		tokens[role] = f.mustToken(t, provinceA, role)
	}
	revoked := f.mustToken(t, provinceA, selection.SyncSupervisor)
	if err := f.db.RevokeToken(ctx, "hq", localdb.TokenID(revoked)); err != nil {
		t.Fatal(err)
	}
	before := hqState(t, f)

	// Every role of province A is refused on every operation of B.
	for role, token := range tokens {
		for _, op := range provincePaths(f, provinceB, f.docsB[0]) {
			status, body := request(t, op.method, op.url, token, op.body, hdr)
			if status != http.StatusForbidden {
				t.Errorf("%s token of %s: %s %s: %d %s, want 403", role, provinceA, op.method,
					op.url, status, body)
			}
		}
	}

	// A decision on B's document, pushed to A's own path, is refused
	// whole.
	tokenA := tokens[selection.SyncSupervisor]
	url := f.srv.URL + strings.Replace(isync.PathDecisions, "{province}", provinceA, 1)
	if status, body := request(t, http.MethodPost, url, tokenA, pushBody(f.docsB[0]), hdr); status != http.StatusForbidden {
		t.Errorf("decision on another province's document: %d %s, want 403", status, body)
	}

	// B's documents are not served by their hash through A's path.
	doc := strings.NewReplacer("{province}", provinceA, "{sha256}", f.docsB[0].SHA256).
		Replace(isync.PathDocument)
	if status, _ := request(t, http.MethodGet, f.srv.URL+doc, tokenA, nil, nil); status != http.StatusNotFound {
		t.Errorf("another province's document by hash: %d, want 404", status)
	}

	// A revoked token, an unknown one and none are refused everywhere.
	ops := provincePaths(f, provinceA, f.docsA[0])
	for _, path := range []string{isync.PathEnrollment, isync.PathProgress} {
		ops = append(ops, struct {
			method, url string
			body        []byte
		}{http.MethodGet, f.srv.URL + path, nil})
	}
	for _, token := range []string{revoked, "iqt1.000000000000.forged", ""} {
		for _, op := range ops {
			status, body := request(t, op.method, op.url, token, op.body, hdr)
			if status != http.StatusUnauthorized {
				t.Errorf("token %.20q: %s %s: %d %s, want 401", token, op.method, op.url, status, body)
			}
		}
	}
	if after := hqState(t, f); after != before {
		t.Errorf("refused requests changed headquarters: %s, then %s", before, after)
	}
}

func TestRolesEnforced(t *testing.T) {
	f := MustHQ(t)
	hdr := map[string]string{"Content-Type": "application/json"}
	push := f.srv.URL + strings.Replace(isync.PathDecisions, "{province}", provinceA, 1)
	cases := []struct {
		role   selection.SyncRole
		method string
		url    string
		body   []byte
		want   int
	}{
		{selection.SyncPanel, http.MethodPost, push, pushBody(f.docsA[0]), 200}, // rejected
		{selection.SyncCoordinator, http.MethodPost, push, pushBody(f.docsA[0]), 403},
		{selection.SyncSupervisor, http.MethodGet, f.srv.URL + isync.PathProgress, nil, 403},
		{selection.SyncPanel, http.MethodGet, f.srv.URL + isync.PathProgress, nil, 403},
		{selection.SyncCoordinator, http.MethodGet, f.srv.URL + isync.PathProgress, nil, 200},
		{selection.SyncSupervisor, http.MethodPost, push, pushBody(f.docsA[0]), 200},
	}
	for _, c := range cases {
		status, body := request(t, c.method, c.url, f.mustToken(t, provinceA, c.role), c.body, hdr)
		if status != c.want {
			t.Errorf("%s %s %s: %d %s, want %d", c.role, c.method, c.url, status, body, c.want)
		}
		var resp isync.PushResponse
		if c.method == http.MethodPost && status == 200 && json.Unmarshal(body, &resp) == nil {
			want := selection.DecisionApplied
			if c.role == selection.SyncPanel {
				want = selection.DecisionRejected
			}
			if len(resp.Results) != 1 || resp.Results[0].Status != want {
				t.Errorf("%s push answered %s, want %s", c.role, body, want)
			}
		}
	}
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(isync.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi %q, want 3.x", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	f := MustHQ(t)
	for _, rt := range isync.NewServer(f.db, f.docs, nil).Routes() {
		key := rt.Method + " " + rt.Path
		if !documented[key] {
			t.Errorf("route %s is not in openapi.json", key)
		}
		delete(documented, key)
	}
	for key := range documented {
		t.Errorf("openapi.json documents %s, which the server does not serve", key)
	}

	// The served document is the one in the repository.
	status, body := request(t, http.MethodGet, f.srv.URL+isync.PathOpenAPI, "", nil, nil)
	if status != 200 || !bytes.Equal(body, isync.OpenAPI()) {
		t.Errorf("GET %s: %d, %d bytes", isync.PathOpenAPI, status, len(body))
	}
	if status, _ := request(t, http.MethodGet, f.srv.URL+isync.PathHealth, "", nil, nil); status != 200 {
		t.Errorf("health: %d", status)
	}
}

func TestStreamedPushRefusals(t *testing.T) {
	f := MustHQ(t)
	token := f.mustToken(t, provinceA, selection.SyncSupervisor)
	url := f.srv.URL + strings.Replace(isync.PathDecisionStream, "{province}", provinceA, 1)
	before := hqState(t, f)
	stream := func(batches ...string) []byte { return gz([]byte(strings.Join(batches, "\n"))) }
	cases := []struct {
		name, contentType, encoding string
		body                        []byte
		status                      int
		code                        string // of the answer's in-band error
	}{
		{"JSON content type", "application/json", "gzip", stream(`{"decisions":[]}`), 415, ""},
		{"not compressed", "application/x-ndjson", "", []byte(`{"decisions":[]}`), 415, ""},
		{"not gzip", "application/x-ndjson", "gzip", []byte(`{"decisions":[]}`), 400, ""},
		{"malformed batch", "application/x-ndjson", "gzip", stream(`{"decisions":[`), 200,
			isync.CodeBadRequest},
		{"unknown field", "application/x-ndjson", "gzip",
			stream(`{"decisions":[` + strings.Replace(validReview, `"by"`, `"x":1,"by"`, 1) + `]}`),
			200, isync.CodeBadRequest},
		{"another province's document", "application/x-ndjson", "gzip",
			stream(string(pushBody(f.docsB[0]))), 200, isync.CodeForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := map[string]string{"Content-Type": c.contentType, "Content-Encoding": c.encoding}
			status, body := request(t, http.MethodPost, url, token, c.body, h)
			if status != c.status {
				t.Fatalf("status %d, want %d: %s", status, c.status, body)
			}
			if c.code == "" {
				return
			}
			var a isync.StreamAnswer
			if err := json.Unmarshal(body, &a); err != nil || a.Error == nil ||
				a.Error.Code != c.code || a.Status < 400 {
				t.Errorf("answer %s: want an error %s (%v)", body, c.code, err)
			}
		})
	}
	if after := hqState(t, f); after != before {
		t.Errorf("refused streams changed headquarters: %s, then %s", before, after)
	}
}

func TestNationalProgress(t *testing.T) {
	f := MustHQ(t)
	a1 := MustLaptop(t, f, "a1", provinceA, f.srv.URL, selection.SyncSupervisor, testOptions())
	a1.mustSync(t)
	ctx := context.Background()
	for i, d := range f.docsA[:4] {
		v := selection.VerdictAccepted
		if i == 3 {
			v = selection.VerdictRejected
		}
		if err := a1.db.AddReview(ctx, "sup", review(fmt.Sprintf("R%d", i), d, v)); err != nil {
			t.Fatal(err)
		}
	}
	decide(t, a1, provinceA, "S1", f.docsA[0].ApplicantID)
	a1.mustSync(t)

	token := f.mustToken(t, provinceB, selection.SyncCoordinator)
	status, body := request(t, http.MethodGet, f.srv.URL+isync.PathProgress, token, nil, nil)
	var rep selection.ProgressReport
	if status != 200 || json.Unmarshal(body, &rep) != nil {
		t.Fatalf("progress: %d %s", status, body)
	}
	want := selection.ProgressFigures{Applicants: 2 * fixtureApplicants,
		Invited: 2 * fixtureApplicants, WithFiles: 2 * fixtureUploaders, Examined: 4, Accepted: 3,
		Rejected: 1, Pending: 2*fixtureUploaders - 4, Interviewed: 1}
	if rep.National != want {
		t.Errorf("national progress %+v, want %+v", rep.National, want)
	}
	var sum int
	for _, p := range rep.ByRegion {
		sum += p.Applicants
	}
	if sum != want.Applicants || len(rep.ByCategory) == 0 {
		t.Errorf("by region sums to %d applicants; by category %v", sum, rep.ByCategory)
	}

	// The server told of the applicants the decisions concern; planning
	// their e-mails shows in the progress's mail counts.
	rejected, convoked := f.docsA[3].ApplicantID, f.docsA[0].ApplicantID
	got := f.appliedApplicants()
	if !slices.Contains(got, rejected) || !slices.Contains(got, convoked) {
		t.Errorf("OnApplied told of %v; want %s (rejected document) and %s (convoked)",
			got, rejected, convoked)
	}
	_, err := f.db.PlanNotifications(ctx, "test", selection.PlanOptions{
		Kinds: selection.DecisionNotificationKinds, Applicants: got})
	if err != nil {
		t.Fatal(err)
	}
	status, body = request(t, http.MethodGet, f.srv.URL+isync.PathProgress, token, nil, nil)
	rep = selection.ProgressReport{}
	if status != 200 || json.Unmarshal(body, &rep) != nil {
		t.Fatalf("progress: %d %s", status, body)
	}
	pending := rep.Mail.ByKind[selection.NotifyDocumentRejected][selection.NotificationPending]
	if pending != 1 || rep.Mail.Total < 1 {
		t.Errorf("mail counts %+v; want one rejected document's e-mail pending", rep.Mail)
	}
}
