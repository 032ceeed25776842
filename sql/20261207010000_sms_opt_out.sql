-- Numbers that texted STOP (or one of Twilio's other opt-out keywords) to the press office
-- number, or that Twilio refused as unsubscribed (error 21610): Twilio will not deliver a text to
-- them until they text START, so Press Desk does not try (issue 24, item 2). One row per number
-- (Press Desk texts from one Twilio number); START deletes it. A new table: no existing row changes.
CREATE TABLE sms_opt_out (
  phone text PRIMARY KEY CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  opted_out_at timestamptz NOT NULL,
  -- The keyword as texted (upper case), or '21610' when Twilio's refusal told us.
  keyword text NOT NULL
);
