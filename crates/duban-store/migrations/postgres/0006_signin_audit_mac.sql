-- Failed sign-ins per (account name, client address), and per client address (username ''), for the
-- growing waits of duban-core::signin; kept in the database so that several servers share them. Rows
-- older than a day are deleted when a failure is recorded. Same in both dialects.
CREATE TABLE login_failures (
    username  TEXT NOT NULL,
    client    TEXT NOT NULL,
    failures  BIGINT NOT NULL,
    last_at   BIGINT NOT NULL,
    PRIMARY KEY (username, client)
);
CREATE INDEX login_failures_last_at ON login_failures (last_at);

-- A keyed MAC over the audit head (HMAC-SHA256 with a key kept outside the database), so that cutting
-- the tail off the log and rewriting the head to match is found by `duban audit verify`.
ALTER TABLE audit_head ADD COLUMN mac TEXT NOT NULL DEFAULT '';
