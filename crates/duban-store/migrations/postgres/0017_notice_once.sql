-- A scheduled notice (a deadline in three days, a period locked) is written once per person and occasion:
-- its key is unique per account. Notices of events have none. PostgreSQL dialect; keep in step with ../sqlite/.
ALTER TABLE notices ADD COLUMN dedup_key TEXT;
CREATE UNIQUE INDEX notices_once ON notices (user_id, dedup_key);
