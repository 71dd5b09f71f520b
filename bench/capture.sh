#!/usr/bin/env bash
# Re-captures bench/sql/*.sql: builds the release binary, seeds a small database with
# `log_statement = 'all'`, sends one request per workload, and converts the statements
# PostgreSQL logged for it (bench/capture.py). Run it after changing a hot path's SQL,
# then commit the scripts with the change. Needs read access to the PostgreSQL log
# (/var/log/postgresql/postgresql-*-main.log; root or the adm group on Debian).
set -euo pipefail
exec "$(dirname "$0")/run.sh" --capture "$@"
