-- Merge and split (issue 29, item 2). An enquiry merged into another keeps its row (its reference
-- still resolves; its status link shows the other's state) and names the one that now carries it.
ALTER TABLE enquiry ADD COLUMN merged_into bigint REFERENCES enquiry (id) ON DELETE SET NULL;
CREATE INDEX enquiry_merged_into ON enquiry (merged_into) WHERE merged_into IS NOT NULL;

-- One merge of `from_id` into `into_id`: exactly which rows moved (ids per table, in `moved`) and
-- how the merged enquiry stood before (`before`: its status fields), so that an undo the same
-- office day moves exactly those rows back and restores it. `released_at`: an erasure moved the
-- rows back to the enquiry they came from (one side erased, the other not), so it can no longer
-- be undone. No personal data: ids, times, staff addresses.
CREATE TABLE enquiry_merge (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  into_id     bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  from_id     bigint NOT NULL REFERENCES enquiry (id) ON DELETE CASCADE,
  merged_at   timestamptz NOT NULL,
  merged_by   text NOT NULL,
  moved       jsonb NOT NULL DEFAULT '{}'::jsonb,
  before      jsonb NOT NULL DEFAULT '{}'::jsonb,
  undone_at   timestamptz,
  undone_by   text,
  released_at timestamptz
);
-- An enquiry is merged into one other at a time.
CREATE UNIQUE INDEX enquiry_merge_from_active ON enquiry_merge (from_id) WHERE undone_at IS NULL AND released_at IS NULL;
CREATE INDEX enquiry_merge_into ON enquiry_merge (into_id, merged_at);
