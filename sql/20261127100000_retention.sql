-- Personal data retention: journalists' names, contact details and message texts are erased a
-- set time after an enquiry is closed (or on request), leaving the row, its times and its
-- outcome so that reports still count it.
ALTER TABLE enquiry ADD COLUMN erased_at timestamptz;
ALTER TABLE enquiry DROP CONSTRAINT enquiry_contact;
ALTER TABLE enquiry ADD CONSTRAINT enquiry_contact CHECK (erased_at IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL);
CREATE INDEX enquiry_retention ON enquiry (closed_at) WHERE erased_at IS NULL AND closed_at IS NOT NULL;
CREATE INDEX enquiry_email ON enquiry (lower(email)) WHERE email IS NOT NULL;
