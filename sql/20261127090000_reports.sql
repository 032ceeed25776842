-- Reports and the morning handover.

-- The office calendar as rows (written by the service from the same rules intake uses), so
-- reports can count working time in SQL: working time between two instants is the overlap
-- with these periods.
CREATE TABLE office_period (
  starts_at timestamptz PRIMARY KEY,
  ends_at   timestamptz NOT NULL CHECK (ends_at > starts_at)
);
CREATE INDEX office_period_ends ON office_period (ends_at);

-- Working seconds in [a, b) according to office_period.
CREATE FUNCTION office_working_seconds(a timestamptz, b timestamptz) RETURNS double precision
LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(extract(epoch FROM least(b, p.ends_at) - greatest(a, p.starts_at))), 0)
    FROM office_period p
   WHERE b > a AND p.ends_at > a AND p.starts_at < b
$$;

-- When the office stopped owing the journalist an answer (answered or closed); cleared if the
-- enquiry is reopened. Backlog trends are computed from received_at and this.
ALTER TABLE enquiry ADD COLUMN resolved_at timestamptz;
UPDATE enquiry SET resolved_at = coalesce(closed_at, first_response_at, updated_at) WHERE status IN ('answered', 'closed');
CREATE INDEX enquiry_resolved ON enquiry (resolved_at);

-- One handover digest per opening of the office: what arrived while it was closed.
CREATE TABLE handover_digest (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  opened_at   timestamptz NOT NULL UNIQUE,
  since       timestamptz NOT NULL,
  created_at  timestamptz NOT NULL,
  summary     jsonb NOT NULL
);

CREATE TABLE handover_dismissal (
  digest_id bigint NOT NULL REFERENCES handover_digest (id) ON DELETE CASCADE,
  user_id   bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  at        timestamptz NOT NULL,
  PRIMARY KEY (digest_id, user_id)
);
