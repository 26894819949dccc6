"""The backstage mirror: "Setup Successful" after an Add, and a server refusal explained, for scripts/screenshots.py.

``shoot_backstage(window, sandbox, out_dir, suffix)`` renders, with the window that script signed in to the demo
sandbox (production error mode: no ``detailed_error``): setup-successful.png (a new connection's page),
setup-username-lost.png (a password-grant create whose username the server did not keep, with the fix offered)
and save-refused-explained.png (a save the server refuses, explained from what the app knows).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtWidgets import QWidget  # noqa: E402
from screenshots_webhooks import grab as grab_settled  # noqa: E402
from screenshots_webhooks import until  # noqa: E402


async def grab(widget: QWidget, path: Path) -> Path:
    dialog: Any = widget
    if getattr(dialog, "showing_success", False):  # the page, not the form's height
        await asyncio.sleep(0.1)
        widget.resize(widget.width(), dialog.success.sizeHint().height() + 24)
    return await grab_settled(widget, path)


async def _add(window: Any, sandbox: Any, name: str, audiences: str, *, password_grant: bool = False) -> Any:
    controller = window.connections
    dialog = controller.add()
    form = dialog.form
    client = sandbox.demo_client("legacy-portal" if password_grant else "mattermost-commands")
    form.name.setText(name)
    form.client_id.setText(client.client_id)
    form.client_secret.edit.setText(client.client_secret)
    form.token_url.setText(sandbox.token_url)
    form.audiences.setPlainText(audiences)
    if password_grant:
        form.advanced_toggle.setChecked(True)
        form.grant.setCurrentIndex(form.grant.findData("password"))
        form.username.setText(sandbox.demo_user["username"])
        form.password.edit.setText(sandbox.demo_user["password"])
    form.validate()
    await until(lambda: form.validate_panel.state in ("validated", "failed"))
    dialog.resize(1040, 640)
    return dialog


async def _close(window: Any, dialog: Any) -> None:
    if dialog.showing_success:
        dialog.success.done.emit()
    else:
        dialog.form.cancelled.emit()
    await until(lambda: window.connections.dialog is None)


async def shoot_backstage(window: Any, sandbox: Any, out_dir: Path, suffix: str = "") -> list[Path]:
    window.show_page("connections")
    shots: list[Path] = []

    dialog = await _add(window, sandbox, "Release notes", "https://ci.example.com/hooks/release-notes")
    dialog.form.save()
    await until(lambda: dialog.showing_success)
    shots.append(await grab(dialog, out_dir / f"setup-successful{suffix}.png"))
    await _close(window, dialog)

    sandbox.state.drop_credentials_on_create = True  # the open store's INSERT (docs/MATTERMOST.md §3)
    dialog = await _add(window, sandbox, "Partner portal", "https://partners.example.com/portal/*", password_grant=True)
    dialog.form.save()
    await until(lambda: dialog.success.restore_button.isVisible())
    shots.append(await grab(dialog, out_dir / f"setup-username-lost{suffix}.png"))
    sandbox.state.drop_credentials_on_create = False
    await _close(window, dialog)

    if getattr(sandbox, "duplicate_audiences", "allow") != "reject":
        print("save-refused-explained: skipped, this sandbox accepts a duplicate audience")
        return shots
    taken = next(c for c in window.connections.model.connections() if c.name == "CI Hooks").audiences[0]
    dialog = await _add(window, sandbox, "CI Hooks (second)", taken)
    dialog.form.save()
    await until(lambda: dialog.form.save_error.isVisible())
    dialog.form.validate_panel.toggle.setChecked(False)  # the refusal is the subject, not the validation
    from screenshots import fit  # the main script's: tall enough that nothing scrolls

    await fit(dialog)
    shots.append(await grab(dialog, out_dir / f"save-refused-explained{suffix}.png"))
    await _close(window, dialog)
    return shots
