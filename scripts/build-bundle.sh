#!/usr/bin/env bash
# Build the one-folder bundle with PyInstaller into dist/mmoauth-gui, then run its --selftest offscreen.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
.venv/bin/python -m pip install --quiet -c requirements.lock 'pyinstaller>=6'
.venv/bin/pyinstaller --noconfirm --log-level ERROR build_app.spec
du -sh dist/mmoauth-gui
QT_QPA_PLATFORM=offscreen dist/mmoauth-gui/mmoauth-gui --selftest
