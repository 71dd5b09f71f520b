#!/usr/bin/env bash
# The benchmark: the server against PostgreSQL running the same SQL (pgbench), per call.
#
#   bench/run.sh                 10,000 invoices, 20 s per run, 8 and 32 clients
#   bench/run.sh --million       1,000,000 invoices
#   bench/run.sh --smoke         200 invoices, 2 s per run, 8 clients, the debug binary
#                                (what CI runs: it only checks that the bench works)
#   bench/run.sh --capture       re-capture bench/sql/*.sql from the server's query log
#
# Options: --invoices N, --duration S, --clients "8 32", --workloads "create show list
# payment", --no-build, --debug (the debug binary), --limit SECONDS
# (the whole run is killed after it; default 3600). Environment: BENCH_PG (server URL
# without database, default postgres://postgres@127.0.0.1:5432).
#
# Everything listens on and connects to 127.0.0.1 only. A fresh database is created and
# dropped on exit, the server is stopped on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export BENCH_DIR=$ROOT/bench

N=10000
DURATION=20
CLIENTS="8 32"
BUILD=1
CAPTURE=0
SMOKE=0
LIMIT=3600
PROFILE=release
WORKLOADS="create show list payment"
while [ $# -gt 0 ]; do
  case "$1" in
    --million) N=1000000 ;;
    --smoke) SMOKE=1; N=200; DURATION=2; CLIENTS="8"; LIMIT=600; PROFILE=debug ;;
    --capture) CAPTURE=1; N=200 ;;
    --invoices) N=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --clients) CLIENTS=$2; shift ;;
    --no-build) BUILD=0 ;;
    --debug) PROFILE=debug ;;
    --limit) LIMIT=$2; shift ;;
    --workloads) WORKLOADS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=koteshen_bench_$$_$(date +%s)
DBURL=$PG/$DB${BENCH_PG_PARAMS:-}
WORK=$(mktemp -d /tmp/koteshen-bench.XXXXXX)
SERVER_PID=
WATCHDOG_PID=

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "${BENCH_KEEP_DB:-}" ]; then
    echo "bench: kept database $DB (drop it when done)" >&2
  else
    psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null || true
  if [ "$status" -ne 0 ] && [ -f "$WORK/server.log" ]; then
    echo "--- last lines of the server log ---" >&2
    tail -n 20 "$WORK/server.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The whole run is bounded in time.
# (Its own process, with no hold on our output, so nothing waits for it after we exit.)
MAIN_PID=$$
( trap 'kill $! 2>/dev/null; exit 0' TERM; sleep "$LIMIT" & wait $!; echo "bench: time limit of ${LIMIT}s reached" >&2
  kill -TERM "$MAIN_PID" ) </dev/null >/dev/null 2>&1 &
WATCHDOG_PID=$!

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v pgbench >/dev/null || { echo "pgbench is missing (postgresql-client)" >&2; exit 1; }
for tool in psql jq curl python3; do
  command -v $tool >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done

if [ "$BUILD" = 1 ]; then
  log "building the $PROFILE binary"
  if [ "$PROFILE" = release ]; then cargo build --release --locked --quiet
  else cargo build --locked --quiet; fi
