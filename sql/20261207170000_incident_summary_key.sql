-- Issue 27, item 8: an incident summary Twilio refuses for good pages the enquiries it counted
-- instead. Each one's `incident_summary` timeline entry now names the summary's outbox key; the
-- refusal, which knows only its outbound row, finds them by it. Existing rows stay as they are
-- (entries written before name no key: no refusal finds them).
CREATE INDEX enquiry_event_summary_key ON enquiry_event ((data->>'key')) WHERE kind = 'incident_summary';
