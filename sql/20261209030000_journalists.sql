-- Journalists and outlets (issue 29, item 3). A record per journalist the desk knows (names,
-- outlets, phones and emails, preferred channel, press card checked, flags, staff notes) and per
-- outlet (one name with its spellings, its type and area). Enquiries are matched to a record at
-- read time by their phone or email (`journalist_contact`), so intake is unchanged. New tables
-- only: every row an office already has stays as it is.

CREATE TABLE outlet (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- null: not yet set (an outlet created from a journalist's record).
  kind        text CHECK (kind IN ('national', 'regional', 'broadcast', 'trade', 'online')),
  area        text NOT NULL DEFAULT '' CHECK (length(area) <= 120),
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL,
  updated_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX outlet_name ON outlet (lower(name));

-- How enquiries spell an outlet ("Evening Gazette", "the gazette"), lowercased and trimmed:
-- each spelling names one outlet. The outlet's own name is one of its spellings.
CREATE TABLE outlet_spelling (
  spelling    text PRIMARY KEY CHECK (spelling = lower(spelling) AND length(spelling) BETWEEN 1 AND 200),
  outlet_id   bigint NOT NULL REFERENCES outlet (id) ON DELETE CASCADE
);
CREATE INDEX outlet_spelling_outlet ON outlet_spelling (outlet_id);

CREATE TABLE journalist (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  preferred_channel  text CHECK (preferred_channel IN ('phone', 'sms', 'email')),
  -- When an officer saw their UK Press Card (the College of Policing's guidance), and who.
  -- The day (YYYY-MM-DD, office time), as text: a calendar day, not an instant.
  press_card_checked_on text CHECK (press_card_checked_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  press_card_checked_by text,
  -- What every officer must see first: 'not_press', 'auditor', 'embargo_breach'.
  flags              text[] NOT NULL DEFAULT '{}',
  created_at         timestamptz NOT NULL,
  created_by         text NOT NULL,
  -- Retention counts from the last change and the last enquiry (src/privacy's sweep).
  updated_at         timestamptz NOT NULL
);
CREATE INDEX journalist_name ON journalist (lower(name));

-- A phone (E.164) or an email (lowercased) of a journalist: each value names one journalist.
CREATE TABLE journalist_contact (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  journalist_id  bigint NOT NULL REFERENCES journalist (id) ON DELETE CASCADE,
  kind           text NOT NULL CHECK (kind IN ('phone', 'email')),
  value          text NOT NULL CHECK (length(value) BETWEEN 1 AND 320),
  UNIQUE (value)
);
CREATE INDEX journalist_contact_journalist ON journalist_contact (journalist_id);

CREATE TABLE journalist_outlet (
  journalist_id  bigint NOT NULL REFERENCES journalist (id) ON DELETE CASCADE,
  outlet_id      bigint NOT NULL REFERENCES outlet (id) ON DELETE CASCADE,
  PRIMARY KEY (journalist_id, outlet_id)
);
CREATE INDEX journalist_outlet_outlet ON journalist_outlet (outlet_id);

-- Staff notes about a journalist, newest last; each is in the audit log too (without its words).
CREATE TABLE journalist_note (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  journalist_id  bigint NOT NULL REFERENCES journalist (id) ON DELETE CASCADE,
  at             timestamptz NOT NULL,
  written_by     text NOT NULL,
  text           text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000)
);
CREATE INDEX journalist_note_journalist ON journalist_note (journalist_id, at);
