"""The plan of a connections file (Compare with file…), for scripts/screenshots.py.

``shoot_config(window, out_dir, suffix)`` renders it with the window that script signed in to the demo
sandbox: config-plan.png (with ``suffix`` before the extension). The file lives in the temporary data folder.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtWidgets import QWidget  # noqa: E402

NEW_CONNECTION = """\
- name: Deploy v2
  client_id: mattermost-commands
  client_secret: {{env: MM_OAUTH_DEPLOY_V2_SECRET}}
  oauth_token_url: {token_url}
  audiences:
  - https://ci.example.com/hooks/deploy
"""


async def until(condition: Any, what: str, seconds: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def grab(widget: QWidget, path: Path) -> Path:
    await asyncio.sleep(0.2)  # let layouts and paints settle
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)
    return path


async def shoot_config(window: Any, out_dir: Path, suffix: str = "") -> list[Path]:
    """Export the demo server, edit the file (a new connection, a narrowed audience, a rotation), compare."""
    from mmoauth_gui.ui.config.controller import ConfigController

    window.show_page("connections")
    ctx = window.ctx
    sandbox = ctx.demo_sandbox
    config = ConfigController(ctx, window.connections_view)
    path = Path(os.environ["MMOAUTH_DATA_DIR"]) / f"connections{suffix}.yaml"
    await config.export_to(path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - https://pager.example.com/api/ack\n", "")
    head, _, rest = text.partition("- name: Reports")
    text = head + "- name: Reports" + rest.replace("secret_version: 1", "secret_version: 2", 1)
    path.write_text(text + NEW_CONNECTION.format(token_url=sandbox.token_url), encoding="utf-8")
    config.compare_with_file(path)
    dialog = config.dialog
    try:
        await until(lambda: dialog.apply_button.isEnabled(), "the plan")
    except TimeoutError:
        raise TimeoutError(f"no plan to apply: {dialog.headline.text()} {dialog.notes.toPlainText()}") from None
    dialog.resize(1180, 680)
    shot = await grab(dialog, out_dir / f"config-plan{suffix}.png")
    dialog.close()
    return [shot]
