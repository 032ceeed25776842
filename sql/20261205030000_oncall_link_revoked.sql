-- Issue 22, item 3: the on-call link stops working when its person is taken off the staff list or
-- their phone number changes. `revoked_at` records that, so a number changed and changed back
-- does not bring an old link back to life. Existing rows are kept; the links of people already
-- removed, or whose number has changed since the page, are revoked now (they would act for a
-- phone that is no longer theirs).
ALTER TABLE oncall_link ADD COLUMN revoked_at timestamptz;

UPDATE oncall_link l
   SET revoked_at = now()
  FROM person p
 WHERE p.id = l.person_id
   AND (NOT p.active OR p.phone <> l.phone)
   AND l.expires_at > now();

-- Revocation finds a person's links by person.
CREATE INDEX oncall_link_person ON oncall_link (person_id) WHERE person_id IS NOT NULL;
