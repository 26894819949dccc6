"""Render the Slash commands preview and a what-if (the edit dialog with its panel filled) to PNG, offscreen.

    /tmp/venv/bin/python scripts/screenshots_preview.py [OUT_DIR]     (default: docs/screenshots)

Against the in-process demo sandbox, on a throw-away data folder. ``shoot_preview(window, out_dir, suffix)``
is the piece scripts/screenshots.py calls with its own window (signed in to the demo sandbox).
Writes preview.png and what-if.png (with ``suffix`` before the extension).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

WIDTH, HEIGHT = 1280, 800
EDITED = "CI Hooks"
NEW_AUDIENCES = "https://ci.example.com/hooks/deploy\nhttps://pager.example.com/api/*"


async def until(condition, seconds: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the screen did not reach the expected state")
        await asyncio.sleep(0.02)


async def grab(widget: QWidget, path: Path) -> Path:
    await asyncio.sleep(0.2)  # let layouts and paints settle
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)
    return path


async def shoot_preview(window, out_dir: Path, suffix: str = "") -> list[Path]:  # type: ignore[no-untyped-def]
    """The preview page (the ambiguous command selected) and the edit dialog of “CI Hooks” mid-edit."""
    page = window.page("preview")
    window.show_page("preview")
    await until(lambda: page.preview_state.data is not None and not page.syncer.running)
    controller = page.controller
    ticket = next(r for r in page.model.rows() if r.trigger == "ticket")
    controller.select(ticket.command_id)
    shots = [await grab(window, out_dir / f"preview{suffix}.png")]

    window.show_page("connections")
    connections = window.connections
    await until(lambda: connections.model.rowCount() > 0 and not connections.loading)
    conn = next(c for c in connections.model.connections() if c.name == EDITED)
    connections.select(conn.id)
    dialog = connections.edit_selected()
    await until(lambda: dialog.isVisible() and dialog.what_if.isVisible())
    dialog.form.audiences.setPlainText(NEW_AUDIENCES)
    await until(lambda: bool(dialog.what_if.groups))
    shots.append(await grab(dialog, out_dir / f"what-if{suffix}.png"))
    dialog.done(0)
    await until(lambda: connections.dialog is None)
    return shots


async def main(out_dir: Path) -> None:
    from mmoauth_gui.sandbox import Sandbox
    from mmoauth_gui.services.http import make_http_client
    from mmoauth_gui.storage.paths import app_paths
    from mmoauth_gui.storage.profiles import Profile
    from mmoauth_gui.ui.context import AppContext, ConnectState
    from mmoauth_gui.ui.main_window import MainWindow

    sandbox = await asyncio.to_thread(lambda: Sandbox(seed="demo").start())
    paths = app_paths()
    ctx = AppContext(paths, make_http_client())
    ctx.demo_sandbox = sandbox
    settings = QSettings(str(paths.config / "screenshots.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, settings)
    window.resize(WIDTH, HEIGHT)
    window.show()
    try:
        await ctx.connect_to(Profile(name="Demo sandbox", url=sandbox.url), sandbox.admin_token, demo=True)
        ctx.set_connect_state(ConnectState("connected", "Demo sandbox"))
        await shoot_preview(window, out_dir)
    finally:
        window.close()
        await ctx.aclose()


def run() -> int:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["MMOAUTH_DATA_DIR"] = data_dir
        import qasync

        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setApplicationName("mmoauth-gui")
        app.setQuitOnLastWindowClosed(False)
        qasync.run(main(out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(run())
