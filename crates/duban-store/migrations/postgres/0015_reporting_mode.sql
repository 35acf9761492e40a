-- How a plan's units report (direct to the office, or co-units to the lead, which consolidates), each change
-- a new row with its reason; the last row is in force. PostgreSQL dialect; keep in step with ../sqlite/.
CREATE TABLE plan_reporting (
    plan_id     BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    mode        TEXT NOT NULL,
    lead_days   BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);
