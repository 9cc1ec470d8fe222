package localdb_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"

	"intiqa/localdb"
	"intiqa/selection"
)

func TestTokenKeys(t *testing.T) {
	ctx := context.Background()
	hq := MustOpen(t, localdb.NationalScope)
	token, tok, err := hq.CreateToken(ctx, "hq", testProvince, selection.SyncSupervisor, "t")
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	other, _, _ := ed25519.GenerateKey(rand.Reader)

	// No key before the laptop registers one.
	if _, _, err := hq.TokenPublicKey(ctx, tok.ID); !errors.Is(err, localdb.ErrNoKey) {
		t.Errorf("key before registration: %v, want ErrNoKey", err)
	}
	if err := hq.RegisterKey(ctx, "hq", "0123456789ab", pub); !errors.Is(err,
		localdb.ErrNotFound) {
		t.Errorf("key of an unknown token: %v, want ErrNotFound", err)
	}

	// One key per token: the same again is harmless, another refused.
	for i, c := range []struct {
		key  ed25519.PublicKey
		want error
	}{{pub, nil}, {pub, nil}, {other, localdb.ErrKeyTaken}} {
		if err := hq.RegisterKey(ctx, "hq", tok.ID, c.key); !errors.Is(err, c.want) {
			t.Errorf("registration %d: %v, want %v", i+1, err, c.want)
		}
	}
	if _, got, err := hq.TokenPublicKey(ctx, tok.ID); err != nil || !got.Equal(pub) {
		t.Errorf("registered key: %x, %v", got, err)
	}

	// A revoked token takes no key.
	_, tok2, _ := hq.CreateToken(ctx, "hq", testProvince, selection.SyncPanel, "t2")
	if err := hq.RevokeToken(ctx, "hq", tok2.ID); err != nil {
		t.Fatal(err)
	}
	if err := hq.RegisterKey(ctx, "hq", tok2.ID, other); !errors.Is(err, localdb.ErrRevoked) {
		t.Errorf("key of a revoked token: %v, want ErrRevoked", err)
	}

	// Headquarters' key is made once.
	k1, err := hq.HQKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k2, err := hq.HQKey(ctx); err != nil || !k2.Equal(k1) {
		t.Errorf("headquarters' key changed: %v", err)
	}

	// Each side's keys stay in their own kind of store.
	lap := MustOpen(t, testProvince)
	if _, err := lap.HQKey(ctx); !errors.Is(err, localdb.ErrScope) {
		t.Errorf("headquarters' key in a laptop store: %v", err)
	}
	if _, err := hq.SigningKey(ctx, "admin", tok.ID); !errors.Is(err, localdb.ErrScope) {
		t.Errorf("laptop key in the national store: %v", err)
	}

	// A laptop keeps its key for a token until headquarters answers.
	priv, err := lap.SigningKey(ctx, "admin", tok.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := lap.SigningKey(ctx, "admin", tok.ID); err != nil || !again.Equal(priv) {
		t.Errorf("second key for the same token: %v", err)
	}
	if _, err := lap.BundleKeys(ctx); !errors.Is(err, localdb.ErrNotFound) {
		t.Errorf("bundle keys before enrollment: %v, want ErrNotFound", err)
	}
	hqPub := k1.Public().(ed25519.PublicKey)
	if err := lap.Enroll(ctx, "admin", localdb.Enrollment{Token: token, Province: testProvince,
		Role: selection.SyncSupervisor, HQKey: hqPub}); err != nil {
		t.Fatal(err)
	}
	keys, err := lap.BundleKeys(ctx)
	if err != nil || !keys.Private.Equal(priv) || !keys.HQ.Equal(hqPub) || keys.TokenID != tok.ID {
		t.Errorf("bundle keys after enrollment: %+v, %v", keys, err)
	}
	if err := lap.KeepHQKey(ctx, "admin", tok2.ID, hqPub); !errors.Is(err, localdb.ErrScope) {
		t.Errorf("headquarters' key kept for another token: %v, want ErrScope", err)
	}
}
