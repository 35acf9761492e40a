-- Plan versions, evidence files, indicator shares. SQLite dialect; keep in step with ../postgres/.

-- A published plan changed mid-year: each version's ledger as it then stood, and why it changed.
CREATE TABLE plan_versions (
    plan_id     BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    ledger_json TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);

-- Files attached to a report (佐证材料).
CREATE TABLE evidence (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id     BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    data          BLOB NOT NULL,
    created_at    BIGINT NOT NULL,
    created_by    BIGINT NOT NULL
);
CREATE INDEX evidence_by_report ON evidence (report_id);

-- A province target split across the units (cities) that deliver it; their values roll up.
CREATE TABLE indicator_shares (
    indicator_id  BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    target        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (indicator_id, unit_id)
);
