-- Milestones of an indicator (阶段性目标): JSON [{"date": "YYYY-MM-DD", "value": N}]. Same in both dialects.
ALTER TABLE indicators ADD COLUMN milestones TEXT NOT NULL DEFAULT '[]';
