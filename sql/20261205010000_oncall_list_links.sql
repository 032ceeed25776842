-- Issue 22, item 1: a bundled page text lists as many enquiries as fit Twilio's limits and ends
-- "and N more: {PUBLIC_BASE_URL}/m/list/{token}", a link to the list of every enquiry of that
-- bundle for the officer it went to. As with the page link (oncall_link), the token is a bearer
-- credential: only its SHA-256 is kept, and it stops working after onCall.linkHours. Its scope is
-- exactly the enquiries of that one text (oncall_list_link_enquiry). No journalist data is held
-- here (enquiries by id), and the rows go with their enquiries. New tables only: existing rows
-- are untouched.
CREATE TABLE oncall_list_link (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash    text NOT NULL UNIQUE,
  -- The phone the bundle went to (E.164), and its rota person when known (no foreign key: the
  -- person may later be removed).
  phone         text NOT NULL,
  person_id     bigint,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  -- When the list was last recorded (audit log) as opened, so reloads do not flood the log.
  viewed_at     timestamptz,
  CHECK (expires_at > created_at)
);
CREATE INDEX oncall_list_link_expires ON oncall_list_link (expires_at);

CREATE TABLE oncall_list_link_enquiry (
  link_id       bigint NOT NULL REFERENCES oncall_list_link (id) ON DELETE CASCADE,
  enquiry_id    bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  page_id       bigint NOT NULL REFERENCES page (id) ON DELETE CASCADE,
  PRIMARY KEY (link_id, enquiry_id)
);
CREATE INDEX oncall_list_link_enquiry_enquiry ON oncall_list_link_enquiry (enquiry_id);
