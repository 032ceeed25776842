-- Colleagues outside the desk and the questions the desk asks them (issue 26, items 1 and 2).
-- The investigating officer, the duty inspector, a service head: people who hold the facts and
-- never sign in. Managers keep them in a small directory; an officer asks one or more of them a
-- question about an enquiry, by text or email, with a due time; each answers by a link of their
-- own or by replying. New tables only (and one more email outcome): every row an office already
-- has stays as it is.

CREATE TABLE colleague (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role        text NOT NULL DEFAULT '' CHECK (length(role) <= 100),
  department  text NOT NULL DEFAULT '' CHECK (length(department) <= 100),
  mobile      text CHECK (mobile ~ '^\+[1-9][0-9]{6,14}$'),
  email       text CHECK (length(email) <= 320),
  -- When they usually work, as the office's own week ({"mon": [["09:00","17:00"]], …}); null: any time.
  usual_hours jsonb,
  active      boolean NOT NULL DEFAULT true,
  -- When they were taken off the directory: retention counts from it (an edit since does not move it).
  deactivated_at timestamptz,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  CHECK (mobile IS NOT NULL OR email IS NOT NULL)
);
-- A number or address names one colleague (a reply is matched by it).
CREATE UNIQUE INDEX colleague_mobile ON colleague (mobile) WHERE active AND mobile IS NOT NULL;
CREATE UNIQUE INDEX colleague_email ON colleague (lower(email)) WHERE active AND email IS NOT NULL;

-- One question about an enquiry, asked of one or more colleagues.
CREATE TABLE colleague_question (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enquiry_id  bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  asked_by    text NOT NULL,
  asked_at    timestamptz NOT NULL,
  -- The officer's words; they may quote the journalist, so erasure blanks them.
  text        text NOT NULL,
  due_at      timestamptz NOT NULL,
  state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'withdrawn')),
  answered_at timestamptz,
  -- When the due time passed unanswered: the colleagues were reminded and the desk warned.
  overdue_at  timestamptz,
  closed_by   text,
  erased_at   timestamptz
);
CREATE INDEX colleague_question_enquiry ON colleague_question (enquiry_id, asked_at);
-- The queue's "Waiting on …" reads only the open ones.
CREATE INDEX colleague_question_open ON colleague_question (enquiry_id, due_at) WHERE state = 'open';

-- Each colleague a question went to: how, where (as sent), their link's hash and their reply code.
CREATE TABLE question_recipient (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  question_id  bigint NOT NULL REFERENCES colleague_question (id) ON DELETE CASCADE,
  colleague_id bigint REFERENCES colleague (id) ON DELETE SET NULL,
  -- Their name and role as they were when asked (the timeline and the queue show them).
  name         text NOT NULL,
  via          text NOT NULL CHECK (via IN ('sms', 'email')),
  address      text NOT NULL,
  -- Four digits a text reply may start with when the colleague has more than one question open.
  code         text NOT NULL CHECK (code ~ '^[0-9]{4}$'),
  -- The Message-ID of the email asking them, which their reply names in In-Reply-To/References.
  message_id   text,
  answered_at  timestamptz
);
CREATE INDEX question_recipient_question ON question_recipient (question_id);
CREATE INDEX question_recipient_address ON question_recipient (address);
CREATE INDEX question_recipient_message ON question_recipient (message_id) WHERE message_id IS NOT NULL;

-- The links a recipient was sent (one per message: the question, each reminder): the SHA-256 of
-- the token only, minted when the message carrying it is handed to the provider, as status links are.
CREATE TABLE question_link (
  token_hash   text PRIMARY KEY,
  recipient_id bigint NOT NULL REFERENCES question_recipient (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL
);
CREATE INDEX question_link_recipient ON question_link (recipient_id);

-- What a colleague answered, each time they answered.
CREATE TABLE question_answer (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  question_id  bigint NOT NULL REFERENCES colleague_question (id) ON DELETE CASCADE,
  recipient_id bigint NOT NULL REFERENCES question_recipient (id) ON DELETE CASCADE,
  via          text NOT NULL CHECK (via IN ('link', 'sms', 'email')),
  text         text NOT NULL,
  -- The email it came in (its attachments are that email's).
  email_id     bigint REFERENCES email_message (id) ON DELETE SET NULL,
  received_at  timestamptz NOT NULL
);
CREATE INDEX question_answer_question ON question_answer (question_id, received_at);

-- A colleague's emailed answer is recorded as such, not as the journalist's message.
ALTER TABLE email_message DROP CONSTRAINT email_message_outcome_check;
ALTER TABLE email_message ADD CONSTRAINT email_message_outcome_check
  CHECK (outcome IN ('new_enquiry', 'joined', 'bounce', 'ignored_auto', 'ignored_bounce', 'duplicate', 'no_sender',
                     'own_address', 'unreadable', 'colleague_answer'));
