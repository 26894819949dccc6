#!/usr/bin/env bash
# Set up the virtual environment and open the app. Extra arguments go to mmoauth-gui (e.g. --demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
if [[ $# -eq 0 || "$1" == -* ]]; then
    # the window needs Qt's xcb libraries on Linux: name the missing packages and the command that installs them
    .venv/bin/python -m mmoauth_gui.ui.runtime.system_libs || exit 1
fi
exec .venv/bin/mmoauth-gui "$@"
