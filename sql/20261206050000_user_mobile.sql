-- A staff member's mobile number, so a manager can keep it with the rest of the account (issue
-- 23, item 8: users can be edited). Optional: existing accounts keep NULL until someone adds one.
-- E.164 as the service normalises it, like the rota's person.phone.
ALTER TABLE app_user
  ADD COLUMN mobile text CHECK (mobile IS NULL OR mobile ~ '^\+[1-9][0-9]{6,14}$');
