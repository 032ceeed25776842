-- Issue 23: at equal due times the queue puts urgent enquiries first, so its sort is now
-- (due, not urgent, id). This index serves that order for the open queue as enquiry_open_due
-- served the old one; no row changes.
CREATE INDEX enquiry_open_due_urgent ON enquiry (coalesce(deadline, respond_by), (NOT urgent), id)
  WHERE status NOT IN ('answered', 'closed');
