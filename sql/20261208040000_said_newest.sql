-- "What we said" (issue 28, item 5) lists enquiries by the newest words that match, newest first.
-- A word the office says often matches a large share of the record: walking it newest first and
-- stopping at a page's worth is then cheaper than finding every match through said_search and
-- sorting them. This index serves that walk (backwards) and the page's keyset (at, id); a rare
-- phrase is still found through said_search. The record is new (issue 28), so it is built at once.
CREATE INDEX said_at ON said (at, id);
