-- Escalation calls are bundled like page texts (issue 12, finding 6): when each phone was last
-- rung by a page, so that further calls to it inside onCall.bundleSeconds wait and go out as one
-- call for every page then waiting, instead of ringing once per enquiry during a storm.
ALTER TABLE page_phone_window ADD COLUMN last_call_at timestamptz;
-- A window row may now exist for a phone only ever rung, never texted.
ALTER TABLE page_phone_window ALTER COLUMN last_sent_at DROP NOT NULL;
