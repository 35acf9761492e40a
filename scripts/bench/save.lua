-- wrk script: save a new draft report per request, one (task, unit) pair per line of $BENCH_TARGETS
-- ("item_id unit_id"), into period $BENCH_PERIOD, each with the unit reporter's bench token.
local targets = {}
for line in io.lines(os.getenv("BENCH_TARGETS")) do
  targets[#targets + 1] = line
end
local period = os.getenv("BENCH_PERIOD")
local i = 0

request = function()
  i = i + 1
  local item, unit = targets[((i - 1) % #targets) + 1]:match("(%d+) (%d+)")
  local body = string.format(
    '{"period_id":%s,"item_id":%s,"unit_id":%s,"progress":"合成压测：本月进展","percent":50}', period, item, unit)
  return wrk.format("PUT", "/api/v1/reports",
    { ["Authorization"] = "Bearer bench-" .. unit, ["Content-Type"] = "application/json" }, body)
end
