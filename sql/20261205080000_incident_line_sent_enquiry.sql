-- "Holding line sent" on the queue rows and the incident's enquiry table (issue 23, item 2): the
-- last line an enquiry had is read per row, by enquiry. An index only: nothing existing changes.
CREATE INDEX incident_line_sent_enquiry ON incident_line_sent (enquiry_id, queued_at);
