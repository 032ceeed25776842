-- Email from the press office's shared mailbox (issue 16): messages read over IMAP become
-- enquiries of channel 'email', or join the enquiry they reply to. An email enquiry always has
-- the sender's address, so the contact check needs no exception for it.
ALTER TABLE enquiry DROP CONSTRAINT enquiry_channel_check;
ALTER TABLE enquiry ADD CONSTRAINT enquiry_channel_check CHECK (channel IN ('web', 'api', 'sms', 'voice', 'email'));

-- One row per email, received or (issue 16, item 2) sent. A received message is recorded by where
-- it was read (mailbox, UIDVALIDITY, UID: unique, so a message read twice, after a crash between
-- the commit and flagging it on the server, finds its row and makes nothing new) in the same
-- transaction as the enquiry it made or joined. Message-IDs of both directions are kept so a
-- reply's In-Reply-To / References finds its enquiry, and a bounce the message it returns.
CREATE TABLE email_message (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  direction     text NOT NULL CHECK (direction IN ('in', 'out')),
  -- Where a received message was read; null for one we sent.
  mailbox       text,
  uid_validity  bigint,
  uid           bigint,
  -- As in the header, angle brackets included. A received message without one gets a synthetic
  -- '<sha256-of-source@pressdesk.invalid>' so the same message read again is still recognised.
  message_id    text NOT NULL,
  in_reply_to   text,
  -- The References header, oldest first.
  refs          text[] NOT NULL DEFAULT '{}',
  -- The enquiry it made or joined (a bounce: the enquiry of the message that bounced); null
  -- when it was recorded and ignored (an auto-reply or bounce that matches nothing).
  enquiry_id    bigint REFERENCES enquiry (id) ON DELETE SET NULL,
  -- Headers that name people, and the text: erased with the enquiry.
  from_address  text,
  from_name     text,
  reply_to      text,
  to_addresses  jsonb NOT NULL DEFAULT '[]',
  cc_addresses  jsonb NOT NULL DEFAULT '[]',
  subject       text,
  body_text     text,
  -- An automatic message (RFC 3834 Auto-Submitted, Precedence bulk/junk/list/auto_reply, List-*,
  -- X-Autoreply, an empty Return-Path, a delivery status notification): never acknowledged, so
  -- two robots cannot answer each other for ever. auto_reason says which sign was seen.
  is_auto       boolean NOT NULL DEFAULT false,
  auto_reason   text,
  is_bounce     boolean NOT NULL DEFAULT false,
  -- What intake did with a received message.
  outcome       text CHECK (outcome IN ('new_enquiry', 'joined', 'bounce', 'ignored_auto', 'ignored_bounce', 'duplicate', 'no_sender', 'own_address', 'unreadable')),
  size_bytes    bigint,
  -- The Date header (the sender's clock; null when missing or unreadable).
  sent_at       timestamptz,
  -- When we read or sent it (the service clock).
  recorded_at   timestamptz NOT NULL,
  erased_at     timestamptz,
  CONSTRAINT email_message_where_read UNIQUE (mailbox, uid_validity, uid),
  CHECK (direction = 'out' OR (mailbox IS NOT NULL AND uid_validity IS NOT NULL AND uid IS NOT NULL AND outcome IS NOT NULL))
);
CREATE INDEX email_message_message_id ON email_message (message_id);
CREATE INDEX email_message_enquiry ON email_message (enquiry_id) WHERE enquiry_id IS NOT NULL;
-- Retention of messages that joined no enquiry (ignored auto-replies and bounces).
CREATE INDEX email_message_orphans ON email_message (recorded_at) WHERE enquiry_id IS NULL AND erased_at IS NULL;

-- Attachments of received messages. The content is kept in PostgreSQL (one backup, one erasure)
-- up to email.maxAttachmentBytes each, and only while the whole message is within
-- email.maxMessageBytes; a larger one is listed (name, type, size) with content null.
CREATE TABLE email_attachment (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email_id      bigint NOT NULL REFERENCES email_message (id) ON DELETE CASCADE,
  filename      text,
  content_type  text NOT NULL,
  size_bytes    bigint NOT NULL,
  -- An image shown inside the message (Content-ID in multipart/related, or disposition inline).
  inline        boolean NOT NULL DEFAULT false,
  content       bytea,
  -- Why content is null: 'too_large' (over maxAttachmentBytes), 'message_too_large' (the message
  -- was over maxMessageBytes), 'erased'.
  not_stored    text CHECK (not_stored IN ('too_large', 'message_too_large', 'erased')),
  CHECK ((content IS NULL) = (not_stored IS NOT NULL))
);
CREATE INDEX email_attachment_email ON email_attachment (email_id);
