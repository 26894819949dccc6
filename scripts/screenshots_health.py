"""The Health page and a validation the integration would refuse, for scripts/screenshots.py.

``shoot_health(window, sandbox, out_dir, suffix, fit)`` renders, with the window that script signed in to the demo
sandbox: health.png (checks and the server's own failures after a real failing webhook) and
validation-integration-refuses.png (a token the recorded expectations would refuse).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

import httpx  # noqa: E402
from screenshots_webhooks import grab, until  # noqa: E402  (scripts/ is on the path, as for every helper)


async def _fail_a_webhook(sandbox: Any) -> None:
    """Post "standup …" in town-square: the Standup digest webhook's connection is refused, and logged."""
    team = sandbox.state.team_by_name("engineering")
    channel = sandbox.state.integrations.channel_by_name(team.id, "town-square")
    before = len(sandbox.state.integrations.deliveries())
    headers = {"Authorization": f"Bearer {sandbox.admin_token}"}
    async with httpx.AsyncClient(base_url=sandbox.url, headers=headers, trust_env=False) as client:
        await client.post("/api/v4/posts", json={"channel_id": channel.id, "message": "standup at 10"})
    await until(lambda: len(sandbox.state.integrations.deliveries()) > before)


async def shoot_health(window: Any, sandbox: Any, out: Path, suffix: str, fit: Any) -> list[Path]:
    """``fit``: screenshots.py's way of making a connection dialog show its whole form."""
    from mmoauth_gui.ui.pages import PageName

    written: list[Path] = []
    await _fail_a_webhook(sandbox)
    page = window.page(PageName.HEALTH)
    window.show_page(PageName.HEALTH)
    page.run_button.click()
    await until(lambda: page.checks_model.rowCount() > 0 and page.run_button.isEnabled())
    written.append(await grab(window, out / f"health{suffix}.png"))

    window.show_page(PageName.CONNECTIONS)
    controller = window.connections
    dialog = controller.add()
    form = dialog.form
    client = sandbox.demo_clients[0]
    form.name.setText("Task tracker")
    form.client_id.setText(client["client_id"])
    form.client_secret.edit.setText(client["client_secret"])
    form.token_url.setText(sandbox.token_url)
    form.audiences.setPlainText("https://tasks.example.com/slash/task")
    form.advanced_toggle.setChecked(True)
    form.expect.audience.setText("https://tasks.example.com/")
    form.expect.scopes.setText("tasks.write")
    form.validate()
    await until(lambda: form.validate_panel.state in ("validated", "failed"))
    await fit(dialog)
    written.append(await grab(dialog, out / f"validation-integration-refuses{suffix}.png"))
    form.cancelled.emit()
    await until(lambda: controller.dialog is None)
    return written
