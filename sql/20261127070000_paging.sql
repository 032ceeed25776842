-- Out-of-hours paging. A page is one urgent enquiry's claim on the on-call officer; its steps
-- are the escalation (SMS, call, next contact, fallback line) as they actually happened.
CREATE TABLE page (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enquiry_id      bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  -- Four digits for "Reply ACK 4821": easier to type on a phone at 3am than a reference.
  short_code      text NOT NULL,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'acknowledged', 'exhausted')),
  created_at      timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  ack_via         text CHECK (ack_via IN ('sms', 'voice', 'desk')),
  -- One page per enquiry: a retried transaction or a second urgent follow-up must not page twice.
  CONSTRAINT page_one_per_enquiry UNIQUE (enquiry_id)
);
CREATE INDEX page_active ON page (status) WHERE status = 'active';

CREATE TABLE page_step (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  page_id       bigint NOT NULL REFERENCES page (id) ON DELETE CASCADE,
  step_index    integer NOT NULL,
  action        text NOT NULL CHECK (action IN ('sms', 'call')),
  to_number     text NOT NULL,
  person_id     bigint,
  -- sending: we may or may not have reached Twilio (outcome_unknown says whether to look before
  -- sending again); waiting_bundle: held for this phone's bundle SMS; sent: Twilio accepted it;
  -- failed: Twilio refused it for good; skipped: nobody to page at this step.
  state         text NOT NULL CHECK (state IN ('sending', 'waiting_bundle', 'sent', 'failed', 'skipped')),
  outcome_unknown boolean NOT NULL DEFAULT false,
  provider_sid  text,
  provider_status text,
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  created_at    timestamptz NOT NULL,
  sent_at       timestamptz,
  CONSTRAINT page_step_once UNIQUE (page_id, step_index, action)
);
CREATE INDEX page_step_sid ON page_step (provider_sid) WHERE provider_sid IS NOT NULL;
CREATE INDEX page_step_to ON page_step (to_number, sent_at DESC);

-- When each phone last got a page SMS: later pages inside onCall.bundleSeconds wait and go out
-- together, so a storm of enquiries sends one text per window, not fifty.
CREATE TABLE page_phone_window (
  phone        text PRIMARY KEY,
  last_sent_at timestamptz NOT NULL
);

-- Texts to journalists (acknowledgement notices, replies from the desk), sent once per key.
CREATE TABLE outbound_sms (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  enquiry_id    bigint REFERENCES enquiry (id) ON DELETE CASCADE,
  to_number     text NOT NULL,
  body          text NOT NULL,
  state         text NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
  outcome_unknown boolean NOT NULL DEFAULT false,
  provider_sid  text,
  provider_status text,
  last_error    text,
  created_at    timestamptz NOT NULL,
  sent_at       timestamptz
);
CREATE INDEX outbound_sms_sid ON outbound_sms (provider_sid) WHERE provider_sid IS NOT NULL;

-- Liveness of job runners. graphile-worker keeps a dead process's jobs locked for 4 hours; a
-- page cannot wait that long, so live runners beat here and others release the silent ones' jobs.
CREATE TABLE worker_heartbeat (
  worker_id  text PRIMARY KEY,
  process    text NOT NULL,
  last_seen  timestamptz NOT NULL DEFAULT now()
);
