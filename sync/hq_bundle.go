package sync

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"intiqa/localdb"
	"intiqa/selection"
)

// marshalJSON encodes v in JSON.
func marshalJSON(v any) ([]byte, error) { return json.Marshal(v) }

// ImportLaptopBundle applies at headquarters a bundle a laptop exported,
// with the same checks and idempotency as a push: it must be signed with
// the key the laptop registered for its token, the token must be valid
// and of the bundle's province, and decisions applied before answer
// duplicate. It returns the token and the answers, which go back
// to the laptop in the reply bundle.
func ImportLaptopBundle(ctx context.Context, hq *localdb.DB, r io.Reader) (*localdb.Token,
	[]selection.DecisionResult, error) {
	var tok *localdb.Token
	b, content, err := ReadBundle(r, ToHQ, func(id string) (ed25519.PublicKey, error) {
		t, key, err := tokenKey(ctx, hq, id)
		tok = t
		return key, err
	})
	if err != nil {
		return nil, nil, err
	}
	if b.Province != tok.Province {
		return nil, nil, fmt.Errorf("bundle of province %s from a token of province %s: %w",
			b.Province, tok.Province, localdb.ErrScope)
	}
	if len(content.Decisions) == 0 {
		return tok, nil, nil
	}
	if err := checkDecisions(content.Decisions); err != nil {
		return nil, nil, err
	}
	pushed, err := localdb.DecodePushed(content.Decisions)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	from := localdb.Pusher{TokenID: tok.ID, Province: tok.Province, Role: tok.Role}
	results, err := hq.ApplyDecisions(ctx, from, pushed)
	if err != nil {
		return nil, nil, err
	}
	return tok, results, nil
}

// WriteProvinceBundle writes, for the laptop of a token, a bundle of
// headquarters' answers (may be nil) and of its province's changes after
// since (0 for all of them), and returns how many changes it holds.
func WriteProvinceBundle(ctx context.Context, hq *localdb.DB, w io.Writer, tokenID string,
	since int64, answers []selection.DecisionResult) (int, error) {
	// Only a laptop that registered its key holds headquarters' key, to
	// check the bundle with.
	t, _, err := tokenKey(ctx, hq, tokenID)
	if err != nil {
		return 0, err
	}
	key, err := hq.HQKey(ctx)
	if err != nil {
		return 0, err
	}
	content := &BundleContent{Answers: answers}
	n := 0
	for cursor := since; ; {
		page, err := hq.Changes(ctx, t.Province, cursor, localdb.MaxPageSize)
		if err != nil {
			return 0, err
		}
		content.Pages = append(content.Pages, *page)
		n += len(page.Changes)
		if !page.More {
			break
		}
		cursor = page.Cursor
	}
	b := Bundle{Direction: ToLaptop, TokenID: t.ID, Province: t.Province, CreatedAt: time.Now().UTC()}
	return n, WriteBundle(w, b, key, content)
}

// tokenKey returns a valid token and the public key its laptop
// registered, with an error that says what to do when it has none.
func tokenKey(ctx context.Context, hq *localdb.DB, id string) (*localdb.Token,
	ed25519.PublicKey, error) {
	t, key, err := hq.TokenPublicKey(ctx, id)
	switch {
	case errors.Is(err, localdb.ErrNoKey):
		return nil, nil, fmt.Errorf("%w (%v)", ErrNoBundleKey, err)
	case err != nil:
		return nil, nil, err
	case !t.RevokedAt.IsZero():
		return nil, nil, fmt.Errorf("token %s: %w", id, localdb.ErrRevoked)
	}
	return t, key, nil
}
