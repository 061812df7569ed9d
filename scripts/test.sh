#!/usr/bin/env bash
# Set up (idempotent), lint, type-check, and run every test including the real-model and browser ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# The report page is tested in Debian's headless chromium, driven by Playwright.
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && [ -z "${CLAIMCHECK_CHROMIUM:-}" ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
export CLAIMCHECK_REQUIRE_BROWSER=1
.venv/bin/ruff check claimcheck tests scripts
.venv/bin/ruff format --check claimcheck tests scripts
.venv/bin/mypy
# "slow" tests load the bundled all-MiniLM-L6-v2 and scan fixtures/ end to end
.venv/bin/python -m pytest -m "slow or not slow" "$@"
