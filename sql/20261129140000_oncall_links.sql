-- The link in the page (issue 15, item 2): the page SMS carries {PUBLIC_BASE_URL}/m/{token}, a
-- single-purpose sign-in to a mobile view of that one enquiry for the officer the page went to.
-- The token is a bearer credential, so only its SHA-256 is kept: a copy of the database (a
-- backup, a support dump) opens nothing. Rows hold no journalist data (the enquiry is a
-- reference by id), and go with the enquiry when it is deleted.
CREATE TABLE oncall_link (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- hex SHA-256 of the token (128 random bits): unguessable, so a plain hash (no salt) suffices
  -- and lets the lookup be one index probe.
  token_hash    text NOT NULL UNIQUE,
  enquiry_id    bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  page_id       bigint NOT NULL REFERENCES page (id) ON DELETE CASCADE,
  -- Who acts through it: the phone the page went to (E.164), and their rota person when known
  -- (for their name on the timeline; the person may later be removed, hence no foreign key).
  phone         text NOT NULL,
  person_id     bigint,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  -- When the view was last recorded as opened (oncall_viewed), so reloads do not flood the timeline.
  viewed_at     timestamptz,
  CHECK (expires_at > created_at)
);
CREATE INDEX oncall_link_enquiry ON oncall_link (enquiry_id);
CREATE INDEX oncall_link_expires ON oncall_link (expires_at);
