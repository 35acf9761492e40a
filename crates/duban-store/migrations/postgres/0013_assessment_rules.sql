-- 考核 rules of a plan, each change a new version with its reason; a period is scored under the version in
-- force when it locked. PostgreSQL dialect; keep in step with ../sqlite/.
CREATE TABLE assessment_rules (
    plan_id     BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    rules_json  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);
