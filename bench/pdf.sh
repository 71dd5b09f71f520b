#!/usr/bin/env bash
# The PDF benchmark (BENCHMARKS.md, "PDFs" and "E-invoices"): how long the release server
# takes to answer an invoice's PDF (one page; 100 lines over five pages; one page as a
# Factur-X PDF) and a 5-line invoice's UBL and CII, and its memory while it renders 8
# PDFs at once.
#
#   bench/pdf.sh [--no-build] [--runs N] [--concurrency "2 8"]
#
# Environment: BENCH_PG (server URL without database, default
# postgres://postgres@127.0.0.1:5432), CARGO_TARGET_DIR (where the release binary is).
# A fresh database is created and dropped on exit, the server stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BUILD=1
RUNS=40
CONCURRENCY="2 8"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --runs) RUNS=$2; shift ;;
    --concurrency) CONCURRENCY=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=koteshen_pdfbench_$$_$(date +%s)
DBURL=$PG/$DB
WORK=$(mktemp -d /tmp/koteshen-pdfbench.XXXXXX)
SERVER_PID=

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_server
  psql "$PG/postgres" -qAtc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { printf '[pdf bench %s] %s\n' "$(date +%T)" "$*" >&2; }

if [ "$BUILD" = 1 ]; then
  log "building the release binary"
  cargo build --release --locked --quiet
fi
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/koteshen
[ -x "$BIN" ] || { echo "no $BIN: build it (cargo build --release)" >&2; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
export DATABASE_URL=$DBURL HOST=127.0.0.1 PORT PUBLIC_URL=$BASE WORKERS=false \
  LOG_FORMAT=json RATE_LIMIT_PER_MINUTE=1000000 RUST_LOG=warn

"$BIN" migrate >"$WORK/migrate.log" 2>&1
KOTESHEN_PASSWORD=bench-password-$$ "$BIN" admin create-user --email bench@example.com \
  --business-name "Bench Ltd" >/dev/null
CLIENT_ID=$("$BIN" admin create-client --name bench --redirect-uri http://127.0.0.1/callback | jq -r .client_id)
TOKEN=$("$BIN" admin issue-token --email bench@example.com --client-id "$CLIENT_ID" | jq -r .access_token)

start_server() { # concurrency
  PDF_RENDER_CONCURRENCY=$1 "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do
    curl -fs "$BASE/readyz" >/dev/null 2>&1 && return
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "the server did not get ready" >&2; exit 1
}
api() { curl -fsS -X "$1" "$BASE$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status"; }
hwm() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status"; }

start_server 2
# The seller as EN 16931 needs it; a buyer with a country code makes an invoice e-invoice
# ready (its PDF Factur-X), the other customer (a country name only) does not.
api PATCH /api/v1/business '{"business": {"legal_name": "Bench Ltd", "email": "billing@example.de",
  "tax_id": "DE123456789", "address": {"line": "Hauptstr. 1", "city": "Berlin", "post_code": "10115",
  "country_code": "DE"}, "payment_instructions": {"iban": "DE89370400440532013000"}}}' >/dev/null
BUYER=$(api POST /api/v1/customers '{"customer": {"name": "Acme SA", "tax_id": "BE0123456789",
  "address": {"line": "Rue de la Loi 16", "city": "Bruxelles", "post_code": "1000", "country_code": "BE"}}}' | jq .data.id)
TAX=$(api POST /api/v1/taxes '{"tax": {"name": "VAT", "rate": "15.0"}}' | jq .data.id)
CUSTOMER=$(api POST /api/v1/customers '{"customer": {"name": "Texas Ins", "email": "a@example.com",
  "address": {"line": "1 Mahem Pl", "city": "East London", "post_code": "5256", "country": "South Africa"}}}' | jq .data.id)
