-- Accounts as 等级保护 2.0 asks: an initial or reset password must be changed at the next sign-in; a new
-- password may not repeat the last three (their argon2 hashes are kept); a browser session ends after an
-- idle time, so each keeps when it was last used.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT;
CREATE TABLE password_history (
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    changed_at    BIGINT NOT NULL
);
CREATE INDEX password_history_by_user ON password_history (user_id, changed_at);
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
