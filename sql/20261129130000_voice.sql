-- The press office's phone line (issue 14): calls to TWILIO_PHONE_NUMBER become enquiries of
-- channel 'voice'. A caller may withhold their number, so a voice enquiry may have no contact
-- details at all (the recording is the enquiry; the desk sees "withheld").
ALTER TABLE enquiry DROP CONSTRAINT enquiry_channel_check;
ALTER TABLE enquiry ADD CONSTRAINT enquiry_channel_check CHECK (channel IN ('web', 'api', 'sms', 'voice'));
ALTER TABLE enquiry DROP CONSTRAINT enquiry_contact;
ALTER TABLE enquiry ADD CONSTRAINT enquiry_contact
  CHECK (erased_at IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL OR channel = 'voice');

-- One row per call to the press office line, from Twilio's first webhook to its last: where the
-- caller is in the menu, who was rung, who accepted, and the message they left. Webhooks are
-- retried and may arrive out of order; each step reads and updates this row under a lock.
CREATE TABLE voice_call (
  call_sid        text PRIMARY KEY,
  -- E.164; null when the caller withheld their number.
  from_number     text,
  started_at      timestamptz NOT NULL,
  out_of_hours    boolean NOT NULL,
  -- desk: ringing the desk in hours; menu: the out-of-hours choice; connecting: ringing the
  -- on-call officer; message: recording a message; done: nothing more will happen.
  stage           text NOT NULL CHECK (stage IN ('desk', 'menu', 'connecting', 'message', 'done')),
  -- The caller pressed 1 (urgent) out of hours.
  urgent          boolean NOT NULL DEFAULT false,
  -- The enquiry the call became or joined (a message, or a connected call); null until then.
  enquiry_id      bigint REFERENCES enquiry (id) ON DELETE SET NULL,
  -- Who was rung out of hours, and who pressed 1 in the whisper to take the call.
  dialled_number  text,
  dialled_name    text,
  accepted_at     timestamptz,
  connected_seconds integer,
  outcome         text CHECK (outcome IN ('desk_answered', 'connected_on_call', 'not_accepted', 'voicemail', 'hung_up')),
  recording_sid   text UNIQUE,
  recording_seconds integer,
  transcription   text,
  -- Set once the recording was deleted at Twilio (erasure or retention).
  recording_deleted_at timestamptz,
  ended_at        timestamptz
);
CREATE INDEX voice_call_enquiry ON voice_call (enquiry_id) WHERE enquiry_id IS NOT NULL;
CREATE INDEX voice_call_started ON voice_call (started_at);
-- Recordings still to delete at Twilio after erasure (the job retries until Twilio agrees).
CREATE INDEX voice_call_recording_to_delete ON voice_call (recording_sid)
  WHERE recording_sid IS NOT NULL AND recording_deleted_at IS NULL;
