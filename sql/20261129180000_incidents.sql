-- Major incidents and deadline warnings (issue 18).

-- An incident: a story the desk works as one (a shooting, a flood, a critical report). Its
-- search terms (websearch syntax, as the queue's search box) pick out the enquiries about it.
CREATE TABLE incident (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  description     text NOT NULL DEFAULT '',
  terms           text NOT NULL CHECK (length(terms) BETWEEN 1 AND 500),
  declared_at     timestamptz NOT NULL,
  -- Who declared it: a member of staff's email, or "on call (+44…)" from the link in a page.
  declared_by     text NOT NULL,
  -- On-call has the story (declared it, or acknowledged a page about it): from then on, urgent
  -- enquiries linked to it out of hours go into a summary every incidents.summaryMinutes instead
  -- of each paging.
  acknowledged_at timestamptz,
  -- The last summary text to on-call covered enquiries linked up to this instant.
  summarised_to   timestamptz,
  closed_at       timestamptz
);
CREATE INDEX incident_open ON incident (declared_at) WHERE closed_at IS NULL;

-- An enquiry is about at most one incident.
ALTER TABLE enquiry
  ADD COLUMN incident_id bigint REFERENCES incident (id) ON DELETE SET NULL,
  ADD COLUMN incident_linked_at timestamptz;
CREATE INDEX enquiry_incident ON enquiry (incident_id, incident_linked_at) WHERE incident_id IS NOT NULL;

-- Enquiries an officer took out of an incident: not suggested for it again.
CREATE TABLE incident_unlinked (
  incident_id bigint NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
  enquiry_id  bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  PRIMARY KEY (incident_id, enquiry_id)
);

-- What the office said about the incident: holding lines and released press lines, in order.
CREATE TABLE incident_line (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('holding', 'press')),
  text        text NOT NULL,
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL
);
CREATE INDEX incident_line_incident ON incident_line (incident_id, created_at);

-- Which enquiry was sent which line, and to whom (the contact: one message per person per line,
-- however many of their enquiries are linked).
CREATE TABLE incident_line_sent (
  line_id     bigint NOT NULL REFERENCES incident_line (id) ON DELETE CASCADE,
  enquiry_id  bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  contact     text NOT NULL,
  queued_at   timestamptz NOT NULL,
  PRIMARY KEY (line_id, enquiry_id)
);
CREATE INDEX incident_line_sent_contact ON incident_line_sent (line_id, contact);

-- Deadline warnings: when the desk is warned (desk.warnBeforeMinutes before respond_by: real
-- time before a journalist's deadline, opening time before the office's own target), and when
-- the warning and the breach were announced (each once).
ALTER TABLE enquiry
  ADD COLUMN warn_at timestamptz,
  ADD COLUMN warned_at timestamptz,
  ADD COLUMN breached_at timestamptz;
-- Enquiries open before this release: warned an hour of real time before (close enough for a
-- backlog that is already being worked).
UPDATE enquiry SET warn_at = respond_by - interval '60 minutes'
 WHERE respond_by IS NOT NULL AND status IN ('new', 'in_progress', 'waiting');
-- The sweep's two questions, each one index range: due warnings, due breaches.
CREATE INDEX enquiry_warn_due ON enquiry (warn_at)
  WHERE warned_at IS NULL AND first_response_at IS NULL AND status IN ('new', 'in_progress', 'waiting');
CREATE INDEX enquiry_breach_due ON enquiry (respond_by)
  WHERE breached_at IS NULL AND first_response_at IS NULL AND status IN ('new', 'in_progress', 'waiting');
-- The reports count warnings and breaches by when they happened.
CREATE INDEX enquiry_warned ON enquiry (warned_at) WHERE warned_at IS NOT NULL;
CREATE INDEX enquiry_breached ON enquiry (breached_at) WHERE breached_at IS NOT NULL;
