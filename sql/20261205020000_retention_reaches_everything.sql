-- Retention reaches everything (issue 22, item 2). Indexes only: no row changes.

-- Answered enquiries nobody closed are erased once untouched for the retention period
-- (src/privacy: dueForErasure reads them oldest change first).
CREATE INDEX enquiry_answered_unclosed ON enquiry (updated_at)
  WHERE erased_at IS NULL AND status = 'answered' AND closed_at IS NULL;

-- Texts that joined no enquiry (the on-call officer's commands and their replies, a bare HELP)
-- are forgotten by age, and erasure looks through them for the references it erases.
CREATE INDEX sms_inbound_no_enquiry ON sms_inbound (received_at) WHERE enquiry_id IS NULL;
