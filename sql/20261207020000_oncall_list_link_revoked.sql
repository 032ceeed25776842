-- A bundle's list link is revoked with the person's page links when they are taken off the staff
-- list or their number changes, so that changing the number back does not bring it back (the page
-- links already worked so). A new nullable column: every existing link keeps working as before
-- (its opening still checks that its person is active with the same number).
ALTER TABLE oncall_list_link ADD COLUMN revoked_at timestamptz;
