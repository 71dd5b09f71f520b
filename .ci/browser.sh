#!/usr/bin/env bash
# What the headless-browser test needs: Debian's chromium, node with npm, and the pinned
# playwright-core from package-lock.json. Installs only what is missing; quick when all is.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci only when node_modules doesn't match the lockfile.
stamp=node_modules/.koteshen-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
fi
chromium --version 2>/dev/null || /usr/bin/chromium --version
echo "playwright-core $(node -p "require('./node_modules/playwright-core/package.json').version")"
