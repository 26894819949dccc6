#!/usr/bin/env bash
# Refresh requirements.lock: resolve pyproject.toml's dependencies (app, tests, bundle) afresh in a scratch
# environment and pin what was installed. Run after changing a dependency, then run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$PYTHON" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --upgrade pip
"$scratch/venv/bin/python" -m pip install --quiet -e '.[test]' 'pyinstaller>=6'
{
  echo "# Every package the app, its tests and its bundle run with, at the versions the tests passed with."
  echo "# Installed as constraints by scripts/setup-venv.sh. Refresh: bash scripts/lock.sh (after changing pyproject.toml)."
  "$scratch/venv/bin/python" -m pip freeze --exclude-editable | grep -v '^mmoauth'
} > requirements.lock.new
mv requirements.lock.new requirements.lock
echo "requirements.lock: $(grep -vc '^#' requirements.lock) packages pinned"
