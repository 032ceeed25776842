-- The journalist's language (issue 31): what the enquiry was written in, or chosen on the form;
-- every later message to them (acknowledgement, replies, status page, phone prompts) uses it.
-- Every enquiry an office already has was answered in English, which the default says.
ALTER TABLE enquiry ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'cy'));
