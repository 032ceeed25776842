-- The triage desk: staff accounts, server-side sessions, assignment, the press line given, search,
-- and an append-only audit log.

CREATE TABLE app_user (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         text NOT NULL,
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('officer', 'manager')),
  -- scrypt, with its parameters and salt in the string so they can be raised later.
  password_hash text NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX app_user_email ON app_user (lower(email));

-- Sessions live here so that any web process can serve any request. The cookie carries a random
-- token; only its SHA-256 is stored, so a leaked table does not leak live sessions.
CREATE TABLE user_session (
  token_hash    text PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX user_session_user ON user_session (user_id);

ALTER TABLE enquiry
  ADD COLUMN assigned_to bigint REFERENCES app_user (id) ON DELETE SET NULL,
  ADD COLUMN response_given text,
  -- Full-text search over what officers look for: subject, details, outlet and journalist.
  ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(subject, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(outlet, '') || ' ' || coalesce(name, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(details, '')), 'C')
  ) STORED;
CREATE INDEX enquiry_search ON enquiry USING gin (search);
-- A press officer can upgrade (or downgrade) urgency with a reason.
ALTER TABLE enquiry DROP CONSTRAINT enquiry_urgent_reason_check;
ALTER TABLE enquiry ADD CONSTRAINT enquiry_urgent_reason_check CHECK (urgent_reason IN ('journalist', 'deadline', 'staff'));
CREATE INDEX enquiry_assigned_open ON enquiry (assigned_to, (coalesce(deadline, respond_by)), id)
  WHERE status IN ('new', 'in_progress', 'waiting');
-- The queue's "all statuses" view and closed-enquiry browsing.
CREATE INDEX enquiry_due_all ON enquiry ((coalesce(deadline, respond_by)), id);

-- Every staff action, with who and when. Append-only: the desk has no way to change it, and the
-- database refuses to either.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL,
  user_id     bigint REFERENCES app_user (id),
  user_email  text,
  action      text NOT NULL,
  enquiry_id  bigint REFERENCES enquiry (id),
  detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_enquiry ON audit_log (enquiry_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- New enquiries reach every web process (and so every open queue) through LISTEN/NOTIFY.
CREATE FUNCTION enquiry_notify_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('pressdesk_enquiry', json_build_object('reference', NEW.reference, 'id', NEW.id)::text);
  RETURN NEW;
END;
$$;
CREATE TRIGGER enquiry_notify_insert AFTER INSERT ON enquiry
  FOR EACH ROW EXECUTE FUNCTION enquiry_notify_new();