items() { python3 -c "import json,sys; print(json.dumps([{'name': f'Consulting {i}', 'description': 'Senior engineer, per day', 'quantity': '10', 'unit_price': '500.00'} for i in range(1, int(sys.argv[1]) + 1)]))" "$1"; }
invoice() { api POST /api/v1/invoices "{\"invoice\": {\"customer_id\": ${2:-$CUSTOMER}, \"currency\": \"USD\",
  \"discount_type\": \"percent\", \"discount_value\": \"5\", \"notes\": \"Thank you.\",
  \"items_attributes\": $(items "$1"), \"invoice_taxes_attributes\": [{\"tax_id\": $TAX}]}}" | jq .data.id; }
ONE=$(invoice 5)
HUNDRED=$(invoice 100)
FACTURX=$(invoice 5 "$BUYER")
pages() { curl -fsS "$BASE/api/v1/invoices/$1.pdf" -H "Authorization: Bearer $TOKEN" -o "$WORK/p.pdf"; pdfinfo "$WORK/p.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
attached() { curl -fsS "$BASE/api/v1/invoices/$1.pdf" -H "Authorization: Bearer $TOKEN" -o "$WORK/f.pdf"; pdfdetach -list "$WORK/f.pdf" 2>/dev/null | tail -n +2 | tr '\n' ' '; }
log "invoices: $ONE (5 lines, $(pages "$ONE") page), $HUNDRED (100 lines, $(pages "$HUNDRED") pages), $FACTURX (5 lines, attached: $(attached "$FACTURX"))"

timing() { # path -> "p50 p95 min" in ms over RUNS sequential requests (after 5 to warm up)
  for _ in $(seq 5); do curl -fsS -o /dev/null "$BASE$1" -H "Authorization: Bearer $TOKEN"; done
  for _ in $(seq "$RUNS"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' "$BASE$1" -H "Authorization: Bearer $TOKEN"
  done | python3 -c "
import sys; t = sorted(float(x) * 1000 for x in sys.stdin)
print(f'{t[len(t) // 2]:.1f} {t[int(len(t) * 0.95) - 1]:.1f} {t[0]:.1f}')"
}
row() { printf '%s\t%s\n' "$1" "$(timing "$2" | tr ' ' '\t')"; }
printf 'document\tp50 ms\tp95 ms\tmin ms\n'
row 'one page (5 lines)' "/api/v1/invoices/$ONE.pdf"
row '100 lines (5 pages)' "/api/v1/invoices/$HUNDRED.pdf"
row 'Factur-X, one page (5 lines)' "/api/v1/invoices/$FACTURX.pdf"
row 'JSON show (5 lines, the baseline)' "/api/v1/invoices/$FACTURX"
row 'UBL (5 lines)' "/api/v1/invoices/$FACTURX.xml?syntax=ubl"
row 'CII (5 lines)' "/api/v1/invoices/$FACTURX.xml?syntax=cii"
stop_server

printf '\nPDF_RENDER_CONCURRENCY\tRSS idle MB\tRSS max MB while 8 render\tpeak (VmHWM) MB\t8x10 PDFs in s\n'
for c in $CONCURRENCY; do
  start_server "$c"
  curl -fsS -o /dev/null "$BASE/api/v1/invoices/$HUNDRED.pdf" -H "Authorization: Bearer $TOKEN"
  idle=$(rss)
  max=$idle
  start=$(date +%s.%N)
  for _ in $(seq 8); do
    ( for _ in $(seq 10); do
        curl -fsS -o /dev/null "$BASE/api/v1/invoices/$HUNDRED.pdf" -H "Authorization: Bearer $TOKEN"
      done ) &
  done
  while [ -n "$(jobs -rp | grep -v "^$SERVER_PID$" || true)" ]; do
    now=$(rss); [ "$now" -gt "$max" ] && max=$now
    sleep 0.05
  done
  wait_time=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
  printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$idle" "$max" "$(hwm)" "$wait_time"
  stop_server
done
