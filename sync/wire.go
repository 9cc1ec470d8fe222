// Package sync is the REST protocol between the province laptops and
// headquarters, over the localdb store: the headquarters server
// (Server), the laptop's client (Client) with its background document
// downloads, and the sync bundles that carry the same exchanges on a USB
// stick when an office has no network at all.
//
// A laptop pulls its province's changes page by page, each page applied
// with its cursor in one transaction, and pushes its outbox of decisions
// in gzip batches; headquarters applies a batch in one transaction and
// answers each decision: applied, duplicate, conflict or rejected. The
// API is described by openapi.json, served at /v1/openapi.json.
//
// The package's name is the protocol's; import the standard library's
// sync under another name beside it.
package sync

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"intiqa/localdb"
	"intiqa/selection"
)

// The API's paths, under the server's root.
const (
	PathHealth     = "/v1/health"
	PathOpenAPI    = "/v1/openapi.json"
	PathEnrollment = "/v1/enrollment"
	PathProgress   = "/v1/progress"
	// The province's paths take its code in place of {province}.
	PathChanges   = "/v1/provinces/{province}/changes"
	PathDecisions = "/v1/provinces/{province}/decisions"
	PathDocument  = "/v1/provinces/{province}/documents/{sha256}"
)

// Limits of a request.
const (
	// MaxBodyBytes is the most bytes a push's body may have on the wire.
	MaxBodyBytes = 16 << 20
	// MaxDecodedBytes is the most bytes a push's body may have once
	// decompressed: a final selection of the largest province fits.
	MaxDecodedBytes = 64 << 20
	// MaxBatch is the most decisions one push may carry.
	MaxBatch = 5000
	// maxIDLength is the longest decision ID accepted.
	maxIDLength = 128
)

// Media types of the API.
const (
	contentJSON = "application/json"
	encGzip     = "gzip"
)

// PushRequest is the body of a push: a batch of the outbox.
type PushRequest struct {
	Decisions []selection.Decision `json:"decisions"`

	pushed []localdb.Pushed // the decisions with their data decoded
}

// PushResponse answers a push, decision by decision, in order.
type PushResponse struct {
	Results []selection.DecisionResult `json:"results"`
}

// EnrollmentInfo is what headquarters tells a laptop about its token.
type EnrollmentInfo struct {
	TokenID  string             `json:"token_id"`
	Province string             `json:"province"`
	Role     selection.SyncRole `json:"role"`
	// HQKey is headquarters' Ed25519 public key, which checks the
	// bundles it writes: in the answer to a key registration.
	HQKey []byte `json:"hq_public_key,omitempty"`
}

// ErrorBody is the body of every error answer.
type ErrorBody struct {
	Error APIError `json:"error"`
}

// APIError is an error headquarters answered: a code for programs, a
// message in French for people, and the HTTP status.
type APIError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("headquarters answered %d %s: %s", e.Status, e.Code, e.Message)
}

// The codes of APIError.
const (
	CodeBadRequest   = "bad_request"
	CodeUnauthorized = "unauthorized"
	CodeRevoked      = "revoked"
	CodeForbidden    = "forbidden"
	CodeNotFound     = "not_found"
	CodeTooLarge     = "too_large"
	CodeMediaType    = "unsupported_media_type"
	CodeInternal     = "internal"
	CodeUnavailable  = "unavailable"
)

// ErrBadRequest marks a request the decoders refuse.
var ErrBadRequest = errors.New("bad request")

// ErrTooLarge marks a body over the limits.
var ErrTooLarge = errors.New("request too large")

// DecodePushRequest reads and decodes a push: its Content-Type must be
// JSON, its Content-Encoding gzip or none, and its body pass ReadBody and
// DecodePush.
func DecodePushRequest(contentType, encoding string, body io.Reader) (*PushRequest, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != contentJSON {
		return nil, fmt.Errorf("%w: le corps doit être du JSON (Content-Type: application/json)",
			ErrMediaType)
	}
	raw, err := ReadBody(&wireLimit{r: body, left: MaxBodyBytes}, encoding)
	if err != nil {
		return nil, err
	}
	return DecodePush(raw)
}

// wireLimit fails a read past the bytes left with ErrTooLarge.
type wireLimit struct {
	r    io.Reader
	left int64
}

func (l *wireLimit) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, fmt.Errorf("%w: plus de %d octets", ErrTooLarge, MaxBodyBytes)
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, fmt.Errorf("%w: plus de %d octets", ErrTooLarge, MaxBodyBytes)
	}
	return n, err
}

