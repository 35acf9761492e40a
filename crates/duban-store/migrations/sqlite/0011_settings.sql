-- Settings the office makes for the whole installation, one row each: `separation_of_duties` ('on' or
-- absent) keeps the accounts, the audit and the business with their own roles (三员分立).
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);
