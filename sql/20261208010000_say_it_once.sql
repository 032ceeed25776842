-- Say it once, well (issue 28): topics, lines to take, reply templates, how an enquiry ended, and a
-- searchable record of what the office said. Nothing here changes a row an office already has:
-- every new column is nullable or has a default, and enquiries closed before this migration simply
-- have no outcome (reports count them as "not recorded").

-- Topics: a managed list, not personal data (they stay after erasure so yearly figures add up).
-- `terms` (websearch syntax, as the queue's search box and incidents) suggest the topic at intake;
-- the rule columns say what a topic does to an enquiry that gets it.
CREATE TABLE topic (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name              text NOT NULL,
  terms             text NOT NULL DEFAULT '',
  suggest_line_id   bigint,
  require_signoff   boolean NOT NULL DEFAULT false,
  assign_to         bigint REFERENCES app_user (id) ON DELETE SET NULL,
  created_at        timestamptz NOT NULL,
  created_by        text NOT NULL,
  archived_at       timestamptz
);
CREATE UNIQUE INDEX topic_name ON topic (lower(name));

-- An enquiry's topics: suggested by a rule at intake (`source` rule, `added_by` null) or set by an
-- officer. No personal data: kept when the enquiry's journalist is erased.
CREATE TABLE enquiry_topic (
  enquiry_id  bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  topic_id    bigint NOT NULL REFERENCES topic (id) ON DELETE CASCADE,
  source      text NOT NULL CHECK (source IN ('rule', 'officer')),
  added_at    timestamptz NOT NULL,
  added_by    text,
  PRIMARY KEY (enquiry_id, topic_id)
);
CREATE INDEX enquiry_topic_topic ON enquiry_topic (topic_id, enquiry_id);

-- Lines to take: the office's approved wording. Its id is the number the on-call officer texts
-- (`LINE 12`). `state`: current, withdrawn, or superseded by `superseded_by`.
CREATE TABLE line_to_take (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title            text NOT NULL,
  text             text NOT NULL,
  state            text NOT NULL DEFAULT 'current' CHECK (state IN ('current', 'withdrawn', 'superseded')),
  superseded_by    bigint REFERENCES line_to_take (id),
  incident_id      bigint REFERENCES incident (id) ON DELETE SET NULL,
  approved_by      text NOT NULL,
  approved_at      timestamptz NOT NULL,
  review_by        date,
  created_at       timestamptz NOT NULL,
  created_by       text NOT NULL,
  updated_at       timestamptz NOT NULL,
  withdrawn_at     timestamptz,
  withdrawn_by     text,
  withdrawn_reason text,
  search           tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(text, '')), 'B')
  ) STORED
);
CREATE INDEX line_to_take_search ON line_to_take USING gin (search);
ALTER TABLE topic ADD CONSTRAINT topic_suggest_line FOREIGN KEY (suggest_line_id)
  REFERENCES line_to_take (id) ON DELETE SET NULL;

CREATE TABLE line_topic (
  line_id   bigint NOT NULL REFERENCES line_to_take (id) ON DELETE CASCADE,
  topic_id  bigint NOT NULL REFERENCES topic (id) ON DELETE CASCADE,
  PRIMARY KEY (line_id, topic_id)
);
CREATE INDEX line_topic_topic ON line_topic (topic_id);

-- Procedural replies kept by managers, with placeholders ({name}, {reference}, …) filled from the
-- enquiry when inserted.
CREATE TABLE reply_template (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title        text NOT NULL,
  body         text NOT NULL,
  created_at   timestamptz NOT NULL,
  created_by   text NOT NULL,
  updated_at   timestamptz NOT NULL,
  archived_at  timestamptz
);

-- What the office said to a journalist: every response recorded, SMS and email reply queued, and
-- line sent, with the library line it was (unchanged) when it was one. Searched by the desk ("what
-- we said"), counted by reports (lines used). The words can name people, so erasure blanks them
-- (`text`), keeping the row for the counts.
CREATE TABLE said (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enquiry_id  bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('response', 'sms_reply', 'email_reply', 'incident_line', 'outcome_message')),
  text        text NOT NULL,
  line_id     bigint REFERENCES line_to_take (id) ON DELETE SET NULL,
  actor       text,
  erased_at   timestamptz,
  search      tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(text, ''))) STORED
);
CREATE INDEX said_search ON said USING gin (search);
CREATE INDEX said_enquiry ON said (enquiry_id, at);
CREATE INDEX said_line ON said (line_id, at) WHERE line_id IS NOT NULL;

-- How an enquiry ended, recorded when it is answered or closed (null while open, and for enquiries
-- closed before this migration). `outcome_org`: the organisation a referral went to;
-- `duplicate_of`: the enquiry it duplicated.
ALTER TABLE enquiry
  ADD COLUMN outcome text CHECK (outcome IN ('answered', 'answered_with_line', 'no_comment', 'referred_foi',
                                             'referred_other', 'not_media', 'duplicate')),
  ADD COLUMN outcome_org text,
  ADD COLUMN duplicate_of bigint REFERENCES enquiry (id) ON DELETE SET NULL;
