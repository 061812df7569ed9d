#!/usr/bin/env bash
# Set up (idempotent), lint, type-check, and run every test including the real-model ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
.venv/bin/ruff check claimcheck tests
.venv/bin/ruff format --check claimcheck tests
.venv/bin/mypy
# "slow" tests load the bundled all-MiniLM-L6-v2 and scan fixtures/ end to end
.venv/bin/python -m pytest -m "slow or not slow" "$@"
