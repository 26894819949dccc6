"""The Slash commands preview and a what-if (the edit dialog with its panel filled), for scripts/screenshots.py.

``shoot_preview(window, out_dir, suffix)`` renders them with the window that script signed in to the demo
sandbox: preview.png and what-if.png (with ``suffix`` before the extension).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtWidgets import QWidget  # noqa: E402

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
