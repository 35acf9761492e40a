-- The directory as offices keep it in Excel: a unit's protocol order (排序, used wherever units are
-- listed without a plan's printed order), its telephone and e-mail; an account's mobile and e-mail.
ALTER TABLE units ADD COLUMN sort_order BIGINT NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
