-- OpenID Connect sign-in (issue 30, item 1). Two new tables: nothing an office already has changes,
-- and an office that never sets OIDC_ISSUER leaves both empty.

-- Which identity-provider account an app_user is: the issuer and its `sub` (never the email, which
-- a provider may reuse for someone else). Bound at the first sign-in through the provider; goes
-- with the staff account.
CREATE TABLE oidc_identity (
  user_id   bigint PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  issuer    text NOT NULL,
  sub       text NOT NULL,
  bound_at  timestamptz NOT NULL,
  UNIQUE (issuer, sub)
);

-- A sign-in under way: the browser holds a random token (HttpOnly cookie) whose hash is the key;
-- the state, nonce and PKCE verifier never leave the server. Single use, minutes long: the callback
-- deletes its row whatever happens, and each new attempt sweeps expired ones.
CREATE TABLE oidc_attempt (
  token_hash     text PRIMARY KEY,
  state          text NOT NULL,
  nonce          text NOT NULL,
  code_verifier  text NOT NULL,
  -- Where to go after signing in (a /desk path, checked when it was stored).
  next_path      text NOT NULL DEFAULT '/desk',
  expires_at     timestamptz NOT NULL
);
CREATE INDEX oidc_attempt_expires ON oidc_attempt (expires_at);
