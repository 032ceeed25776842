-- Browsers a staff member has signed in from (issue 22, item 8). On a successful sign-in the
-- browser gets a long-lived random cookie; only its SHA-256 is kept here, per account. A correct
-- password from such a browser is not refused by the account-wide sign-in lock-out, which exists
-- to stop guessing from elsewhere. A new table: nothing existing changes.
CREATE TABLE known_device (
  token_hash    text NOT NULL,
  user_id       bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL,
  last_used_at  timestamptz NOT NULL,
  PRIMARY KEY (user_id, token_hash)
);
