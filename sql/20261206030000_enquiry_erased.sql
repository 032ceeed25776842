-- Erased (issue 23, item 6): an erasure request about a journalist whose enquiries are still
-- open closes them as erased. Nobody can answer an enquiry whose contact details and text are
-- gone, so it leaves the queue and its clocks stop; it is not an answer, and reports count it
-- apart (like withdrawn). Existing rows keep their status.
ALTER TABLE enquiry DROP CONSTRAINT enquiry_status_check;
ALTER TABLE enquiry ADD CONSTRAINT enquiry_status_check
  CHECK (status IN ('new', 'in_progress', 'waiting', 'answered', 'closed', 'withdrawn', 'erased'));