fi
BIN=$ROOT/target/$PROFILE/koteshen
[ -x "$BIN" ] || { echo "no $BIN: run without --no-build" >&2; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
export DATABASE_URL=$DBURL HOST=127.0.0.1 PORT PUBLIC_URL=$BASE WORKERS=false \
  LOG_FORMAT=json RATE_LIMIT_PER_MINUTE=1000000 DATABASE_MAX_CONNECTIONS=${BENCH_POOL:-10} \
  RUST_LOG=${BENCH_RUST_LOG:-info,sqlx=warn,tower_http=info}

log "database $DB: create, migrate"
"$BIN" migrate >"$WORK/migrate.log" 2>&1
psql "$DBURL" -qAt -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
-- Distinct id ranges, so a captured parameter value names one thing (bench/capture.py).
SELECT setval('businesses_id_seq', 7000);
SELECT setval('customers_id_seq', 200000);
SELECT setval('taxes_id_seq', 9000);
SELECT setval('invoices_id_seq', 1000000);
SELECT setval('payments_id_seq', 5000000);
SQL
if [ "$CAPTURE" = 1 ]; then
  psql "$DBURL" -qAtc "ALTER DATABASE \"$DB\" SET log_statement = 'all'" >/dev/null
fi

log "account, OAuth client and token (koteshen admin)"
KOTESHEN_PASSWORD=bench-password-$$ "$BIN" admin create-user --email bench@example.com \
  --business-name "Bench Ltd" >"$WORK/user.json"
"$BIN" admin create-client --name bench --redirect-uri http://127.0.0.1/callback \
  >"$WORK/client.json"
CLIENT_ID=$(jq -r .client_id "$WORK/client.json")
"$BIN" admin issue-token --email bench@example.com --client-id "$CLIENT_ID" \
  >"$WORK/token.json"
export TOKEN
TOKEN=$(jq -r .access_token "$WORK/token.json")
BUSINESS_ID=$(jq -r .business.id "$WORK/user.json")

log "server on $BASE"
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
  curl -fs "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server died" >&2; exit 1; }
  sleep 0.1
done
curl -fs "$BASE/readyz" >/dev/null

api() { # method path [body]
  curl -fsS -X "$1" "$BASE$2" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}

log "a tax and 100 customers (through the API)"
TAX_ID=$(api POST /api/v1/taxes '{"tax": {"name": "VAT", "rate": "15.0"}}' | jq .data.id)
for i in $(seq 1 100); do
  api POST /api/v1/customers "{\"customer\": {\"name\": \"Customer $i\", \"company\": \"Company $i\",
    \"email\": \"billing$i@example.com\", \"currency\": \"USD\"}}" >/dev/null
