-- A counter moved by every report write of a plan, so that kept summaries know when they are stale. Same in both dialects.
ALTER TABLE plans ADD COLUMN reports_version BIGINT NOT NULL DEFAULT 0;
