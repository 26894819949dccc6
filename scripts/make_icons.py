"""Write the app icon files for the bundle (SVG, PNG sizes, .ico, .icns) and the Linux .desktop entry.

Run once after changing ``APP_ICON_SVG`` in ``mmoauth_gui/ui/icons.py``; the output is committed under
``resources/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication, QImageWriter  # noqa: E402

from mmoauth_gui.ui.kit.icons import APP_ICON_SVG, render_svg  # noqa: E402

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=mmoauth-gui
GenericName=Mattermost OAuth connections
Comment=Draft, validate and preview Mattermost Outgoing OAuth Connections
Exec=mmoauth-gui
Icon=mmoauth-gui
Terminal=false
Categories=Network;System;Utility;
Keywords=Mattermost;OAuth;slash command;
"""


def main(out: Path) -> int:
    QGuiApplication(sys.argv[:1])
    icons = out / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    (icons / "mmoauth-gui.svg").write_text(APP_ICON_SVG, encoding="utf-8")
    for size in SIZES:
        if not render_svg(APP_ICON_SVG, size).save(str(icons / f"mmoauth-gui-{size}.png")):
            print(f"could not write the {size}px PNG", file=sys.stderr)
            return 1
    formats = {bytes(f).decode() for f in QImageWriter.supportedImageFormats()}
    for suffix, size in (("ico", 256), ("icns", 512)):
        if suffix not in formats:
            print(f"Qt has no {suffix} writer here; {suffix} not written", file=sys.stderr)
            return 1
        if not render_svg(APP_ICON_SVG, size).save(str(icons / f"mmoauth-gui.{suffix}"), suffix.upper()):
            print(f"could not write the .{suffix}", file=sys.stderr)
            return 1
    (out / "mmoauth-gui.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    print(f"icons written to {icons}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "resources"))
