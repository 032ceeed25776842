-- Assignment tells people; mentions (issue 29, item 4). A desk notification tells one member of
-- staff that a colleague assigned them an enquiry or mentioned them in a note. It holds no
-- journalist's data: the enquiry (its reference is read through the join), the timeline entry it
-- points at, and who did it (a staff name, copied so the line still reads right once that account
-- is gone). A new table: nothing an office already has changes.
CREATE TABLE desk_notification (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Whose it is: it goes with their account (nobody else reads it).
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('assigned', 'mentioned')),
  enquiry_id  bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  -- The assignment or the note on the enquiry's timeline (the link goes to it).
  event_id    bigint REFERENCES enquiry_event (id) ON DELETE SET NULL,
  -- Who assigned or mentioned: removing their account leaves the others' notifications as they were.
  by_user_id  bigint REFERENCES app_user (id) ON DELETE SET NULL,
  by_name     text NOT NULL,
  created_at  timestamptz NOT NULL,
  read_at     timestamptz
);
-- Every desk page counts the signed-in user's unread ones; their page lists them newest first.
CREATE INDEX desk_notification_unread ON desk_notification (user_id) WHERE read_at IS NULL;
CREATE INDEX desk_notification_newest ON desk_notification (user_id, created_at DESC, id DESC);
