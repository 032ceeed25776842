-- Twilio's sending rates, kept by us (src/outbox/send-limits.ts): one row per bucket (SMS per
-- sending number, calls per account), shared by every process. `next_at` is when the bucket's
-- next slot is free; `page_waiting_until` says a page is waiting for it, so texts and notices
-- leave it to the page. Times are the database's (clock_timestamp()): one clock for every
-- process and machine, whatever their own clocks say.
CREATE TABLE send_slot (
  bucket text PRIMARY KEY,
  next_at timestamptz NOT NULL,
  page_waiting_until timestamptz
);
