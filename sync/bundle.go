package sync

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// BundleFormat names the format of a sync bundle file and its version,
// after the slash: 2 for bundles signed with Ed25519. Version 1 was
// signed with HMAC-SHA256 under a key headquarters' store held, and is
// refused with ErrOldBundle.
const BundleFormat = bundleFamily + "2"

// bundleFamily starts the format of every version of the bundle.
const bundleFamily = "intiqa.bundle/"

// ErrOldBundle is returned for a bundle of an older format, which this
// version no longer reads: export it again with the current version.
var ErrOldBundle = errors.New("the bundle was written by an older version of Intiqa")

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

// ErrNoBundleKey is returned when the keys that sign or check a bundle
// are missing: the laptop was enrolled before bundles were signed with
// Ed25519 and has not synced over the network since, or the laptop of
// the bundle's token never registered its key with headquarters.
var ErrNoBundleKey = errors.New("no bundle signing key: sync this laptop once over the " +
	"network, or enroll it again, before exchanging bundles")

// Bundle is a sync bundle file: the same exchanges as the network
// carries, on a USB stick, for an office with no network. It is signed
// with Ed25519: a laptop's bundles with the laptop's private key, whose
// public key headquarters registered for its token at enrollment;
// headquarters' bundles with headquarters' key, whose public key the
// laptop received at enrollment. Neither side holds what would sign the
// other's bundles, and headquarters' store holds no laptop's private
// key.
type Bundle struct {
	Format    string    `json:"format"`
	Direction string    `json:"direction"`
	TokenID   string    `json:"token_id"`
	Province  string    `json:"province"`
	CreatedAt time.Time `json:"created_at"`
	Payload   []byte    `json:"payload"`   // gzip-compressed JSON of a BundleContent
	Signature string    `json:"signature"` // base64 Ed25519, see Bundle.signed
}

// BundleContent is what a bundle carries.
type BundleContent struct {
	Decisions []selection.Decision       `json:"decisions,omitempty"` // to headquarters
	Answers   []selection.DecisionResult `json:"answers,omitempty"`   // to the laptop
	Pages     []selection.ChangePage     `json:"pages,omitempty"`     // to the laptop
}

// signed returns what the signature covers: every field but itself,
// the payload by its SHA-256.
func (b *Bundle) signed() []byte {
	sum := sha256.Sum256(b.Payload)
	return fmt.Appendf(nil, "%s\n%s\n%s\n%s\n%s\n%x", b.Format, b.Direction, b.TokenID,
		b.Province, b.CreatedAt.UTC().Format(time.RFC3339Nano), sum)
}

// verify checks the bundle's signature with key.
func (b *Bundle) verify(key ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(b.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize || len(key) != ed25519.PublicKeySize ||
		!ed25519.Verify(key, b.signed(), sig) {
		return ErrBadSignature
	}
	return nil
}

// WriteBundle seals content in a bundle signed with key and writes it.
func WriteBundle(w io.Writer, b Bundle, key ed25519.PrivateKey, content *BundleContent) error {
	if len(key) != ed25519.PrivateKeySize {
		return fmt.Errorf("write bundle: %w", ErrNoBundleKey)
	}
	payload, err := gzipJSON(content)
	if err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	b.Format, b.Payload = BundleFormat, payload
	b.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, b.signed()))
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
// with the public key keyOf returns for its token, and decodes its
// content.
func ReadBundle(r io.Reader, direction string,
	keyOf func(tokenID string) (ed25519.PublicKey, error)) (*Bundle, *BundleContent, error) {
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
	if err := b.verify(key); err != nil {
		return nil, nil, err
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
	if err := checkFormat(b.Format); err != nil {
		return nil, err
	}
	switch {
	case b.Direction != direction:
		return nil, fmt.Errorf("%w: a bundle %s, not %s", ErrBadRequest, b.Direction, direction)
	case localdb.TokenIDValid(b.TokenID) != nil:
		return nil, fmt.Errorf("%w: token ID %q", ErrBadRequest, b.TokenID)
	}
	return &b, nil
}

// checkFormat checks a bundle's format: the current one, or an error
// that tells an older or newer version apart from what is no bundle.
func checkFormat(format string) error {
	rest, ok := strings.CutPrefix(format, bundleFamily)
	v, err := strconv.Atoi(rest)
	switch {
	case format == BundleFormat:
		return nil
	case !ok || err != nil || v < 1 || rest != strconv.Itoa(v):
		return fmt.Errorf("%w: not a sync bundle (format %q)", ErrBadRequest, format)
	case v < 2:
		return fmt.Errorf("%w: format %s, signed with the former shared key; export it "+
			"again with the current version", ErrOldBundle, format)
	}
	return fmt.Errorf("%w: format %s, written by a newer version of Intiqa: update this one",
		ErrBadRequest, format)
}

// laptopKeys returns the keys of a laptop's bundles, with an error
// that says what to do when it has none yet.
func laptopKeys(ctx context.Context, db *localdb.DB) (*localdb.BundleKeys, error) {
	k, err := db.BundleKeys(ctx)
	if errors.Is(err, localdb.ErrNoKey) {
		return nil, fmt.Errorf("%w (%v)", ErrNoBundleKey, err)
	}
	return k, err
}

// ExportBundle writes every decision waiting in a laptop's outbox to a
// signed bundle for headquarters, and returns how many it holds. The
// decisions stay in the outbox until headquarters' answers come back,
// by the network or in a bundle; exporting again is harmless.
func ExportBundle(ctx context.Context, db *localdb.DB, w io.Writer) (int, error) {
	keys, err := laptopKeys(ctx, db)
	if err != nil {
		return 0, err
	}
	items, err := db.Outbox(ctx, 1<<30)
	if err != nil {
		return 0, err
	}
	b := Bundle{Direction: ToHQ, TokenID: keys.TokenID, Province: db.Scope(),
		CreatedAt: time.Now().UTC()}
	return len(items), WriteBundle(w, b, keys.Private, &BundleContent{Decisions: items})
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
	keys, err := laptopKeys(ctx, db)
	if err != nil {
		return sum, err
	}
	b, content, err := ReadBundle(r, ToLaptop, func(tokenID string) (ed25519.PublicKey, error) {
		if tokenID != keys.TokenID {
			return nil, fmt.Errorf("%w: the bundle is for token %s, this laptop holds %s",
				ErrBadSignature, tokenID, keys.TokenID)
		}
		return keys.HQ, nil
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
