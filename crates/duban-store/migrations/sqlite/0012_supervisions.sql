-- 督办: the office's supervision of a lagging or overdue task (a numbered notice to its units with a level and
-- a reply date), the units' replies (measures and a new timetable, with files), and its escalation one level
-- up. SQLite dialect; keep in step with ../postgres/.
CREATE TABLE supervisions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id         BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    item_id         BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    period_id       BIGINT REFERENCES periods(id) ON DELETE SET NULL,
    -- 督办〔year〕seq号: numbered through the office's calendar year.
    year            BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    level           TEXT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    demand          TEXT NOT NULL,
    reply_by        TEXT NOT NULL,
    escalated_from  BIGINT REFERENCES supervisions(id),
    decision_note   TEXT NOT NULL DEFAULT '',
    issued_by       BIGINT NOT NULL,
    issued_at       BIGINT NOT NULL,
    decided_at      BIGINT,
    version         BIGINT NOT NULL DEFAULT 1,
    UNIQUE (year, seq)
);
CREATE INDEX supervisions_by_plan ON supervisions (plan_id, state);
CREATE INDEX supervisions_by_item ON supervisions (item_id);

CREATE TABLE supervision_units (
    supervision_id  BIGINT NOT NULL REFERENCES supervisions(id) ON DELETE CASCADE,
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    role            TEXT NOT NULL,
    measures        TEXT NOT NULL DEFAULT '',
    new_deadline    TEXT,
    replied_at      BIGINT,
    replied_by      BIGINT,
    PRIMARY KEY (supervision_id, unit_id)
);
CREATE INDEX supervision_units_by_unit ON supervision_units (unit_id);

-- Files a unit attaches to its reply (佐证材料).
CREATE TABLE supervision_files (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    supervision_id  BIGINT NOT NULL REFERENCES supervisions(id) ON DELETE CASCADE,
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    file_name       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    data            BLOB NOT NULL,
    created_at      BIGINT NOT NULL,
    created_by      BIGINT NOT NULL
);
CREATE INDEX supervision_files_by_supervision ON supervision_files (supervision_id, unit_id);
