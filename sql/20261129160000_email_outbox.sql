-- Email leaves through the outbox like texts and calls (issue 16, items 2 and 3): the
-- acknowledgement of an emailed enquiry and the desk's replies by email. For an email row,
-- `to_number` holds the recipient's address and `content` the message as JSON (subject, text,
-- Message-ID and threading headers), so a retry sends the very same message.
ALTER TABLE outbound_message DROP CONSTRAINT outbound_message_medium_check;
ALTER TABLE outbound_message ADD CONSTRAINT outbound_message_medium_check CHECK (medium IN ('sms', 'call', 'email'));
