-- Who has an enquiry open on the desk, and who is writing on it (issue 29). Kept here, not in a
-- web process, so every process shows the same officers; a row is renewed by the page's
-- heartbeat and counts only until `expires_at` (a closed laptop drops out on its own).
-- One row per browser tab: closing one of two tabs does not hide the officer.
CREATE TABLE desk_presence (
  enquiry_id  bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  tab         text NOT NULL,
  -- What the officer is writing in (null: only viewing): the response, a reply, a note or a line.
  writing     text NULL CHECK (writing IN ('response', 'reply', 'note', 'line')),
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (enquiry_id, user_id, tab)
);
CREATE INDEX desk_presence_expires ON desk_presence (expires_at);

-- Each send from the enquiry page (reply, response, release, status change) by the key of the
-- form that made it, so a form submitted twice sends once (issue 29). Kept a day, then swept.
CREATE TABLE desk_send (
  enquiry_id  bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  form_key    text NOT NULL,
  -- A hash of what the form held: the same key with other words is not the same send.
  digest      text NOT NULL,
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  event_id    bigint NULL,
  at          timestamptz NOT NULL,
  PRIMARY KEY (enquiry_id, form_key)
);
CREATE INDEX desk_send_at ON desk_send (at);
