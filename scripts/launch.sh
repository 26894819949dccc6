#!/usr/bin/env bash
# Set up the virtual environment and open the app. Extra arguments go to mmoauth-gui (e.g. --demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
exec .venv/bin/mmoauth-gui "$@"
