-- Issue 27, item 4: swaps and cover without a manager. An officer asks for cover of all or part
-- of one of their on-call periods (cover_request); each colleague who can be on call gets a
-- single-purpose accept link (cover_offer). The link's token is a bearer credential, so only its
-- SHA-256 is kept; it expires when the covered period starts. The first colleague to accept
-- becomes an override on the rota (rota_entry_id). New tables only: existing rows are untouched.
CREATE TABLE cover_request (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Who asks for cover, for which role, over [starts_at, ends_at).
  person_id      bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  role           text NOT NULL CHECK (role IN ('primary', 'backup')),
  starts_at      timestamptz NOT NULL,
  ends_at        timestamptz NOT NULL,
  -- The requester's words to their colleagues (staff data; optional).
  note           text,
  created_at     timestamptz NOT NULL,
  -- The desk user who asked (the officer themself, or a manager on their behalf).
  created_by     text NOT NULL,
  cancelled_at   timestamptz,
  accepted_at    timestamptz,
  accepted_by    bigint REFERENCES person (id) ON DELETE SET NULL,
  rota_entry_id  bigint REFERENCES rota_entry (id) ON DELETE SET NULL,
  -- When the managers were told nobody had accepted (once).
  escalated_at   timestamptz,
  CHECK (ends_at > starts_at),
  CHECK (NOT (cancelled_at IS NOT NULL AND accepted_at IS NOT NULL))
);
CREATE INDEX cover_request_person ON cover_request (person_id, starts_at);
-- The every-minute watch looks only at requests still open.
CREATE INDEX cover_request_open ON cover_request (starts_at)
  WHERE cancelled_at IS NULL AND accepted_at IS NULL AND escalated_at IS NULL;

CREATE TABLE cover_offer (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id  bigint NOT NULL REFERENCES cover_request (id) ON DELETE CASCADE,
  -- The colleague the link went to.
  person_id   bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  -- hex SHA-256 of the token (128 random bits): unguessable, so a plain hash suffices.
  token_hash  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL,
  -- When the covered period starts: the link opens nothing from then on.
  expires_at  timestamptz NOT NULL,
  UNIQUE (request_id, person_id)
);
