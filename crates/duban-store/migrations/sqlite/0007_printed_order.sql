-- A task's units keep the order the plan prints them in (its first is often the lead: 列第一位者为牵头单位).
-- New rows get their place in the parsed list; a generic name (相关市政府) expanded to several units gives
-- each of them the group's place. Rows of databases made before this get -1, "place not known yet", and
-- then theirs from the plan as parsed at import (plans.parsed_json), by `Store::recover_printed_order`
-- when the store opens; every write names the place, so no new row is left at -1.
ALTER TABLE assignments ADD COLUMN position BIGINT NOT NULL DEFAULT -1;
ALTER TABLE unresolved_names ADD COLUMN position BIGINT NOT NULL DEFAULT -1;
