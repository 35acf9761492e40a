-- Notices to people, written in the same transaction as the event that causes them: kind and arguments,
-- rendered in the reader's language; read when the person opens it. SQLite dialect; keep in step with
-- ../postgres/.
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    args_json   TEXT NOT NULL,
    link        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE INDEX notices_by_user ON notices (user_id, read_at, id);
