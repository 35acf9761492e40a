-- Why the parser read each unit and target as it did (duban.plan/1 `basis`: a role label, a duty word, the
-- first-listed rule, a table column … and a target's cue word: 不少于, 以上, 力争), so the check page can say it
-- and show the guesses first. '' where the office set the row, or the row is older than this.
ALTER TABLE assignments ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE unresolved_names ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN cue TEXT NOT NULL DEFAULT '';
-- When the office confirmed an item as read (核对无误) or corrected it; NULL until then. The parser's doubts
-- about the item are kept in items.extra_json ("doubts") and stop counting as open once it is checked.
ALTER TABLE items ADD COLUMN checked_at BIGINT;
