-- A new page picks a short code not used by an active page by asking about ten random
-- candidates (src/oncall/paging.repository.ts firstFreeShortCode) instead of reading every active
-- page's code, which grew with the number of unacknowledged pages during a storm.
CREATE INDEX page_active_code ON page (short_code) WHERE status = 'active';
