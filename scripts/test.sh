#!/usr/bin/env bash
# Set up the virtual environment with the test tools, then lint, check the formatting, type-check and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest -n auto "$@"
