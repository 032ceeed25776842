-- The on-call rota: who carries the on-call phone when, and who is paged after them.
-- Read by the paging engine through RotaService.onCallAt / nextContactAt; written by the manager
-- (the `npm run oncall` CLI now, the desk's rota page later).

-- Press-office staff who can be on call. Shifts point at a person rather than carrying a phone
-- number, so when someone changes their phone the desk edits it once and every shift follows.
-- People are deactivated, never deleted: the rota keeps its history of who was on call.
CREATE TABLE person (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (btrim(name) <> ''),
  -- E.164, as normalised by the service (libphonenumber-js); the check stops anything else
  -- (a national "07911…" written by hand in SQL) from becoming a number we can never match.
  phone       text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  -- Inactive people are skipped by every rota lookup, so deactivating someone who has left takes
  -- them off all their future shifts at once.
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- An inbound "ACK" is matched to staff by phone, so one phone must name one active person.
-- Partial: a number may come back to a new colleague after its old owner was deactivated.
CREATE UNIQUE INDEX person_active_phone ON person (phone) WHERE active;

-- Shifts and overrides. `primary` is the on-call press officer; `backup` is the next contact that
-- escalation pages after the primary. Entries may overlap: for one role at one instant an
-- override beats an ordinary shift, and among equals the most recently created wins, so a
-- manager fixes the rota by adding an entry rather than editing history.
CREATE TABLE rota_entry (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- NO ACTION: a person with rota history cannot be deleted, only deactivated.
  person_id    bigint NOT NULL REFERENCES person (id),
  role         text NOT NULL CHECK (role IN ('primary', 'backup')),
  -- Half-open [starts_at, ends_at): at ends_at the next shift applies, so back-to-back shifts
  -- never both claim the handover instant.
  starts_at    timestamptz NOT NULL,
  ends_at      timestamptz NOT NULL,
  is_override  boolean NOT NULL DEFAULT false,
  note         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- Who changed the rota ("cli:jo", a desk user's email): the rota decides who is woken at 2am.
  created_by   text NOT NULL CHECK (btrim(created_by) <> ''),
  CONSTRAINT rota_entry_ends_after_start CHECK (ends_at > starts_at)
);

-- "Which entries cover instant T" (tstzrange @> T) and "which entries touch this fortnight"
-- (tstzrange && range) are the only two reads, and this one GiST index serves both with both
-- bounds in the index. A btree on (role, starts_at, ends_at) would answer "starts_at <= T" by
-- walking every entry that started before T, i.e. the whole history, to check ends_at. Role is
-- left out (it would need the btree_gist extension): only a handful of rows cover any instant,
-- so filtering them by role costs nothing. The expression must match the queries' exactly.
CREATE INDEX rota_entry_period ON rota_entry USING gist (tstzrange(starts_at, ends_at, '[)'));

-- Listing or checking one person's shifts (and the foreign key's check when a person changes).
CREATE INDEX rota_entry_person ON rota_entry (person_id);
