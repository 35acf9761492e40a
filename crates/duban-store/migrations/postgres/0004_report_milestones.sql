-- Milestone states a report gives for the task's projects: JSON [{"name": "…", "state": "not_started|in_progress|done"}]. Same in both dialects.
ALTER TABLE reports ADD COLUMN milestones TEXT NOT NULL DEFAULT '[]';
