package sync_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"intiqa/localdb"
	"intiqa/selection"
	isync "intiqa/sync"
)

// goodRequests are pushes the decoders accept.
func goodRequests() []requestCase {
	return []requestCase{
		{"empty batch", "application/json", "", []byte(`{"decisions":[]}`), 200},
		{"one review", "application/json; charset=utf-8", "", []byte(`{"decisions":[` + validReview + `]}`), 200},
		{"gzip", "application/json", "gzip", gz([]byte(`{"decisions":[` + validReview + `]}`)), 200},
	}
}

// decodeStatus is the status the server answers for a decoder's error.
func decodeStatus(err error) int {
	switch {
	case err == nil:
		return 200
	case errors.Is(err, isync.ErrTooLarge):
		return 413
	case errors.Is(err, isync.ErrBadRequest):
		return 400
	case errors.Is(err, isync.ErrMediaType):
		return 415
	}
	return 500
}

func TestDecodePushRequest(t *testing.T) {
	for _, c := range append(goodRequests(), badRequests()...) {
		t.Run(c.name, func(t *testing.T) {
			req, err := isync.DecodePushRequest(c.contentType, c.encoding, bytes.NewReader(c.body))
			if got := decodeStatus(err); got != c.want {
				t.Fatalf("status %d, want %d (%v)", got, c.want, err)
			}
			if err == nil && req.Decisions == nil {
				t.Error("accepted a push with no decisions list")
			}
			if err != nil && !strings.Contains(err.Error(), " ") {
				t.Errorf("error %q does not say what is wrong", err)
			}
		})
	}
}

// queryCases are pull queries and whether they are valid.
var queryCases = []struct {
	query string
	ok    bool
}{
	{"", true}, {"cursor=0", true}, {"cursor=12&limit=500", true}, {"limit=10000", true},
	{"cursor=-1", false}, {"limit=0", false}, {"limit=10001", false}, {"cursor=x", false},
	{"cursor=1&cursor=2", false}, {"page=2", false}, {"cursor=%zz", false},
}

func TestDecodeChangesQuery(t *testing.T) {
	for _, c := range queryCases {
		q, err := isync.DecodeChangesQuery(c.query)
		if (err == nil) != c.ok {
			t.Errorf("%q: %+v, %v; want ok %v", c.query, q, err, c.ok)
		}
	}
}

// bearerCases are Authorization headers and whether they hold a token.
var bearerCases = []struct {
	header string
	ok     bool
}{
	{"Bearer iqt1.abc.def", true}, {"bearer  x", true}, {"", false}, {"Bearer", false},
	{"Basic dXNlcjpwYXNz", false}, {"Bearer " + strings.Repeat("x", 300), false},
}

func TestParseBearer(t *testing.T) {
	for _, c := range bearerCases {
		if _, err := isync.ParseBearer(c.header); (err == nil) != c.ok {
			t.Errorf("%q: %v, want ok %v", c.header, err, c.ok)
		}
	}
}

// FuzzRequestDecoders runs every decoder of what reaches headquarters
// (a push's body, a pull's query, the Authorization header, a key
// registration, a bundle's envelope) on arbitrary input: none may panic, and what one accepts
// must meet its contract. The seeds are the tests' tables.
func FuzzRequestDecoders(f *testing.F) {
	for _, c := range append(goodRequests(), badRequests()...) {
		if len(c.body) < 1<<16 {
			f.Add(c.body, c.encoding, "cursor=3", "Bearer t")
		}
	}
	for _, c := range queryCases {
		f.Add([]byte(`{"decisions":[]}`), "", c.query, "")
	}
	for _, c := range bearerCases {
		f.Add([]byte(`{}`), "gzip", "", c.header)
	}
	f.Add([]byte(`{"format":"intiqa.bundle/1","direction":"to-hq","token_id":"0123456789ab",`+
		`"province":"09.163","created_at":"2024-05-20T10:00:00Z","payload":"","signature":""}`),
		"", "", "")
	f.Add([]byte(`{"public_key":"`+strings.Repeat("A", 43)+`="}`), "", "", "")
	f.Fuzz(func(t *testing.T, body []byte, encoding, query, header string) {
		if req, err := isync.DecodePushRequest("application/json", encoding, bytes.NewReader(body)); err == nil {
			checkPush(t, req)
		}
		if q, err := isync.DecodeChangesQuery(query); err == nil &&
			(q.Cursor < 0 || q.Limit < 1 || q.Limit > localdb.MaxPageSize) {
			t.Errorf("query %q accepted as %+v", query, q)
		}
		if tok, err := isync.ParseBearer(header); err == nil &&
			(tok == "" || strings.TrimSpace(tok) != tok) {
			t.Errorf("header %q gave token %q", header, tok)
		}
		if key, err := isync.DecodeKeyRegistration("application/json",
			bytes.NewReader(body)); err == nil && len(key) != ed25519.PublicKeySize {
			t.Errorf("key registration accepted with a %d-byte key", len(key))
		}
		if b, err := isync.DecodeBundle(body, isync.ToHQ); err == nil &&
			(b.Format != isync.BundleFormat || b.Direction != isync.ToHQ) {
			t.Errorf("bundle accepted with format %q, direction %q", b.Format, b.Direction)
		}
	})
}

// checkPush checks an accepted push: within the limits, every decision
// with an ID, a known kind and data that decodes, and the same once
// encoded and decoded again.
func checkPush(t *testing.T, req *isync.PushRequest) {
	if len(req.Decisions) > isync.MaxBatch {
		t.Errorf("accepted %d decisions", len(req.Decisions))
	}
	for _, d := range req.Decisions {
		if d.ID == "" || !slices.Contains(selection.DecisionKinds, d.Kind) {
			t.Errorf("accepted decision %q of kind %q", d.ID, d.Kind)
		}
		if _, err := localdb.DecodeDecision(d.Kind, d.Data); err != nil {
			t.Errorf("accepted decision %q whose data does not decode: %v", d.ID, err)
		}
	}
	again, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := isync.DecodePush(again); err != nil {
		t.Errorf("accepted push does not decode again: %v", err)
	}
}
