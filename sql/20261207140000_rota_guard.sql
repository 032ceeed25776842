-- Issue 27: the on-call chain guarded. Handoff reminders (a text before a shift starts, OK to
-- confirm, the managers alerted when nobody confirms, a text when it ends) and coverage gaps (a
-- stretch of out-of-hours time in the next days with nobody on call, or with someone whose number
-- failed its last page or test), each texted to the managers once.
-- Existing shifts keep their rows; the new columns start empty, so a shift already under way
-- on upgrade is simply not reminded (its start is past) and is not reported unconfirmed
-- (`reminded_at` is null: only a reminded shift can be unconfirmed).

ALTER TABLE rota_entry
  -- When the reminder before the start was queued (once per entry: the watch claims it here).
  ADD COLUMN reminded_at timestamptz,
  -- When its person confirmed (OK by text).
  ADD COLUMN confirmed_at timestamptz,
  -- When the managers were told nobody confirmed it (once).
  ADD COLUMN unconfirmed_alerted_at timestamptz,
  -- When the "your shift has ended" text was queued (once).
  ADD COLUMN end_notified_at timestamptz;

-- The watch's three questions are all "entries near now": the existing gist index on the period
-- answers them.

-- A gap as last found by the gap check. A gap found again (overlapping an open one of the same
-- kind and person) updates that row instead of making a new one, so the managers are texted once
-- per gap, not once per check; a gap no longer found is closed (`resolved_at`).
CREATE TABLE rota_gap (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  starts_at    timestamptz NOT NULL,
  ends_at      timestamptz NOT NULL,
  -- nobody: no primary on the rota; failed_number: the primary's number failed its last page or test.
  -- unverified_number: the primary's number has not been proved by a code.
  reason       text NOT NULL CHECK (reason IN ('nobody', 'failed_number', 'unverified_number')),
  -- The person whose number failed or is unverified. No foreign key: a gap outlives a rota change.
  person_id    bigint,
  found_at     timestamptz NOT NULL,
  resolved_at  timestamptz,
  CONSTRAINT rota_gap_ends_after_start CHECK (ends_at > starts_at)
);
CREATE INDEX rota_gap_open ON rota_gap (starts_at) WHERE resolved_at IS NULL;

-- "When did this number last take a page or a test, and did it?": the latest page or test
-- message to a phone, read per rota person by the gap check and the rota page.
CREATE INDEX outbound_message_staff_reach ON outbound_message (to_number, created_at DESC)
  WHERE owner_kind = 'page_step' OR idempotency_key LIKE 'test-page:%';

-- Numbers verified before use (item 3): a new or changed number of a person who can be on call is
-- texted (or, for a landline, called with) a six-digit code, and only a verified number can be put
-- on a shift from the desk. Numbers already on the rota when this ships have been taking pages, so
-- they count as verified from their last change; a dead one still shows in "last page or test" and
-- makes its shifts gaps.
ALTER TABLE person ADD COLUMN phone_verified_at timestamptz;
UPDATE person SET phone_verified_at = updated_at;

-- The code waiting for a person's current number: one at a time (a new one replaces it), stored
-- as a hash, expiring, with the wrong tries counted.
CREATE TABLE phone_verification (
  person_id   bigint PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE,
  -- The number the code was sent to (E.164): a code proves only that number.
  phone       text NOT NULL,
  code_hash   text NOT NULL,
  sent_at     timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  attempts    integer NOT NULL DEFAULT 0
);
