-- The live queue's NOTIFY moves from a per-row insert trigger to the application (LiveFeed.announce),
-- which sends one NOTIFY for a batch of committed enquiries. PostgreSQL serialises the commits of
-- notifying transactions (a database-wide lock held through the WAL flush), so a NOTIFY inside
-- every intake insert capped intake throughput (issue 6: 728 -> 902 enquiries/s on the bench
-- machine without it). Listeners accept both the old and the new payload.
DROP TRIGGER IF EXISTS enquiry_notify_insert ON enquiry;
DROP FUNCTION IF EXISTS enquiry_notify_new();
