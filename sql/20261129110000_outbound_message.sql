-- One outbound table (issue 13, item 1): every physical message that leaves Press Desk, one row
-- per SMS or call actually handed to the provider (a page text, a page call, a bundle of pages,
-- a text to a journalist, the morning digest, a test page), claimed, looked up after an unknown
-- outcome and recorded the same way by the outbox (src/outbox/). Before this, plain texts were
-- rows of `outbound_sms` while page sends kept their delivery record on `page_step`, and a
-- bundle was several page_step rows that had to be claimed and recorded together.
--
-- page_step stays the escalation record (which step, what action, whom, and whether it was
-- held for a bundle, skipped, sent or refused) and points at the outbound row that carried it:
-- several steps of a bundle point at one row.
CREATE TABLE outbound_message (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Who is told about the row's delivery callbacks (src/outbox/delivery-status.ts): the page
  -- steps that point at it, or the outbox itself for a plain text.
  owner_kind      text NOT NULL CHECK (owner_kind IN ('page_step', 'message')),
  medium          text NOT NULL CHECK (medium IN ('sms', 'call')),
  -- A plain text is sent once per key (its job's key); a page row is named after the first
  -- step it carried ('page-step:<id>'), a step being carried by one row at most.
  idempotency_key text NOT NULL UNIQUE,
  -- The enquiry a plain text is about (null for the digest and test pages, and for page rows:
  -- a bundle is about several enquiries; their steps say which).
  enquiry_id      bigint REFERENCES enquiry (id) ON DELETE CASCADE,
  to_number       text NOT NULL,
  -- The SMS text or the TwiML the call plays, as last handed to the provider. Null only for
  -- page sends recorded before this table existed: their texts were never stored.
  content         text,
  -- sending: claimed, and maybe already at the provider (outcome_unknown says whether to look
  -- before sending again); sent: the provider took it; failed: refused for good.
  state           text NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
  outcome_unknown boolean NOT NULL DEFAULT false,
  provider_sid    text,
  provider_status text,
  -- Claims so far (each claim may reach the provider once).
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  created_at      timestamptz NOT NULL,
  sent_at         timestamptz
);
-- Delivery callbacks find their row by the provider's id.
CREATE INDEX outbound_message_sid ON outbound_message (provider_sid) WHERE provider_sid IS NOT NULL;
-- The desk's enquiry page, subject access and erasure read a journalist's texts by enquiry.
CREATE INDEX outbound_message_enquiry ON outbound_message (enquiry_id) WHERE enquiry_id IS NOT NULL;
-- A call look-up after a crash skips the calls already recorded to that phone.
CREATE INDEX outbound_message_to ON outbound_message (to_number, medium);

-- Plain texts move as they are (history, and any still being sent: their job finds its row by
-- the same key and looks it up first when its outcome is unknown).
INSERT INTO outbound_message (owner_kind, medium, idempotency_key, enquiry_id, to_number, content, state, outcome_unknown,
                              provider_sid, provider_status, attempts, last_error, created_at, sent_at)
SELECT 'message', 'sms', idempotency_key, enquiry_id, to_number, body, state, outcome_unknown,
       provider_sid, provider_status,
       -- Attempts were not counted for texts: one at least for any that was claimed.
       CASE WHEN state <> 'sending' OR outcome_unknown OR last_error IS NOT NULL THEN 1 ELSE 0 END,
       last_error, created_at, sent_at
  FROM outbound_sms
 ORDER BY id;

ALTER TABLE page_step ADD COLUMN outbound_id bigint REFERENCES outbound_message (id);
CREATE INDEX page_step_outbound ON page_step (outbound_id) WHERE outbound_id IS NOT NULL;

-- Page sends: every step that was ever claimed gets the row of the message that carried it.
-- Steps sent under one provider id (a bundle) share one row. Steps of active pages held for a
-- bundle whose sending was claimed but not finished (attempts > 0 or outcome unknown) were
-- claimed together, one phone and kind at a time: they share one row in state 'sending', so the
-- next bundle run looks the earlier attempt up before sending again. Likewise a single step
-- left 'sending' with its outcome unknown keeps outcome_unknown on its row. Anything else
-- claimed (refused, or an orphan of an acknowledged page) gets a row of its own.
CREATE TEMP TABLE step_group AS
SELECT s.id AS step_id,
       CASE
         WHEN s.provider_sid IS NOT NULL THEN 'sid:' || s.provider_sid
         WHEN s.state = 'waiting_bundle' AND p.status = 'active' THEN 'held:' || s.action || ':' || s.to_number
         ELSE 'step:' || s.id
       END AS grp
  FROM page_step s JOIN page p ON p.id = s.page_id
 WHERE s.provider_sid IS NOT NULL OR s.state IN ('sent', 'failed') OR s.attempts > 0 OR s.outcome_unknown;

INSERT INTO outbound_message (owner_kind, medium, idempotency_key, enquiry_id, to_number, content, state, outcome_unknown,
                              provider_sid, provider_status, attempts, last_error, created_at, sent_at)
SELECT 'page_step', min(s.action), 'page-step:' || min(s.id), NULL, min(s.to_number), NULL,
       CASE WHEN bool_or(s.state = 'sent') THEN 'sent' WHEN bool_and(s.state = 'failed') THEN 'failed' ELSE 'sending' END,
       bool_or(s.outcome_unknown), max(s.provider_sid), max(s.provider_status), max(s.attempts), max(s.last_error),
       min(s.created_at), max(s.sent_at)
  FROM step_group g JOIN page_step s ON s.id = g.step_id
 GROUP BY g.grp
 ORDER BY min(s.id);

UPDATE page_step s
   SET outbound_id = m.id
  FROM step_group g
  JOIN (SELECT grp, min(step_id) AS first_step FROM step_group GROUP BY grp) f ON f.grp = g.grp
  JOIN outbound_message m ON m.idempotency_key = 'page-step:' || f.first_step
 WHERE s.id = g.step_id;

DROP TABLE step_group;

-- The send record now lives on the outbound row only.
DROP INDEX page_step_sid;
DROP INDEX page_step_to;
ALTER TABLE page_step
  DROP COLUMN outcome_unknown,
  DROP COLUMN provider_sid,
  DROP COLUMN provider_status,
  DROP COLUMN attempts,
  DROP COLUMN last_error,
  DROP COLUMN sent_at;
-- Held steps are found by phone and kind (a bundle), and "was this number ever paged" by phone.
CREATE INDEX page_step_to ON page_step (to_number, action, state);

DROP TABLE outbound_sms;
