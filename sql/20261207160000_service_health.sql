-- Measured health of the services outside Press Desk (issue 27, item 9; src/health/): one row per
-- channel (`paging` = Twilio, `mailbox` = IMAP, `smtp`), written by the worker when a send, the
-- mailbox session or a check finds the channel in a different state than the row says, and read
-- by every web process for `/readyz` and the desk's banner. `error_class` is a word of
-- src/health/service-health.ts (`twilio_auth`, `imap_auth`, `connection`, …) and `error_code`
-- the provider's number (Twilio's error code, the SMTP reply code): never a message, which could
-- quote a credential or an address. No personal data.
CREATE TABLE service_health (
  channel text PRIMARY KEY CHECK (channel IN ('paging', 'mailbox', 'smtp')),
  state text NOT NULL CHECK (state IN ('ok', 'failing')),
  error_class text,
  error_code integer,
  -- Since when the channel has been in this state (and class).
  since timestamptz NOT NULL,
  -- When a send, session or check last wrote the row: a change of state, or a check (start-up, re-check).
  checked_at timestamptz NOT NULL,
  CHECK ((state = 'failing') = (error_class IS NOT NULL))
);