done
export CUSTOMER_IDS
CUSTOMER_IDS=$(psql "$DBURL" -qAtc "SELECT string_agg(id::text, ',' ORDER BY id) FROM customers
                                   WHERE business_id = $BUSINESS_ID")
CUSTOMER_MIN=${CUSTOMER_IDS%%,*}
CUSTOMER_MAX=${CUSTOMER_IDS##*,}

# The create request of the benchmark (and of the seeded invoices).
ITEMS=$(python3 - <<'PY'
import json
items = [{"name": f"Consulting {i}", "description": "Senior engineer, per day",
          "quantity": "10", "unit_price": "5000.00"} for i in range(1, 6)]
print(json.dumps(items))
PY
)
export CREATE_BODY="{\"invoice\": {\"customer_id\": CUSTOMER_ID, \"currency\": \"USD\",
  \"discount_type\": \"percent\", \"discount_value\": \"5\", \"notes\": \"Thank you.\",
  \"items_attributes\": $ITEMS, \"invoice_taxes_attributes\": [{\"tax_id\": $TAX_ID}]}}"

log "template invoice (through the API), then $N invoices (set-based SQL)"
TEMPLATE_ID=$(api POST /api/v1/invoices "${CREATE_BODY/CUSTOMER_ID/$CUSTOMER_MIN}" | jq .data.id)
psql "$DBURL" -q -v n="$N" -v template="$TEMPLATE_ID" -f "$BENCH_DIR/seed.sql" >/dev/null
export ID_MIN ID_MAX
read -r ID_MIN ID_MAX < <(psql "$DBURL" -qAt -F ' ' -c \
  "SELECT min(id), max(id) FROM invoices WHERE business_id = $BUSINESS_ID")
TOKEN_HASH=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
log "seeded: invoices $ID_MIN..$ID_MAX, customers $CUSTOMER_MIN..$CUSTOMER_MAX, tax $TAX_ID"

# pgbench variables every script may use.
PGBENCH_VARS=(-D business_id="$BUSINESS_ID" -D tax_id="$TAX_ID" -D token_hash="$TOKEN_HASH"
  -D id_min="$ID_MIN" -D id_max="$ID_MAX" -D customer_min="$CUSTOMER_MIN"
  -D customer_max="$CUSTOMER_MAX")

if [ "$CAPTURE" = 1 ]; then
  # One request per workload, its statements read back from PostgreSQL's log.
  LOGFILE=$(ls -t /var/log/postgresql/postgresql-*-main.log | head -1)
  SHOW_ID=$((ID_MIN + 7))
  PAY_ID=$((ID_MIN + 11))
  capture() { # name method path [body]
    local name=$1 before
    sleep 0.3
    before=$(stat -c %s "$LOGFILE")
    api "$2" "$3" "${4:-}" >"$WORK/$name.response.json"
    sleep 0.5
    tail -c +"$((before + 1))" "$LOGFILE" >"$WORK/$name.log"
  }
  capture show GET "/api/v1/invoices/$SHOW_ID"
  capture list GET "/api/v1/invoices?page=1&per_page=20"
  capture create POST /api/v1/invoices "${CREATE_BODY/CUSTOMER_ID/$((CUSTOMER_MIN + 3))}"
  capture payment POST "/api/v1/invoices/$PAY_ID/payments" \
    '{"payment": {"amount": "0.01", "payment_method": "bank_transfer"}}'
  python3 "$BENCH_DIR/capture.py" --db "$DB" --work "$WORK" --out "$BENCH_DIR/sql" \
    --business-id "$BUSINESS_ID" --tax-id "$TAX_ID" --token-hash "$TOKEN_HASH" \
    --customer-min "$CUSTOMER_MIN" --customer-max "$CUSTOMER_MAX" \
    --show-id "$SHOW_ID" --pay-id "$PAY_ID" --create-customer "$((CUSTOMER_MIN + 3))"
  log "captured into bench/sql/"
  exit 0
fi

# --- the runs --------------------------------------------------------------------------

peak_rss() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status"; }
current_rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status"; }

RESULTS=$WORK/results.tsv
: >"$RESULTS"

# CPU time, in clock ticks, to say where each call's CPU goes (the machine's cores are
# shared by wrk, the server, PostgreSQL and pgbench). The server: its own process.
# PostgreSQL: every postgres process alive (the server's pooled backends, background
# writers) plus what the postmaster reaped from exited children (pgbench's backends).
TICK_US=$((1000000 / $(getconf CLK_TCK)))
server_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$SERVER_PID/stat"; }
pg_ticks() {
  local postmaster total=0 pid
  postmaster=$(pgrep -o -x postgres || true)
  [ -n "$postmaster" ] || { echo 0; return; }
  total=$(awk '{sub(/^.*\) /, ""); print $14 + $15}' "/proc/$postmaster/stat")
  for pid in $(pgrep -x postgres); do
    total=$((total + $(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
per_call_us() { # ticks calls_per_second -> microseconds of CPU per call
  python3 -c "import sys; t, r, d, u = map(float, sys.argv[1:]); print(f'{t * u / (r * d):.0f}' if r else '-')" \
    "$1" "$2" "$DURATION" "$TICK_US"
}

run_wrk() { # workload clients -> "rps p50 p99 errors"
  local out=$WORK/wrk.$1.$2.txt
  wrk -t 2 -c "$2" -d "${DURATION}s" --timeout 10s --latency -s "$BENCH_DIR/wrk/$1.lua" \
    "$BASE" >"$out" 2>&1
  python3 - "$out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s+%s\s+([\d.]+)(us|ms|s)\s*$" % label, text, re.M)
    if not m: return float("nan")
    v = float(m.group(1)); return {"us": v / 1000, "ms": v, "s": v * 1000}[m.group(2)]
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors += int(m.group(1)) if m else 0
if not rps: errors += 1
print(f"{float(rps.group(1)) if rps else 0:.0f} {ms('50%'):.2f} {ms('99%'):.2f} {errors}")
PY
}

run_pgbench() { # workload clients -> "tps"
  local out=$WORK/pgbench.$1.$2.txt
  pgbench -n -M prepared -c "$2" -j 2 -T "$DURATION" "${PGBENCH_VARS[@]}" \
    -f "$BENCH_DIR/sql/$1.sql" "$DBURL" >"$out" 2>&1 || { cat "$out" >&2; return 1; }
  local failed
  failed=$(awk '/number of failed transactions:/ {print $5}' "$out")
  [ "${failed:-0}" = 0 ] || { echo "pgbench $1: $failed failed transactions" >&2; cat "$out" >&2; return 1; }
  awk '/^tps = / {printf "%.0f", $3}' "$out"
}

# Fresh planner statistics before each pair of runs, as autovacuum would keep them (it
# may be off, as on the machine BENCHMARKS.md was measured on): the server's cached plans
# are made again from them, and a plan chosen while a table was nearly empty (payments
# before the first payment run) does not outlive it.
analyze() { psql "$DBURL" -qAtc "ANALYZE" >/dev/null; }

for workload in $WORKLOADS; do
  for c in $CLIENTS; do
    analyze
    log "$workload, $c clients: server (wrk), then pgbench"
    s0=$(server_ticks); p0=$(pg_ticks)
    read -r rps p50 p99 errors < <(run_wrk "$workload" "$c")
    s1=$(server_ticks); p1=$(pg_ticks)
    rss=$(peak_rss)
    tps=$(run_pgbench "$workload" "$c")
    p2=$(pg_ticks)
    cpu="$(per_call_us $((s1 - s0)) "$rps")\t$(per_call_us $((p1 - p0)) "$rps")\t$(per_call_us $((p2 - p1)) "$tps")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%b\n' "$workload" "$c" "$rps" "$p50" "$p99" \
      "$errors" "$rss" "$tps" "$cpu" >>"$RESULTS"
  done
done

# Memory while serving 256 concurrent connections (show), sampled during the run.
analyze
log "show, 256 connections: server RSS"
rss_max=0
( while kill -0 "$SERVER_PID" 2>/dev/null; do current_rss; echo; sleep 0.2; done ) \
  >"$WORK/rss256.txt" 2>/dev/null &
SAMPLER=$!
read -r rps p50 p99 errors < <(run_wrk show 256)
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
rss_max=$(sort -n "$WORK/rss256.txt" | tail -1)
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\t-\t-\n' show 256 "$rps" "$p50" "$p99" \
  "$errors" "${rss_max:-0}" - >>"$RESULTS"

echo
echo "invoices: $N   duration: ${DURATION}s per run   machine: $(nproc) cores," \
  "$(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)," \
  "$(psql "$DBURL" -qAtc 'SHOW server_version' | cut -d' ' -f1) PostgreSQL"
echo
python3 - "$RESULTS" <<'PY'
import sys
print("| workload | clients | server req/s | p50 ms | p99 ms | errors | server RSS MB | pgbench TPS | server/pgbench "
      "| CPU µs/call: server | PostgreSQL (for the server) | PostgreSQL (for pgbench) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
bad = 0
for line in open(sys.argv[1]):
    w, c, rps, p50, p99, err, rss, tps, srv, pg_srv, pg_bench = line.rstrip("\n").split("\t")
    ratio = f"{100 * float(rps) / float(tps):.0f} %" if tps not in ("-", "0") else "-"
    bad += int(err)
    print(f"| {w} | {c} | {rps} | {p50} | {p99} | {err} | {rss} | {tps} | {ratio} "
          f"| {srv} | {pg_srv} | {pg_bench} |")
sys.exit(1 if bad else 0)
PY
