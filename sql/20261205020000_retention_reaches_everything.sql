-- Retention reaches everything (issue 22, item 2). Indexes only: no row changes.

-- Answered enquiries nobody closed are erased once untouched for the retention period
-- (src/privacy: dueForErasure reads them oldest change first).
CREATE INDEX enquiry_answered_unclosed ON enquiry (updated_at)
  WHERE erased_at IS NULL AND status = 'answered' AND closed_at IS NULL;

-- Texts that joined no enquiry (the on-call officer's commands and their replies, a bare HELP)
-- are forgotten by age, and erasure looks through them for the references it erases.
CREATE INDEX sms_inbound_no_enquiry ON sms_inbound (received_at) WHERE enquiry_id IS NULL;

-- What erasures before this release left behind (columns blanked or a JSON key dropped; no row
-- is removed). The on-call officer's texts about an erased enquiry and the replies they got
-- (an INFO reply quotes the journalist): every such reply names the enquiry's reference.
UPDATE sms_inbound s SET body = '[erased]', reply = '[erased]'
 WHERE s.enquiry_id IS NULL AND (s.body <> '[erased]' OR s.reply <> '[erased]')
   AND EXISTS (SELECT 1 FROM regexp_matches(s.body || ' ' || s.reply, 'PD-[0-9A-Z]{3}-[0-9A-Z]{3}', 'g') AS m(r)
                 JOIN enquiry e ON e.reference = m.r[1]
                WHERE e.erased_at IS NOT NULL);
-- The acknowledgement's outbox key named the address (email-ack:<id>:<address>), and the
-- timeline's record of the send kept it after erasure.
UPDATE enquiry_event SET data = data - 'key'
 WHERE kind = 'email_out' AND data ? 'erased' AND data->>'key' LIKE 'email-ack:%:%';
