"""Webhooks in the preview and the Try dialog (a success, a refused token), for scripts/screenshots.py.

``shoot_webhooks(window, sandbox, out_dir, suffix)`` renders, with the window that script signed in to the demo
sandbox: preview-webhooks.png, try-success.png and try-refused.png (``suffix`` before the extension).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402


async def until(condition: Any, seconds: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the screen did not reach the expected state")
        await asyncio.sleep(0.02)


async def grab(widget: QWidget, path: Path) -> Path:
    await asyncio.sleep(0.3)  # let layouts and paints settle
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)
    return path


def _select(page: Any, label: str) -> None:
    row = next(r for r in page.model.rows() if r.label == label)
    page.controller.select(row.row_key)


async def _try(page: Any, label: str) -> Any:
    _select(page, label)
    dialog = page.controller.try_selected()
    await until(lambda: dialog.send_button.isEnabled())
    dialog.resize(900, 760)
    return dialog


async def shoot_webhooks(window: Any, sandbox: Any, out_dir: Path, suffix: str = "") -> list[Path]:
    page = window.page("preview")
    window.show_page("preview")
    await until(lambda: page.preview_state.data is not None and not page.syncer.running)
    page.controller.clear_filters()
    page.team_combo.setCurrentIndex(page.team_combo.findText("Engineering"))
    _select(page, "Deploy notifier (callback 1)")
    shots = [await grab(window, out_dir / f"preview-webhooks{suffix}.png")]

    dialog = await _try(page, "/hello")
    dialog.secret.edit.setText(sandbox.demo_client("reports-bot").client_secret)
    dialog.text.setText("release 2.4 to staging")
    dialog.send()
    await until(lambda: dialog.last_result is not None)
    shots.append(await grab(dialog, out_dir / f"try-success{suffix}.png"))
    dialog.close()

    dialog = await _try(page, "/hello-refused")
    dialog.through_server()

    def confirmation() -> QMessageBox | None:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)

    await until(lambda: confirmation() is not None)
    box = confirmation()
    assert box is not None
    next(b for b in box.buttons() if b.text() == "Run it").click()
    await until(lambda: dialog.last_result is not None)
    shots.append(await grab(dialog, out_dir / f"try-refused{suffix}.png"))
    dialog.close()
    page.controller.clear_filters()
    return shots
