-- wrk script: submit one saved draft per request; $BENCH_TARGETS lines are "report_id unit_id version".
local targets = {}
for line in io.lines(os.getenv("BENCH_TARGETS")) do
  targets[#targets + 1] = line
end
local i = 0

request = function()
  i = i + 1
  local id, unit, version = targets[((i - 1) % #targets) + 1]:match("(%d+) (%d+) (%d+)")
  return wrk.format("POST", "/api/v1/reports/" .. id .. "/submit",
    { ["Authorization"] = "Bearer bench-" .. unit, ["Content-Type"] = "application/json" },
    '{"version":' .. version .. '}')
end
