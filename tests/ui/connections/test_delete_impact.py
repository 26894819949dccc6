"""The Delete question says what the details say: a connection that only overlaps another leaves its commands
a token, and the question names them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton
from support.ui_helpers import activate, answer, message_box, run, window_with_preview

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.connections.controller import DELETE_TITLE
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow


def open_window(qtbot: Any, ctx: AppContext, connections: int) -> MainWindow:
    window, page = window_with_preview(qtbot, ctx)
    qtbot.waitUntil(
        lambda: (
            page.preview_state.data is not None
            and not page.syncer.running
            and window.connections_view.model.rowCount() == connections
        ),
    )
    return window


def delete_question(qtbot: Any, window: MainWindow, name: str) -> str:
    view = window.connections_view
    window.connections.select(next(c.id for c in view.model.connections() if c.name == name))
    activate(qtbot, window)
    delete = next(b for b in view.findChildren(QToolButton) if b.defaultAction() is view.delete_action)
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: message_box(title=DELETE_TITLE) is not None)
    box = message_box(title=DELETE_TITLE)
    assert box is not None
    return box.informativeText()


def test_deleting_an_overlapping_connection_says_the_commands_keep_a_token(
    qtbot: Any, ctx: AppContext, sandbox: Sandbox
) -> None:
    run(qtbot, ctx.connect_to(Profile(name="Demo sandbox", url=sandbox.url), sandbox.admin_token, demo=True))
    session = ctx.session
    assert session is not None
    ci_hooks = next(c for c in run(qtbot, session.client.list_connections()) if c.name == "CI Hooks")
    sandbox.duplicate_audiences = "allow"  # an older server: current ones refuse the identical audience
    run(qtbot, session.client.create_connection(ci_hooks.with_changes(name="CI Hooks (copy)", client_secret="s")))
    window = open_window(qtbot, ctx, connections=9)

    text = delete_question(qtbot, window, "CI Hooks")
    assert "3 slash commands would no longer be ambiguous and keep a token: /build (Engineering), " in text
    assert "/deploy (Engineering) and /rollback (Engineering)." in text
    assert "lose" not in text and "(s)" not in text
    answer(qtbot, DELETE_TITLE, "Cancel")


def test_the_question_names_a_single_command_in_the_singular(qtbot: Any, demo_ctx: AppContext) -> None:
    window = open_window(qtbot, demo_ctx, connections=8)
    text = delete_question(qtbot, window, "Pager")
    assert text.endswith("\n\n1 slash command would lose its token: /oncall (Engineering).")
    answer(qtbot, DELETE_TITLE, "Cancel")
