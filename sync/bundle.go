package sync

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// BundleFormat names the format of a sync bundle file.
const BundleFormat = "intiqa.bundle/1"

// The directions of a bundle.
const (
	ToHQ     = "to-hq"     // a laptop's pending decisions
	ToLaptop = "to-laptop" // headquarters' answers and the province's changes
)

// MaxBundleBytes is the largest bundle file read, and the most bytes its
// payload may decompress to.
const MaxBundleBytes = 1 << 30

// ErrBadSignature is returned for a bundle whose signature does not match
// its content and its token: it was altered, or made for another laptop.
var ErrBadSignature = errors.New("the bundle's signature does not match")

// Bundle is a sync bundle file: the same exchanges as the network
// carries, on a USB stick, for an office with no network. It is signed
// with HMAC-SHA256 under the SHA-256 of the laptop's enrollment token,
// which the laptop holds and headquarters keeps.
type Bundle struct {
	Format    string    `json:"format"`
	Direction string    `json:"direction"`
	TokenID   string    `json:"token_id"`
	Province  string    `json:"province"`
	CreatedAt time.Time `json:"created_at"`
	Payload   []byte    `json:"payload"`   // gzip-compressed JSON of a BundleContent
	Signature string    `json:"signature"` // hex HMAC-SHA256, see Bundle.mac
}

// BundleContent is what a bundle carries.
type BundleContent struct {
	Decisions []selection.Decision       `json:"decisions,omitempty"` // to headquarters
	Answers   []selection.DecisionResult `json:"answers,omitempty"`   // to the laptop
	Pages     []selection.ChangePage     `json:"pages,omitempty"`     // to the laptop
}

// mac computes the bundle's signature over every field but itself.
func (b *Bundle) mac(key []byte) string {
	m := hmac.New(sha256.New, key)
	sum := sha256.Sum256(b.Payload)
	fmt.Fprintf(m, "%s\n%s\n%s\n%s\n%s\n%x", b.Format, b.Direction, b.TokenID, b.Province,
		b.CreatedAt.UTC().Format(time.RFC3339Nano), sum)
	return hex.EncodeToString(m.Sum(nil))
}

// WriteBundle seals content in a bundle signed with key and writes it.
func WriteBundle(w io.Writer, b Bundle, key []byte, content *BundleContent) error {
	payload, err := gzipJSON(content)
	if err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	b.Format, b.Payload = BundleFormat, payload
	b.Signature = b.mac(key)
	body, err := marshalJSON(&b)
	if err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	return nil
}

// ReadBundle reads a bundle going in direction, checks its signature
// with the key keyOf returns for its token, and decodes its content.
func ReadBundle(r io.Reader, direction string,
	keyOf func(tokenID string) ([]byte, error)) (*Bundle, *BundleContent, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBundleBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read bundle: %w", err)
	}
	b, err := DecodeBundle(raw, direction)
	if err != nil {
		return nil, nil, err
	}
	key, err := keyOf(b.TokenID)
	if err != nil {
		return nil, nil, err
	}
	if !hmac.Equal([]byte(b.mac(key)), []byte(b.Signature)) {
		return nil, nil, ErrBadSignature
	}
	var content BundleContent
	zr, err := gzip.NewReader(bytes.NewReader(b.Payload))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: bundle payload: %v", ErrBadRequest, err)
	}
	body, err := io.ReadAll(io.LimitReader(zr, MaxBundleBytes+1))
	if err != nil || len(body) > MaxBundleBytes {
		return nil, nil, fmt.Errorf("%w: bundle payload unreadable or too large", ErrBadRequest)
	}
	if err := decodeStrict(body, &content); err != nil {
		return nil, nil, err
	}
	return b, &content, nil
}

// DecodeBundle decodes a bundle file's envelope and checks its format
// and direction; the signature is checked by ReadBundle.
func DecodeBundle(raw []byte, direction string) (*Bundle, error) {
	if len(raw) > MaxBundleBytes {
		return nil, fmt.Errorf("%w: bundle over %d bytes", ErrTooLarge, MaxBundleBytes)
	}
	var b Bundle
	if err := decodeStrict(raw, &b); err != nil {
		return nil, err
	}
	switch {
	case b.Format != BundleFormat:
		return nil, fmt.Errorf("%w: not a sync bundle (format %q)", ErrBadRequest, b.Format)
	case b.Direction != direction:
		return nil, fmt.Errorf("%w: a bundle %s, not %s", ErrBadRequest, b.Direction, direction)
	case localdb.TokenIDValid(b.TokenID) != nil:
		return nil, fmt.Errorf("%w: token ID %q", ErrBadRequest, b.TokenID)
	}
	return &b, nil
}

// laptopKey returns the key that signs a laptop's bundles, from its
// token.
func laptopKey(e *localdb.Enrollment) (string, []byte) {
	key, _ := hex.DecodeString(localdb.TokenHash(e.Token))
	return localdb.TokenID(e.Token), key
}

// ExportBundle writes every decision waiting in a laptop's outbox to a
// signed bundle for headquarters, and returns how many it holds. The
// decisions stay in the outbox until headquarters' answers come back,
// by the network or in a bundle; exporting again is harmless.
func ExportBundle(ctx context.Context, db *localdb.DB, w io.Writer) (int, error) {
	enr, err := db.Enrollment(ctx)
	if err != nil {
		return 0, err
	}
	items, err := db.Outbox(ctx, 1<<30)
	if err != nil {
		return 0, err
	}
	id, key := laptopKey(enr)
	b := Bundle{Direction: ToHQ, TokenID: id, Province: enr.Province, CreatedAt: time.Now().UTC()}
	return len(items), WriteBundle(w, b, key, &BundleContent{Decisions: items})
}

// BundleSummary tells what importing a bundle did.
type BundleSummary struct {
	Answers int // answers about this laptop's decisions
	Changes int // changes of the province applied
}

// ImportBundle reads a bundle headquarters wrote for this laptop and
// applies it as a sync would: the answers about its decisions, then the
// province's changes, page by page. A bundle imported twice changes
// nothing more.
func ImportBundle(ctx context.Context, db *localdb.DB, actor string, r io.Reader) (BundleSummary, error) {
	var sum BundleSummary
	enr, err := db.Enrollment(ctx)
	if err != nil {
		return sum, err
	}
	id, key := laptopKey(enr)
	b, content, err := ReadBundle(r, ToLaptop, func(tokenID string) ([]byte, error) {
		if tokenID != id {
			return nil, fmt.Errorf("%w: the bundle is for token %s, this laptop holds %s",
				ErrBadSignature, tokenID, id)
		}
		return key, nil
	})
	if err != nil {
		return sum, err
	}
	if b.Province != db.Scope() {
		return sum, fmt.Errorf("bundle of province %s: %w", b.Province, localdb.ErrScope)
	}
	if err := db.Acknowledge(ctx, actor, content.Answers); err != nil {
		return sum, err
	}
	sum.Answers = len(content.Answers)
	for i := range content.Pages {
		if err := db.ApplyChanges(ctx, actor, &content.Pages[i]); err != nil {
			return sum, err
		}
		sum.Changes += len(content.Pages[i].Changes)
	}
	return sum, nil
}
