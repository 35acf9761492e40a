#!/usr/bin/env bash
# Loopback load test of duban's main reads (ledger, summary, a unit's to-do list) and writes (save and
# submit a report) on synthetic national-scale data, with wrk (apt-get install wrk).
#
#   scripts/bench_api.sh [sqlite|postgres] [full|small]
#
# full: 31 plans, 3,007 units, ~9.6 million report rows (takes a few minutes to generate); small: 3 plans.
# Each load runs $DUR (default 10s) with $CONN connections (default 8) from one wrk thread. Results are
# printed as a Markdown table, with the server's peak memory (VmHWM).
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-sqlite}
SIZE=${2:-full}
DUR=${DUR:-10s}
CONN=${CONN:-8}
PORT=${PORT:-18181}
BIN=target/release/duban
WORK=${WORK:-target/bench}
mkdir -p "$WORK"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --bin duban >/dev/null

case "$SIZE" in
  small) ARGS=(--plans 3) ;;
  full) ARGS=() ;;
  *) echo "size is full or small" >&2; exit 2 ;;
esac
case "$BACKEND" in
  sqlite)
    DB="$WORK/bench-$SIZE.db"
    rm -f "$DB" "$DB-wal" "$DB-shm"
    ;;
  postgres)
    psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS duban_bench" -c "CREATE DATABASE duban_bench"
    DB="postgres://postgres@127.0.0.1:5432/duban_bench"
    ;;
  *) echo "backend is sqlite or postgres" >&2; exit 2 ;;
esac

echo "== generating ($BACKEND, $SIZE)"
START=$(date +%s)
SYNTH=$("$BIN" synth --database "$DB" "${ARGS[@]}")
echo "$SYNTH"
echo "generated in $(( $(date +%s) - START ))s"
OPEN=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["open_period"])' "$SYNTH")
[ "$BACKEND" = sqlite ] && echo "database size: $(du -h "$DB" | cut -f1)"

"$BIN" serve --database "$DB" --bind "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
BASE="http://127.0.0.1:$PORT/api/v1"
ADMIN=(-H "Authorization: Bearer bench-admin")

# The open period of plan 1 and its (task, unit) pairs for the write loads.
PERIOD=$(curl -sf "${ADMIN[@]}" "$BASE/plans/1/periods" | python3 -c "import json,sys; print([p['id'] for p in json.load(sys.stdin) if p['key']=='$OPEN'][0])")
curl -sf "${ADMIN[@]}" "$BASE/plans/1" | python3 -c '
import json, sys
def walk(items):
    for i in items:
        if i["is_task"]:
            for u in i["units"]:
                print(i["id"], u["unit_id"])
        walk(i["children"])
walk(json.load(sys.stdin)["items"])' > "$WORK/save-targets.txt"

RESULTS=()
run() { # name, wrk args...
  local name=$1; shift
  local out
  out=$(wrk -t1 -c"$CONN" -d"$DUR" --latency "$@")
  local rps p50 p99 non2xx total secs ok
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  total=$(echo "$out" | awk '/requests in/ {print $1}')
  secs=$(echo "$out" | awk '/requests in/ {sub(/s,/, "", $4); print $4}')
  ok=$(python3 -c "print(round(($total - ${non2xx:-0}) / $secs, 1))")
  RESULTS+=("| $name | $rps | $ok | $p50 | $p99 | ${non2xx:-0} |")
  echo "$out" | sed "s|^|[$name] |" >&2
}

run "ledger (GET /plans/1)" "${ADMIN[@]}" "$BASE/plans/1"
run "summary, current month (computed, fresh=true)" "${ADMIN[@]}" "$BASE/plans/1/summary?period=$OPEN&fresh=true"
LAST=$(python3 -c "y,m='$OPEN'.split('-'); m=int(m)-1; print(f'{y}-{m:02d}' if m else '$OPEN')")
run "summary, last month (kept)" "${ADMIN[@]}" "$BASE/plans/1/summary?period=$LAST"
run "summary, last month (computed, fresh=true)" "${ADMIN[@]}" "$BASE/plans/1/summary?period=$LAST&fresh=true"
run "to-do (GET /plans/1/todo, unit 1)" -H "Authorization: Bearer bench-1" "$BASE/plans/1/todo?period=$OPEN"
BENCH_TARGETS="$WORK/save-targets.txt" BENCH_PERIOD=$PERIOD run "save report (PUT /reports)" -s scripts/bench/save.lua "$BASE/reports"
python3 - "$BASE" "$PERIOD" > "$WORK/submit-targets.txt" <<'PY'
import json, sys, urllib.request
base, period, after = sys.argv[1], sys.argv[2], 0
while True:
    req = urllib.request.Request(f"{base}/reports?period_id={period}&state=draft&limit=5000&after_id={after}",
                                 headers={"Authorization": "Bearer bench-admin"})
    page = json.load(urllib.request.urlopen(req))
    if not page:
        break
    for r in page:
        print(r["id"], r["unit_id"], r["version"])
    after = page[-1]["id"]
PY
DUR=${DUR_SUBMIT:-5s} BENCH_TARGETS="$WORK/submit-targets.txt" run "submit report (POST /reports/{id}/submit)" -s scripts/bench/submit.lua "$BASE/reports"

HWM=$(awk '/VmHWM/ {print $2" "$3}' /proc/$PID/status)
echo
echo "backend: $BACKEND, size: $SIZE, $CONN connections, $DUR each, peak server memory (VmHWM): $HWM"
echo "| load | requests/s | 2xx/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${RESULTS[@]}"
