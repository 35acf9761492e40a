-- 单位审签: a unit may have its leader sign each report before it goes to the office. A report keeps who
-- signed it and when, and the leader's reason when it was sent back inside the unit.
-- PostgreSQL dialect; keep in step with ../sqlite/.
ALTER TABLE units ADD COLUMN signoff BIGINT NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN signed_by TEXT;
ALTER TABLE reports ADD COLUMN signed_at BIGINT;
ALTER TABLE reports ADD COLUMN unit_note TEXT NOT NULL DEFAULT '';
