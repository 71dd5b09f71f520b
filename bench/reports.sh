#!/usr/bin/env bash
# The reports at scale: bench/run.sh seeds N invoices into a database it keeps (one short
# `show` run), bench/reports_seed.sql gives them two years of history (paid, sent,
# overdue, drafts, payments, refunds), then each report is asked R times in a row through
# the server and its latency percentiles printed (BENCHMARKS.md, "Reports").
#
#   bench/reports.sh [--invoices N] [--requests R] [--no-build]   (default 1,000,000 and 30)
#
# BENCH_DB=name reuses a database an earlier run kept (BENCH_KEEP_DB=1): no seeding, and
# the database is kept (this binary migrates it first).
# Loopback only; the database is dropped (unless kept) and the server stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
N=1000000
R=30
BUILD=""
while [ $# -gt 0 ]; do
  case "$1" in
    --invoices) N=$2; shift ;;
    --requests) R=$2; shift ;;
    --no-build) BUILD=--no-build ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PROFILE=release
if [ -n "$BUILD" ] && [ ! -x target/release/koteshen ]; then PROFILE=debug; BUILD="--no-build --debug"; fi
BIN=$PWD/target/$PROFILE/koteshen
WORK=$(mktemp -d /tmp/koteshen-reports.XXXXXX)
DB=""
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$DB" ] && psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '[reports %s] %s\n' "$(date +%T)" "$*" >&2; }

if [ -n "${BENCH_DB:-}" ]; then
  DBURL=$PG/$BENCH_DB
  log "reusing $BENCH_DB (kept); migrating it"
  DATABASE_URL=$DBURL RUST_LOG=warn "$BIN" migrate >/dev/null
  if [ -z "${BENCH_KEEP_DB:-}" ]; then DB=$BENCH_DB; fi
else
  log "seeding $N invoices with bench/run.sh (kept)"
  BENCH_KEEP_DB=1 bench/run.sh --invoices "$N" --workloads show --clients 8 --duration 1 \
    $BUILD 2>"$WORK/run.err" >/dev/null || { cat "$WORK/run.err" >&2; exit 1; }
  DB=$(sed -n 's/^bench: kept database \([^ ]*\).*/\1/p' "$WORK/run.err")
  [ -n "$DB" ] || { cat "$WORK/run.err" >&2; exit 1; }
  DBURL=$PG/$DB
  BUSINESS=$(psql "$DBURL" -qAtc "SELECT id FROM businesses ORDER BY id LIMIT 1")
  log "history for business $BUSINESS (bench/reports_seed.sql)"
  psql "$DBURL" -q -v business="$BUSINESS" -f bench/reports_seed.sql >/dev/null
  if [ -n "${BENCH_KEEP_DB:-}" ]; then DB=""; log "keeping database ${DBURL##*/}"; fi
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
export DATABASE_URL=$DBURL HOST=127.0.0.1 PORT PUBLIC_URL=$BASE WORKERS=false \
  LOG_FORMAT=json RATE_LIMIT_PER_MINUTE=1000000 RUST_LOG=warn
CLIENT=$(psql "$DBURL" -qAtc "SELECT uid FROM oauth_applications ORDER BY id LIMIT 1")
TOKEN=$("$BIN" admin issue-token --email bench@example.com --client-id "$CLIENT" | jq -r .access_token)
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do curl -fs "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

echo "invoices: $N ($PROFILE binary), $R requests each, one at a time"
echo
echo "| report | p50 ms | p90 ms | max ms |"
echo "|---|---:|---:|---:|"
for path in "summary?from=2025-01-01&to=2025-03-31" "aging" "tax?from=2025-01-01&to=2025-03-31" \
            "revenue?from=2024-01-01&to=2025-10-21&interval=month"; do
  : >"$WORK/times"
  for _ in $(seq "$R"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" \
      "$BASE/api/v1/reports/$path" >>"$WORK/times"
  done
  python3 - "$path" "$WORK/times" <<'PY'
import sys
t = sorted(float(x) * 1000 for x in open(sys.argv[2]))
pick = lambda q: t[min(len(t) - 1, int(q * len(t)))]
print(f"| {sys.argv[1].split('?')[0]} | {pick(0.5):.0f} | {pick(0.9):.0f} | {t[-1]:.0f} |")
PY
done
