-- Enquiries: every media enquiry that reaches the press office, whatever the channel.
-- `received_at` comes from the service clock (not now()) so that tests and the office-hours
-- judgement agree on the instant the enquiry arrived.
CREATE TABLE enquiry (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reference     text NOT NULL UNIQUE,
  channel       text NOT NULL CHECK (channel IN ('web', 'api', 'sms')),
  status        text NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'in_progress', 'waiting', 'answered', 'closed')),
  name          text NOT NULL,
  outlet        text NOT NULL,
  email         text,
  phone         text,
  subject       text NOT NULL,
  details       text NOT NULL,
  deadline      timestamptz,
  urgent        boolean NOT NULL,
  -- Why it is urgent: the journalist said so, or the deadline falls before the office next opens.
  urgent_reason text CHECK (urgent_reason IN ('journalist', 'deadline')),
  out_of_hours  boolean NOT NULL,
  -- Urgent and out of hours: the on-call press officer must be alerted.
  needs_on_call boolean NOT NULL,
  -- What the office promised the journalist: their deadline or the response target, whichever is first.
  respond_by    timestamptz,
  received_at   timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  first_response_at timestamptz,
  closed_at     timestamptz,
  CONSTRAINT enquiry_contact CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- The queue reads open enquiries by what is due first.
CREATE INDEX enquiry_open_due ON enquiry (coalesce(deadline, respond_by), id)
  WHERE status NOT IN ('answered', 'closed');
-- An SMS joins the sender's open SMS enquiry; reports and "earlier enquiries" look up by phone.
CREATE INDEX enquiry_phone ON enquiry (phone, received_at DESC) WHERE phone IS NOT NULL;
CREATE INDEX enquiry_received ON enquiry (received_at);

-- One timeline per enquiry: received, SMS in/out, pages, receipts, acknowledgements, staff actions.
CREATE TABLE enquiry_event (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enquiry_id  bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  kind        text NOT NULL,
  actor       text,
  data        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX enquiry_event_enquiry ON enquiry_event (enquiry_id, at, id);

-- Inbound SMS by Twilio MessageSid: Twilio retries a webhook it thinks failed, and a retry must
-- create nothing new and get the same reply.
CREATE TABLE sms_inbound (
  message_sid text PRIMARY KEY,
  from_number text NOT NULL,
  body        text NOT NULL,
  enquiry_id  bigint REFERENCES enquiry (id) ON DELETE SET NULL,
  reply       text NOT NULL,
  received_at timestamptz NOT NULL
);

-- Counters for rate-limiter-flexible's PostgreSQL store, shared by every web process.
CREATE TABLE rate_limit (
  key    varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
