-- Drafts and sign-off bound to the exact words (issue 26, item 3). An officer saves the response
-- to an enquiry as a draft and sends it for sign-off to one or more approvers (colleagues from the
-- directory, by text or email); each opens a single-purpose link (or texts APPROVE <code> /
-- CHANGES <comment>) and approves, approves with edits, or returns it. An approval is for one
-- text: its SHA-256 is stored, and editing the draft afterwards voids it. New tables only.
CREATE TABLE statement_draft (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  enquiry_id   bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  kind         text NOT NULL DEFAULT 'response' CHECK (kind IN ('response')),
  text         text NOT NULL,
  state        text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'awaiting', 'approved', 'returned')),
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  sent_at      timestamptz,
  -- The approval: the hash of the words approved, by whom and when (null: not approved, or voided by an edit).
  approved_hash text,
  approved_by  text,
  approved_at  timestamptz,
  erased_at    timestamptz
);
-- One draft per enquiry and kind: the response being prepared.
CREATE UNIQUE INDEX statement_draft_one ON statement_draft (enquiry_id, kind);
CREATE INDEX statement_draft_awaiting ON statement_draft (enquiry_id) WHERE state = 'awaiting';

-- Each approver a draft went to, for one version of its words.
CREATE TABLE signoff_request (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  draft_id     bigint NOT NULL REFERENCES statement_draft (id) ON DELETE CASCADE,
  colleague_id bigint REFERENCES colleague (id) ON DELETE SET NULL,
  name         text NOT NULL,
  via          text NOT NULL CHECK (via IN ('sms', 'email')),
  address      text NOT NULL,
  code         text NOT NULL CHECK (code ~ '^[0-9]{4}$'),
  -- SHA-256 of the words sent for approval: a decision is for these words only.
  text_hash    text NOT NULL,
  state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'returned', 'void')),
  sent_at      timestamptz NOT NULL,
  decided_at   timestamptz,
  decided_via  text CHECK (decided_via IN ('link', 'sms')),
  comment      text,
  edited       boolean NOT NULL DEFAULT false
);
CREATE INDEX signoff_request_draft ON signoff_request (draft_id);
CREATE INDEX signoff_request_pending ON signoff_request (address) WHERE state = 'pending';

-- The approver's links (SHA-256 of the token only), minted as the message carrying each is sent.
CREATE TABLE signoff_link (
  token_hash   text PRIMARY KEY,
  request_id   bigint NOT NULL REFERENCES signoff_request (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL
);
CREATE INDEX signoff_link_request ON signoff_link (request_id);
