-- Issue 27, item 6: calendar feeds of the on-call rota. A rota person's private feed of the
-- periods they hold primary or backup, and a manager's feed of the whole rota, each at
-- {PUBLIC_BASE_URL}/rota/feed/{token}.ics. The token is a bearer credential (a calendar app
-- sends it with every refresh), so only its SHA-256 is kept: a copy of the database opens no
-- feed, and the desk can show the address only once, when it is made. Revoking sets revoked_at;
-- a new feed for the same person (or manager) revokes the one before it. New table only:
-- existing rows elsewhere are untouched.
CREATE TABLE rota_feed (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- hex SHA-256 of the token (128 random bits): unguessable, so a plain hash suffices.
  token_hash       text NOT NULL UNIQUE,
  -- Whose feed: a rota person's own shifts, or (user_id) the whole rota for that manager.
  person_id        bigint REFERENCES person (id) ON DELETE CASCADE,
  user_id          bigint REFERENCES app_user (id) ON DELETE CASCADE,
  created_at       timestamptz NOT NULL,
  revoked_at       timestamptz,
  -- When a calendar last read it (at most every quarter of an hour), so the desk can say whether
  -- the address is in use.
  last_fetched_at  timestamptz,
  CHECK ((person_id IS NULL) <> (user_id IS NULL)),
  CHECK (revoked_at IS NULL OR revoked_at >= created_at)
);
-- At most one working feed per person and per manager: issuing a new one revokes the old in the
-- same transaction (which locks the person or user row first, so two managers cannot race).
CREATE UNIQUE INDEX rota_feed_person_live ON rota_feed (person_id) WHERE revoked_at IS NULL AND person_id IS NOT NULL;
CREATE UNIQUE INDEX rota_feed_user_live ON rota_feed (user_id) WHERE revoked_at IS NULL AND user_id IS NOT NULL;
