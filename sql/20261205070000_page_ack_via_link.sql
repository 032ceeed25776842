-- Work through the page's link (the "I have it" button, a reply, a call, a note, the line
-- recorded) acknowledges the page: record it as its own way in. Existing rows keep their value.
ALTER TABLE page DROP CONSTRAINT page_ack_via_check;
ALTER TABLE page ADD CONSTRAINT page_ack_via_check CHECK (ack_via IN ('sms', 'voice', 'desk', 'link'));
