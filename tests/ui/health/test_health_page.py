"""The Health page as a person uses it: Run checks against the demo sandbox, read the checks and the server's
own failures after a real failing webhook, see the badge in the connections list, refresh by increments."""

from __future__ import annotations

from typing import Any

import httpx
from PySide6.QtCore import Qt
from support.ui_helpers import run

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.connections.model import VALIDATION, ConnectionsModel
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.health.checks_model import ChecksModel
from mmoauth_gui.ui.health.page import HealthPage

TOKEN_FAILED = "Failed to retrieve token for outgoing oauth connection"


def post(sb: Sandbox, message: str) -> None:
    team = sb.state.team_by_name("engineering")
    assert team is not None
    channel = sb.state.integrations.channel_by_name(team.id, "town-square")
    assert channel is not None
    headers = {"Authorization": f"Bearer {sb.admin_token}"}
    with httpx.Client(base_url=sb.url, headers=headers, trust_env=False, timeout=30) as client:
        assert client.post("/api/v4/posts", json={"channel_id": channel.id, "message": message}).status_code == 201


def statuses(model: ChecksModel) -> dict[str, str]:
    return {f"{c.id} {c.subject}": c.status.value for c in model.rows()}


def test_run_checks_shows_checks_failures_and_the_badge(
    qtbot: Any, qtmodeltester: Any, demo_ctx: AppContext, sandbox: Sandbox
) -> None:
    before = len(sandbox.state.integrations.deliveries())
    post(sandbox, "standup today")  # the Standup digest webhook: its connection's secret is refused
    sandbox.state.integrations.wait_deliveries(before + 1)
    connections = ConnectionsModel()
    connections.set_connections(sandbox.state.connections())
    page = HealthPage(demo_ctx, connections)
    qtbot.addWidget(page)
    page.show()

    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.checks_model.rowCount() > 0 and page.run_button.isEnabled())

    checks = statuses(page.checks_model)
    assert (
        checks["license.sku licence"] == "ok"
        and checks["feature.enabled ServiceSettings.EnableOutgoingOAuthConnections"] == "ok"
    )
    assert page.checks_model.rows()[0].status.value in ("fail", "warn", "unknown")  # problems come first
    assert "from this computer" in page.status.text()
    rows = page.failures_model.rows()
    standup = next(c for c in sandbox.state.connections() if c.name == "Standup Bot")
    assert rows and rows[0].about == f"Connection Standup Bot ({standup.id})"
    assert rows[0].failure.message == TOKEN_FAILED
    assert any(r.about.startswith("Webhook Standup digest") for r in rows)
    qtmodeltester.check(page.checks_model, force_py=True)
    qtmodeltester.check(page.failures_model, force_py=True)
    row = connections.row_of(standup.id)
    assert connections.index(row, VALIDATION).data().endswith("— 1 token failure in the last hour")

    post(sandbox, "standup again")
    sandbox.state.integrations.wait_deliveries(before + 2)
    assert page.refresh_button.isEnabled()
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2 token failures" in connections.index(row, VALIDATION).data())
    assert len([r for r in page.failures_model.rows() if r.about.startswith("Connection Standup")]) == 2


def test_a_team_member_sees_which_checks_need_an_admin(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    from mmoauth_gui.storage.profiles import Profile

    run(qtbot, ctx.connect_to(Profile(name="Sandbox", url=sandbox.url), sandbox.user_token))
    page = HealthPage(ctx)
    qtbot.addWidget(page)
    page.run_button.click()
    qtbot.waitUntil(lambda: page.checks_model.rowCount() > 0 and page.run_button.isEnabled())

    checks = statuses(page.checks_model)
    assert checks["access.config GET /api/v4/config"] == "unknown"
    assert checks["access.logs GET /api/v4/logs"] == "unknown"
    assert "needs a system admin" in page.status.text() and not page.refresh_button.isEnabled()
    assert page.failures_model.rowCount() == 0
