-- The journalist's status page (issue 17): every enquiry gets a link /status/{token} that shows
-- where it stands and lets the journalist add to it, move the deadline or withdraw it.

-- Withdrawn: the journalist said it is no longer needed. It closes the enquiry (closed_at is set,
-- so the link's 30 days and retention run from it) but is not an answer: reports count it apart.
ALTER TABLE enquiry DROP CONSTRAINT enquiry_status_check;
ALTER TABLE enquiry ADD CONSTRAINT enquiry_status_check
  CHECK (status IN ('new', 'in_progress', 'waiting', 'answered', 'closed', 'withdrawn'));

-- When an officer released the recorded response to the status page (null: not shown there).
ALTER TABLE enquiry ADD COLUMN response_released_at timestamptz;
-- The journalist turned off the messages about changes (release, withdrawal, close).
ALTER TABLE enquiry ADD COLUMN updates_off boolean NOT NULL DEFAULT false;
-- When the journalist last added something the desk has not looked at yet (the queue marks it);
-- cleared when a member of staff opens the enquiry.
ALTER TABLE enquiry ADD COLUMN journalist_added_at timestamptz;

-- One row per link handed out: at intake (the 201, the confirmation page, the SMS or email
-- acknowledgement) and in each later message to the journalist. The token is a bearer credential
-- (128 random bits), so only its SHA-256 is kept and a copy of the database opens nothing. How
-- long a link works is the enquiry's business (until 30 days after it closes), so rows carry no
-- expiry of their own and go with the enquiry.
CREATE TABLE status_link (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash  text NOT NULL UNIQUE,
  enquiry_id  bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL
);
CREATE INDEX status_link_enquiry ON status_link (enquiry_id);
