-- Sessions a user can see and end (issue 30, item 3): the "Where you are signed in" list on the
-- account page. `id` names a session in that page's forms (the token hash never leaves the
-- server); `device` is a short description of the browser made from its User-Agent at sign-in
-- ("Firefox on Windows"), never the header itself; `client_address` is the coarse network it
-- signed in from (an IPv4 /24, an IPv6 /64), enough for "was that me?" and no more. All nullable:
-- sessions opened before this migration show as "unknown device" until they end.
ALTER TABLE user_session
  ADD COLUMN id uuid DEFAULT gen_random_uuid(),
  ADD COLUMN device text NULL,
  ADD COLUMN client_address text NULL;
CREATE UNIQUE INDEX user_session_id ON user_session (id);
