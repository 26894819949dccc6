""" "Used by" never goes blank: a connection the last slash-command sync did not see (made elsewhere, or on a
server whose ids changed) says a sync is needed, and Sync fills it in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton
from support.ui_helpers import run, window_with_preview

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.connections.model import USED_BY
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def used_by(window: MainWindow, name: str) -> str:
    model = window.connections_view.model
    conn = next(c for c in model.connections() if c.name == name)
    return str(model.index(model.row_of(conn.id), USED_BY).data())


def test_a_connection_the_sync_has_not_seen_says_sync_needed(
    qtbot: Any, demo_ctx: AppContext, sandbox: Sandbox
) -> None:
    window, page = window_with_preview(qtbot, demo_ctx)
    view = window.connections_view
    qtbot.waitUntil(lambda: page.preview_state.data is not None and view.model.rowCount() == 8)
    assert used_by(window, "CI Hooks") == "3 commands"

    session = demo_ctx.session
    assert session is not None
    made_elsewhere = Connection(
        name="Made elsewhere",
        client_id="c",
        client_secret="s",
        oauth_token_url=sandbox.token_url,
        audiences=("https://ci.example.com/hooks/deploy",),
    )
    run(qtbot, session.client.create_connection(made_elsewhere))
    refresh = next(b for b in view.findChildren(QToolButton) if b.defaultAction() is view.refresh_action)
    qtbot.mouseClick(refresh, LEFT)
    qtbot.waitUntil(lambda: view.model.rowCount() == 9)
    assert used_by(window, "Made elsewhere") == "Sync needed"

    window.show_page("preview")
    qtbot.mouseClick(page.sync_button, LEFT)
    qtbot.waitUntil(lambda: used_by(window, "Made elsewhere") == "1 command")
