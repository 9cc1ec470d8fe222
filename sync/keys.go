package sync

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"intiqa/localdb"

	"github.com/go-resty/resty/v2"
)

// PathEnrollmentKey is where a laptop registers the public key that
// checks its sync bundles, and learns headquarters' own.
const PathEnrollmentKey = "/v1/enrollment/key"

// CodeKeyTaken answers a key registration for a token that already has
// another key: a token's key is never replaced.
const CodeKeyTaken = "key_taken"

// maxKeyBody is the most bytes a key registration's body may have.
const maxKeyBody = 4 << 10

// KeyRegistration is the body of a key registration: the laptop's
// Ed25519 public key (base64 in JSON).
type KeyRegistration struct {
	PublicKey []byte `json:"public_key"`
}

// DecodeKeyRegistration reads and decodes a key registration: JSON of
// at most a few kilobytes, whose key has the size of an Ed25519 public
// key.
func DecodeKeyRegistration(contentType string, body io.Reader) (ed25519.PublicKey, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != contentJSON {
		return nil, fmt.Errorf("%w: le corps doit être du JSON (Content-Type: application/json)",
			ErrMediaType)
	}
	raw, err := io.ReadAll(io.LimitReader(body, maxKeyBody+1))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || len(raw) > maxKeyBody:
		return nil, fmt.Errorf("%w: plus de %d octets", ErrTooLarge, maxKeyBody)
	case err != nil:
		return nil, fmt.Errorf("%w: corps illisible: %v", ErrBadRequest, err)
	}
	var reg KeyRegistration
	if err := decodeStrict(raw, &reg); err != nil {
		return nil, err
	}
	if len(reg.PublicKey) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: public_key: une clé Ed25519 de %d octets en base64 attendue",
			ErrBadRequest, ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(reg.PublicKey), nil
}

// handleEnrollmentKey registers the public key of the token's laptop
// and answers the enrollment with headquarters' public key. The same key
// registered again is answered the same; another key is refused.
func (s *Server) handleEnrollmentKey(w http.ResponseWriter, r *http.Request, t *localdb.Token) {
	pub, err := DecodeKeyRegistration(r.Header.Get("Content-Type"),
		http.MaxBytesReader(w, r.Body, maxKeyBody))
	if err != nil {
		writeError(w, requestError(err))
		return
	}
	err = s.db.RegisterKey(r.Context(), "sync:"+t.ID, t.ID, pub)
	switch {
	case errors.Is(err, localdb.ErrKeyTaken):
		writeError(w, &APIError{Status: http.StatusConflict, Code: CodeKeyTaken,
			Message: "ce jeton est déjà lié à la clé d'un autre poste : demandez au siège " +
				"un nouveau jeton d'enrôlement pour ce poste"})
		return
	case errors.Is(err, localdb.ErrRevoked):
		writeError(w, s.authError(err))
		return
	case err != nil:
		s.internalError(w, r.Context(), "register key", err)
		return
	}
	hq, err := s.db.HQKey(r.Context())
	if err != nil {
		s.internalError(w, r.Context(), "headquarters key", err)
		return
	}
	s.log.Info("signing key registered", keyToken, t.ID, keyProvince, t.Province)
	writeJSON(w, r, http.StatusOK, EnrollmentInfo{TokenID: t.ID, Province: t.Province,
		Role: t.Role, HQKey: hq.Public().(ed25519.PublicKey)})
}

// registerKey sends the laptop's public key for its token to
// headquarters through c, and returns headquarters' public key. The
// laptop's key is made, and kept, first: a registration tried again
// sends the same key.
func registerKey(ctx context.Context, db *localdb.DB, c *resty.Client, actor,
	tokenID string) (ed25519.PublicKey, error) {
	priv, err := db.SigningKey(ctx, actor, tokenID)
	if err != nil {
		return nil, err
	}
	var info EnrollmentInfo
	resp, err := c.R().SetContext(ctx).SetHeader("Content-Type", contentJSON).
		SetBody(KeyRegistration{PublicKey: priv.Public().(ed25519.PublicKey)}).
		SetResult(&info).SetError(&ErrorBody{}).Post(PathEnrollmentKey)
	if err := answerError(resp, err); err != nil {
		return nil, fmt.Errorf("register signing key: %w", err)
	}
	if info.TokenID != tokenID || len(info.HQKey) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("register signing key: headquarters answered no key for token %s",
			tokenID)
	}
	return ed25519.PublicKey(info.HQKey), nil
}

// ensureKeys gives a laptop enrolled before bundles were signed with
// Ed25519 its keys: it registers one with headquarters, once, at its
// next sync over the network. A headquarters that does not know the
// registration yet (not upgraded) does not keep the laptop from syncing:
// its bundles wait for the next attempt.
func (c *Client) ensureKeys(ctx context.Context) error {
	_, err := c.db.BundleKeys(ctx)
	if !errors.Is(err, localdb.ErrNoKey) {
		return err
	}
	id := localdb.TokenID(c.enr.Token)
	hq, err := registerKey(ctx, c.db, c.http, c.opts.Actor, id)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
		c.opts.Logger.Warn("headquarters does not register bundle keys yet", keyToken, id)
		return nil
	}
	if err != nil {
		return err
	}
	c.opts.Logger.Info("bundle signing key registered", keyToken, id)
	return c.db.KeepHQKey(ctx, c.opts.Actor, id, hq)
}