// DecodePush decodes the (already decompressed) body of a push: one JSON
// object, no unknown field, no trailing data, at most MaxBatch decisions,
// each with an ID, a known kind and data that decodes strictly into its
// domain type. The error says what is wrong and where.
func DecodePush(body []byte) (*PushRequest, error) {
	var req PushRequest
	if err := decodeStrict(body, &req); err != nil {
		return nil, err
	}
	if req.Decisions == nil {
		return nil, fmt.Errorf("%w: champ \"decisions\" absent", ErrBadRequest)
	}
	if len(req.Decisions) > MaxBatch {
		return nil, fmt.Errorf("%w: %d décisions, au plus %d par envoi", ErrTooLarge,
			len(req.Decisions), MaxBatch)
	}
	if err := checkDecisions(req.Decisions); err != nil {
		return nil, err
	}
	var err error
	if req.pushed, err = localdb.DecodePushed(req.Decisions); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return &req, nil
}

// checkDecisions checks the envelope of every decision of a batch.
func checkDecisions(ds []selection.Decision) error {
	for i, d := range ds {
		if err := checkDecision(d); err != nil {
			return fmt.Errorf("%w: décision %d: %v", ErrBadRequest, i, err)
		}
	}
	return nil
}

// checkDecision checks one decision of a push.
func checkDecision(d selection.Decision) error {
	switch {
	case d.ID == "" || len(d.ID) > maxIDLength:
		return fmt.Errorf("id %q: 1 à %d caractères", d.ID, maxIDLength)
	case len(d.Base) > maxIDLength:
		return fmt.Errorf("base %q: au plus %d caractères", d.Base, maxIDLength)
	case len(d.Data) == 0:
		return errors.New("champ \"data\" absent")
	case !slices.Contains(selection.DecisionKinds, d.Kind):
		return fmt.Errorf("type de décision inconnu %q", d.Kind)
	}
	return nil
}

// decodeStrict decodes one JSON value into v, refusing unknown fields
// and trailing data.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: JSON invalide: %v", ErrBadRequest, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: données après l'objet JSON", ErrBadRequest)
	}
	return nil
}

// ReadBody reads a request body of the given Content-Encoding ("" or
// gzip), at most MaxDecodedBytes once decompressed.
func ReadBody(r io.Reader, encoding string) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
	case encGzip:
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%w: corps gzip illisible: %v", ErrBadRequest, err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("%w: Content-Encoding %q", ErrMediaType, encoding)
	}
	body, err := io.ReadAll(io.LimitReader(r, MaxDecodedBytes+1))
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, ErrTooLarge):
		return nil, err
	case errors.As(err, &tooBig):
		return nil, fmt.Errorf("%w: plus de %d octets", ErrTooLarge, MaxBodyBytes)
	case err != nil:
		return nil, fmt.Errorf("%w: corps illisible: %v", ErrBadRequest, err)
	case len(body) > MaxDecodedBytes:
		return nil, fmt.Errorf("%w: plus de %d octets une fois décompressé", ErrTooLarge,
			MaxDecodedBytes)
	}
	return body, nil
}

// ErrMediaType marks a body of a type or encoding the API does not take.
var ErrMediaType = errors.New("unsupported media type")

// ChangesQuery is the query of a pull.
type ChangesQuery struct {
	Cursor int64
	Limit  int
}

// DecodeChangesQuery reads a pull's query string: cursor (0 or more,
// default 0) and limit (1 to localdb.MaxPageSize, default
// DefaultPageSize); any other parameter is refused.
func DecodeChangesQuery(raw string) (ChangesQuery, error) {
	q := ChangesQuery{Limit: DefaultPageSize}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return q, fmt.Errorf("%w: paramètres illisibles: %v", ErrBadRequest, err)
	}
	for k, vs := range vals {
		if len(vs) != 1 {
			return q, fmt.Errorf("%w: paramètre %q donné %d fois", ErrBadRequest, k, len(vs))
		}
		n, err := strconv.ParseInt(vs[0], 10, 64)
		switch k {
		case "cursor":
			if err != nil || n < 0 {
				return q, fmt.Errorf("%w: cursor %q: un entier positif ou nul", ErrBadRequest, vs[0])
			}
			q.Cursor = n
		case "limit":
			if err != nil || n < 1 || n > localdb.MaxPageSize {
				return q, fmt.Errorf("%w: limit %q: un entier de 1 à %d", ErrBadRequest, vs[0],
					localdb.MaxPageSize)
			}
			q.Limit = int(n)
		default:
			return q, fmt.Errorf("%w: paramètre inconnu %q", ErrBadRequest, k)
		}
	}
	return q, nil
}

// DefaultPageSize is how many changes a pull page holds unless asked.
const DefaultPageSize = 2000

// ParseBearer returns the token of an Authorization header "Bearer
// TOKEN".
func ParseBearer(header string) (string, error) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > 256 {
		return "", fmt.Errorf("%w: en-tête Authorization « Bearer JETON » attendu", ErrBadRequest)
	}
	return token, nil
}

// IsSHA256 reports whether s is a lower-case hex SHA-256.
func IsSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
