-- The release decision (issue 26, item 4): each response recorded says what was released, what was
-- withheld and why (reasons from the office's own list, `statements.withholdReasons`, and words),
-- and who decided, as the College of Policing's media guidance expects the rationale to be
-- recorded. One row per response recorded; the words are the journalist's personal data and go
-- with an erasure, the reasons stay countable. A new table: every existing row stays as it is
-- (responses recorded before it have no decision row; the export lists what there is).
CREATE TABLE release_decision (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enquiry_id   bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  recorded_at  timestamptz NOT NULL,
  -- The member of staff (email) or on-call officer (name) who recorded it.
  recorded_by  text NOT NULL,
  -- Who made the decision, as named (the officer by default; "the SIO", "gold commander").
  decided_by   text NOT NULL,
  released     text NOT NULL,
  -- Whether the response was put on the journalist's status page when recorded.
  released_to_page boolean NOT NULL,
  withheld     text,
  reasons      text[] NOT NULL DEFAULT '{}',
  erased_at    timestamptz
);
CREATE INDEX release_decision_enquiry ON release_decision (enquiry_id, recorded_at);
CREATE INDEX release_decision_recorded ON release_decision (recorded_at);
