-- Ed25519 keys that sign the sync bundles (see sync/bundle.go).
--
-- At headquarters: the public key each laptop registered for its
-- enrollment token, at most one per token and never replaced, so that a
-- token's holder cannot swap in another key. Headquarters' own key pair
-- is kept in sync_settings, created on first need. On a laptop, its
-- private key and headquarters' public key are kept in sync_settings
-- too.
CREATE TABLE sync_token_keys (
    token_id      TEXT PRIMARY KEY REFERENCES sync_tokens (id),
    public_key    TEXT NOT NULL, -- base64 of the 32-byte Ed25519 public key
    registered_at TEXT NOT NULL
) STRICT;
