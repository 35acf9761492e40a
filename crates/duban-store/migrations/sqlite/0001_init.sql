-- duban schema, SQLite dialect. Keep in step with ../postgres/0001_init.sql (a test compares them).
-- Times are Unix seconds (BIGINT); calendar dates are ISO text (YYYY-MM-DD); flags are 0/1.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    parent_id   BIGINT REFERENCES units(id),
    contact     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);

CREATE TABLE unit_aliases (
    alias       TEXT PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE
);

-- What a generic name in a plan (相关市政府, 各设区市政府) stands for.
CREATE TABLE unit_groups (
    name        TEXT NOT NULL,
    unit_id     BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (name, unit_id)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    unit_id       BIGINT REFERENCES units(id),
    lang          TEXT NOT NULL DEFAULT 'zh-CN',
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);

-- Browser sessions and API tokens; only the SHA-256 of the token is kept.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE plans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    previous_id   BIGINT REFERENCES plans(id),
    version       BIGINT NOT NULL,
    title         TEXT NOT NULL,
    year          BIGINT NOT NULL,
    state         TEXT NOT NULL,
    source_name   TEXT NOT NULL,
    source_text   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    parsed_json   TEXT NOT NULL,
    row_version   BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    published_at  BIGINT
);

CREATE TABLE items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id     BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    parent_id   BIGINT REFERENCES items(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    path        TEXT NOT NULL,
    label       TEXT NOT NULL,
    number      TEXT NOT NULL,
    ordinal     BIGINT NOT NULL,
    level       BIGINT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    is_task     BIGINT NOT NULL,
    deadline    TEXT NOT NULL,
    line        BIGINT NOT NULL,
    -- Deadline phrases and projects as the parser found them (duban.plan/1 JSON).
    extra_json  TEXT NOT NULL,
    UNIQUE (plan_id, path)
);

CREATE TABLE assignments (
    item_id     BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    role        TEXT NOT NULL,
    duty        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (item_id, unit_id)
);
CREATE INDEX assignments_by_unit ON assignments (unit_id);

-- Names in the plan that resolve to no unit yet: the office maps them.
CREATE TABLE unresolved_names (
    item_id     BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    duty        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (item_id, name)
);

CREATE TABLE indicators (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id     BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    clause      TEXT NOT NULL,
    metric      TEXT NOT NULL,
    op          TEXT NOT NULL,
    target      DOUBLE PRECISION NOT NULL,
    target_max  DOUBLE PRECISION,
    measure     TEXT NOT NULL,
    baseline    DOUBLE PRECISION NOT NULL DEFAULT 0,
    deadline    TEXT NOT NULL
);
CREATE INDEX indicators_by_item ON indicators (item_id);

CREATE TABLE periods (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id     BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    label_zh    TEXT NOT NULL,
    label_en    TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    grace_days  BIGINT NOT NULL,
    UNIQUE (plan_id, key)
);

-- The office lets a unit report into a locked period until a day.
CREATE TABLE lock_exceptions (
    period_id   BIGINT NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    until_on    TEXT NOT NULL,
    granted_by  BIGINT NOT NULL,
    PRIMARY KEY (period_id, unit_id)
);

CREATE TABLE reports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id     BIGINT NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    item_id       BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    state         TEXT NOT NULL,
    progress      TEXT NOT NULL,
    problems      TEXT NOT NULL,
    next_steps    TEXT NOT NULL,
    percent       DOUBLE PRECISION,
    finished      BIGINT NOT NULL DEFAULT 0,
    return_reason TEXT NOT NULL DEFAULT '',
    submitted_at  BIGINT,
    first_submitted_at BIGINT,
    reviewed_at   BIGINT,
    reviewed_by   BIGINT,
    version       BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    updated_by    BIGINT NOT NULL,
    UNIQUE (period_id, item_id, unit_id)
);
CREATE INDEX reports_by_unit ON reports (unit_id, period_id);
CREATE INDEX reports_by_item ON reports (item_id, period_id);
-- Cover the period summary's two aggregates, so they read the index alone.
CREATE INDEX reports_period_by_unit ON reports (period_id, unit_id, state, first_submitted_at);
CREATE INDEX reports_period_by_item ON reports (period_id, item_id, state, percent, finished);

CREATE TABLE report_values (
    report_id     BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    indicator_id  BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    value         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (report_id, indicator_id)
);
CREATE INDEX report_values_by_indicator ON report_values (indicator_id);

-- 催报: a reminder sent to a unit for a period (and a task, or all its tasks).
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id   BIGINT NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    item_id     BIGINT REFERENCES items(id) ON DELETE CASCADE,
    note        TEXT NOT NULL,
    sent_by     BIGINT NOT NULL,
    sent_at     BIGINT NOT NULL
);

-- 延期申请: a unit asks for a later deadline on a task; the office approves or refuses.
CREATE TABLE extensions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id       BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    requested_on  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    state         TEXT NOT NULL,
    decision_note TEXT NOT NULL DEFAULT '',
    created_by    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    decided_by    BIGINT,
    decided_at    BIGINT
);

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE audit_head (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    seq         BIGINT NOT NULL,
    hash        TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Answers already given to a write with an Idempotency-Key, replayed when the same write comes again.
CREATE TABLE idempotency (
    user_id      BIGINT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    response     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
