#!/usr/bin/env bash
# Runs the Postman collection with newman against a fresh server on this machine: a new
# database, an account, an OAuth client and a token from `koteshen admin`, then every
# request of postman/koteshen.postman_collection.json with its tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${KOTESHEN_BIN:-target/debug/koteshen}"
[ -x "$bin" ] || cargo build --locked --quiet
[ -x node_modules/.bin/newman ] || npm ci --no-audit --no-fund --silent

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
db="koteshen_newman_$$"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export HOST=127.0.0.1 PORT="$port" PUBLIC_URL="http://127.0.0.1:$port"
export WORKERS=false WEBHOOK_ALLOW_PRIVATE=true RATE_LIMIT_PER_MINUTE=100000
export LOG_FORMAT=json RUST_LOG=warn
email="newman@example.com"
password="newman-password-$$"
redirect="http://127.0.0.1:$port/callback"

server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$bin" migrate >/dev/null
KOTESHEN_PASSWORD="$password" "$bin" admin create-user --email "$email" --business-name "Newman Co" >/dev/null
# --owner-email: the client credentials request acts for this user.
client=$("$bin" admin create-client --name Postman --redirect-uri "$redirect" --owner-email "$email")
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
client_id=$(field "$client" client_id)
client_secret=$(field "$client" client_secret)
token=$(field "$("$bin" admin issue-token --email "$email" --client-id "$client_id")" access_token)

"$bin" serve >/tmp/koteshen-newman-server.log 2>&1 &
server=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done

node_modules/.bin/newman run postman/koteshen.postman_collection.json \
    -e postman/local.postman_environment.json \
    --env-var "baseUrl=http://127.0.0.1:$port" \
    --env-var "accessToken=$token" \
    --env-var "clientId=$client_id" \
    --env-var "clientSecret=$client_secret" \
    --env-var "redirectUri=$redirect" \
    --env-var "email=$email" \
    --env-var "password=$password" \
    --color off --disable-unicode

# Every operation in the spec is called at least once by the collection.
curl -fsS "http://127.0.0.1:$port/api/v1/openapi.json" | python3 -c '
import json, re, sys
spec = json.load(sys.stdin)
ops = {(m.upper(), p) for p, item in spec["paths"].items() for m in item
       if m in ("get", "post", "put", "patch", "delete")}
collection = json.load(open("postman/koteshen.postman_collection.json"))
called = set()
def walk(items):
    for it in items:
        if "item" in it:
            walk(it["item"])
        else:
            path = "/" + "/".join(it["request"]["url"]["path"])
            path = re.sub(r"\{\{[^}]+\}\}(\.json)?", "{x}", path)
            called.add((it["request"]["method"], path))
walk(collection["item"])
def normal(p):
    return re.sub(r"\{[^}]+\}", "{x}", p)
missing = sorted((m, p) for m, p in ops if (m, normal(p)) not in called)
if missing:
    print("operations the collection never calls:", *missing, sep="\n  ")
    sys.exit(1)
print(f"the collection calls all {len(ops)} operations of the spec")
'
