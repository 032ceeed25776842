-- The link in a shift reminder (issue 27, items 1 and 4): its person opens it on their phone to
-- confirm the shift, or to ask colleagues to cover it, without a desk sign-in. A bearer link like
-- the status page's: only the token's hash is kept, and it stops when the shift ends. It opens
-- that one shift and nothing else.
CREATE TABLE shift_link (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entry_id    bigint NOT NULL REFERENCES rota_entry (id) ON DELETE CASCADE,
  token_hash  text NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX shift_link_entry ON shift_link (entry_id);
