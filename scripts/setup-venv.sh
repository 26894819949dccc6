#!/usr/bin/env bash
# Create (or reuse) .venv in the project folder and install the app into it at the locked versions
# (requirements.lock); with "test", the test tools too. Does nothing when neither pyproject.toml nor the
# lock changed since the last install, so a second launch starts at once.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
extra=${1:-}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.mmoauth-installed
want="$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1) ${extra:-app}"
if [ -f "$stamp" ] && { [ "$(cat "$stamp")" = "$want" ] || { [ "$extra" = "" ] && grep -q "^${want% *} test$" "$stamp"; }; }; then
  exit 0
fi
# the venv module's pip and setuptools are as old as the Python: both have had fixed vulnerabilities since
.venv/bin/python -m pip install --quiet --upgrade pip 'setuptools>=78.1.1'
if [ "$extra" = "test" ]; then
  .venv/bin/python -m pip install --quiet -c requirements.lock -e '.[test]'
else
  .venv/bin/python -m pip install --quiet -c requirements.lock -e .
fi
echo "$want" > "$stamp"
