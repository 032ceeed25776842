-- Sign-off of an incident's holding and press lines, and an approver per incident (issue 26,
-- item 3). A line's draft is the line itself: its words wait for approval before "send the line"
-- (where statements.signOff requires it), bound to their SHA-256 like a response's. A draft is
-- now either an enquiry's response or an incident line's; every existing row is a response and
-- keeps its enquiry. Nothing is rewritten.
ALTER TABLE statement_draft ALTER COLUMN enquiry_id DROP NOT NULL;
ALTER TABLE statement_draft ADD COLUMN line_id bigint REFERENCES incident_line (id) ON DELETE CASCADE;
ALTER TABLE statement_draft DROP CONSTRAINT statement_draft_kind_check;
ALTER TABLE statement_draft ADD CONSTRAINT statement_draft_kind_check CHECK (
  (kind = 'response' AND enquiry_id IS NOT NULL AND line_id IS NULL)
  OR (kind = 'line' AND line_id IS NOT NULL AND enquiry_id IS NULL)
);
CREATE UNIQUE INDEX statement_draft_line ON statement_draft (line_id) WHERE line_id IS NOT NULL;

-- Who signs off what the office says about an incident (the SIO, the gold commander): offered
-- first when a line or a linked enquiry's response is sent for sign-off.
ALTER TABLE incident ADD COLUMN approver_id bigint REFERENCES colleague (id) ON DELETE SET NULL;
