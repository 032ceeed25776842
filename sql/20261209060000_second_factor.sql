-- A second factor for local accounts (issue 30, item 2): an authenticator app (TOTP, RFC 6238),
-- ten single-use recovery codes, and passkeys / security keys (WebAuthn). New tables only: an
-- office that never sets one up keeps signing in with its password alone.

-- The authenticator app of an account: one per account. It counts only once confirmed by a code
-- (a half-finished set-up never locks anyone out). `last_step` is the RFC 6238 time step of the
-- last code accepted: a code at or before it is a replay and refused.
CREATE TABLE second_factor_totp (
  user_id       bigint PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  -- The shared secret (base32). A secret: never logged, audited or shown again after set-up.
  secret        text NOT NULL,
  confirmed_at  timestamptz,
  last_step     bigint,
  created_at    timestamptz NOT NULL
);

-- Recovery codes: scrypt hashes with a per-code salt (the code itself is shown once); each
-- usable once. Regenerating replaces them all.
CREATE TABLE second_factor_recovery (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  code_hash   text NOT NULL,
  used_at     timestamptz,
  created_at  timestamptz NOT NULL
);
CREATE INDEX second_factor_recovery_user ON second_factor_recovery (user_id);

-- Passkeys and security keys: the credential's id (base64url) and public key; `counter` is the
-- authenticator's signature counter (0 for those that keep none).
CREATE TABLE second_factor_passkey (
  credential_id  text PRIMARY KEY,
  user_id        bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  label          text NOT NULL,
  public_key     bytea NOT NULL,
  counter        bigint NOT NULL DEFAULT 0,
  transports     text[] NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL,
  last_used_at   timestamptz
);
CREATE INDEX second_factor_passkey_user ON second_factor_passkey (user_id);

-- A sign-in waiting for its second factor: the password was right, but this is no session. The
-- browser holds a random token (HttpOnly cookie, path /desk/login) whose hash is the key;
-- minutes long, single use (deleted when the session opens). `webauthn_challenge` is the
-- passkey challenge last offered to it.
CREATE TABLE second_factor_pending (
  token_hash          text PRIMARY KEY,
  user_id             bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  csrf_token          text NOT NULL,
  next_path           text NOT NULL DEFAULT '/desk',
  known_device        boolean NOT NULL DEFAULT false,
  webauthn_challenge  text,
  created_at          timestamptz NOT NULL,
  expires_at          timestamptz NOT NULL
);
CREATE INDEX second_factor_pending_expires ON second_factor_pending (expires_at);

-- Sessions opened by a password alone while identity.requireSecondFactor is on: they reach only
-- the second-factor set-up (and sign-out) until the account has one.
CREATE TABLE second_factor_setup_session (
  token_hash  text PRIMARY KEY REFERENCES user_session (token_hash) ON DELETE CASCADE
);

-- A passkey being registered from a session: the challenge offered (one at a time per session).
CREATE TABLE second_factor_registration (
  token_hash  text PRIMARY KEY REFERENCES user_session (token_hash) ON DELETE CASCADE,
  challenge   text NOT NULL,
  expires_at  timestamptz NOT NULL
);
