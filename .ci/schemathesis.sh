#!/usr/bin/env bash
# Runs schemathesis with every check against a fresh server on this machine, bounded in
# examples and time, with a fixed seed: no server errors, every answer matching its
# documented status and schema, undeclared methods answering 405 with Allow.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${KOTESHEN_BIN:-target/debug/koteshen}"
[ -x "$bin" ] || cargo build --locked --quiet
if ! command -v schemathesis >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        schemathesis==4.32.5
    hash -r
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
db="koteshen_schemathesis_$$"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export HOST=127.0.0.1 PORT="$port" PUBLIC_URL="http://127.0.0.1:$port"
export WORKERS=false WEBHOOK_ALLOW_PRIVATE=true RATE_LIMIT_PER_MINUTE=1000000
export FAILED_BEARER_RATE_LIMIT_PER_MINUTE=1000000 TOKEN_RATE_LIMIT_PER_MINUTE=1000000
export LOG_FORMAT=json RUST_LOG=warn

server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$bin" migrate >/dev/null
KOTESHEN_PASSWORD="schemathesis-$$" "$bin" admin create-user --email st@example.com --business-name "Schema Co" >/dev/null
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
client_id=$(field "$("$bin" admin create-client --name schemathesis --redirect-uri http://127.0.0.1/cb)" client_id)
token=$(field "$("$bin" admin issue-token --email st@example.com --client-id "$client_id")" access_token)

"$bin" serve >/tmp/koteshen-schemathesis-server.log 2>&1 &
server=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done

SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$PWD/.ci${PYTHONPATH:+:$PYTHONPATH}" \
schemathesis run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --url "http://127.0.0.1:$port" \
    --include-path-regex '^/api/v1/' \
    -H "Authorization: Bearer $token" \
    --checks all \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}" \
    --max-time "${SCHEMATHESIS_MAX_TIME:-240}" \
    --seed 20261121 \
    --no-color
