"""The Connections page walked as a person would: delete, search, validate all (and cancel), states."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QToolButton
from support.ui_helpers import activate, answer, message_box, password_prompt, run, select

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.validations import server_key
from mmoauth_gui.ui.connections.controller import DELETE_TITLE, DELETE_WARNING, EMPTY_TITLE, ConnectionsController
from mmoauth_gui.ui.connections.view import ConnectionsView
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.preview.page import PreviewPage
from mmoauth_gui.ui.runtime.settings import ui_settings

LEFT = Qt.MouseButton.LeftButton


def tool_button(view: ConnectionsView, action: Any) -> QToolButton:
    return next(b for b in view.findChildren(QToolButton) if b.defaultAction() is action)


def names(controller: ConnectionsController) -> list[str]:
    proxy = controller.proxy
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def test_signal_emit_keeps_references() -> None:
    """PySide6 6.12.0 dropped a reference to True on every emit() and crashed the app: pyproject excludes it."""

    class Emitter(QObject):
        fired = Signal()

    emitter = Emitter()
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.fired.emit()
    assert sys.getrefcount(True) >= before


def test_delete_asks_names_the_connection_and_the_commands_it_serves_and_removes_it(
    qtbot: Any, demo_ctx: AppContext, sandbox: Sandbox
) -> None:
    window = MainWindow(demo_ctx, ui_settings(demo_ctx.paths))  # with the Slash commands page: it says what depends
    qtbot.addWidget(window)
    window.show()
    page = window.connections
    preview = window.page("preview")
    assert isinstance(preview, PreviewPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 8 and preview.preview_state.data is not None)
    qtbot.waitUntil(lambda: not preview.syncer.running)
    select(page, "Pager")
    conn = page.selected()
    assert conn is not None
    activate(qtbot, page.view)
    page.view.table.setFocus()
    qtbot.keyClick(page.view.table, Qt.Key.Key_Delete)
    box = answer(qtbot, DELETE_TITLE, "Cancel")
    assert box.text() == "Are you sure you want to delete Pager?"
    assert box.windowTitle() == "Delete Integration"  # the backstage's own title
    assert sandbox.state.connection(conn.id) is not None

    qtbot.waitUntil(lambda: message_box(title=DELETE_TITLE) is None and page.view.delete_action.isEnabled())
    activate(qtbot, page.view)
    page.view.table.setFocus()
    qtbot.keyClick(page.view.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: message_box(title=DELETE_TITLE) is not None)
    box = message_box(title=DELETE_TITLE)
    assert box is not None
    assert DELETE_WARNING in box.informativeText()
    assert "1 slash command would lose its token: /oncall (Engineering)." in box.informativeText()
    assert box.detailedText() == (  # the demo's /oncall is served by Pager alone
        "/oncall — Engineering — https://pager.example.com/api/oncall: would lose “Pager”'s token and be sent "
        "with its own command token"
    )
    answer(qtbot, DELETE_TITLE, "Yes, delete it")
    qtbot.waitUntil(lambda: page.model.row_of(conn.id) < 0)
    assert sandbox.state.connection(conn.id) is None
    assert "Pager" not in names(page)


def test_search_filters_on_every_field_and_says_when_nothing_matches(qtbot: Any, page: ConnectionsController) -> None:
    activate(qtbot, page.view)
    page.view.table.setFocus()
    qtbot.keyClick(page.view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F
    assert page.view.search.hasFocus()
    qtbot.keyClicks(page.view.search, "helpdesk")
    assert names(page) == ["Helpdesk", "Helpdesk (legacy ticket)"]
    page.view.search.clear()
    qtbot.keyClicks(page.view.search, "reports-bot")  # a client ID
    assert names(page) == ["Reports"]
    page.view.search.clear()
    qtbot.keyClicks(page.view.search, "pager.example.com/api/ack")  # the second audience of Pager
    assert names(page) == ["Pager"]
    assert page.view.subtitle.text().startswith("1 of 8 connections")
    qtbot.keyClicks(page.view.search, " nothing-like-this")
    assert names(page) == []
    assert page.view.showing_state() == "empty"
    assert "No connection matches" in page.view.state.title.text()
    qtbot.mouseClick(page.view.state.action_buttons()[0], LEFT)  # Clear search
    assert len(names(page)) == 8 and page.view.showing_state() == ""


def test_validate_all_shows_progress_and_mixed_badges(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    with qtbot.waitSignal(page.bulk_finished) as finished:
        qtbot.mouseClick(tool_button(page.view, page.view.validate_all_action), LEFT)
        assert page.view.progress_row.isVisible()
        assert not page.view.validate_all_action.isEnabled()
    results = finished.args[0]
    assert len(results) == 7  # all but the password-grant one, which needs its password typed
    portal = next(c for c in page.model.connections() if c.name == "Legacy Portal")
    assert portal.id not in results and page.model.badge(portal).kind == "unchecked"
    assert "1 not checked (password grant: Validate it alone" in page.view.progress_label.text()
    counts = page.model.badge_counts()
    assert counts["valid"] >= 4 and counts["refused"] >= 1 and counts["unreachable"] == 1
    assert not page.view.progress_row.isVisible() and page.view.validate_all_action.isEnabled()
    standup = next(c for c in page.model.connections() if c.name == "Standup Bot")
    assert page.model.badge(standup).kind == "refused"
    assert "does not say why" in page.model.badge(standup).summary  # a production server keeps its reason
    stored = page.ctx.validations.all()
    assert server_key(sandbox.url, standup.id) in stored  # kept for next time
    assert "valid" in page.view.summary.text() and "refused" in page.view.summary.text()


def test_validate_all_can_be_cancelled(qtbot: Any, page: ConnectionsController, sandbox: Sandbox) -> None:
    sandbox.latency_ms = 150
    page.bulk_concurrency = 2
    qtbot.mouseClick(tool_button(page.view, page.view.validate_all_action), LEFT)
    qtbot.waitUntil(lambda: page.view.progress.value() >= 2)
    with qtbot.waitSignal(page.bulk_finished) as finished:
        qtbot.mouseClick(page.view.cancel_button, LEFT)
    assert not page.bulk_running()
    assert 2 <= len(finished.args[0]) < 8
    assert "cancelled" in page.view.progress_label.text()
    assert page.view.validate_all_action.isEnabled()


def test_empty_server_says_what_to_do(qtbot: Any, ctx: AppContext) -> None:
    with Sandbox(seed="empty") as sb:
        from mmoauth_gui.storage.profiles import Profile

        run(qtbot, ctx.connect_to(Profile(name="Empty", url=sb.url), sb.admin_token, demo=True))
        view = ConnectionsView()
        qtbot.addWidget(view)
        controller = ConnectionsController(ctx, view)
        qtbot.waitUntil(lambda: not controller.loading)
        assert view.showing_state() == "empty"
        assert view.state.title.text() == EMPTY_TITLE
        assert [b.text() for b in view.state.action_buttons()] == ["Add Outgoing OAuth Connection"]
        qtbot.mouseClick(view.state.action_buttons()[0], LEFT)
        assert controller.dialog is not None and controller.dialog.isVisible()
        controller.dialog.form.cancelled.emit()
        qtbot.waitUntil(lambda: controller.dialog is None)


@pytest.mark.parametrize(
    ("feature", "words"),
    [
        ("off", "ServiceSettings.EnableOutgoingOAuthConnections"),
        ("unlicensed", "Enterprise"),
    ],
)
def test_unavailable_feature_says_which_setting(
    qtbot: Any, demo_ctx: AppContext, sandbox: Sandbox, feature: str, words: str
) -> None:
    sandbox.feature = feature
    view = ConnectionsView()
    qtbot.addWidget(view)
    controller = ConnectionsController(demo_ctx, view)
    qtbot.waitUntil(lambda: not controller.loading)
    assert view.showing_state() == "error"
    assert "501" in view.state.body.text() and words in view.state.body.text()
    session = demo_ctx.session
    assert session is not None and not session.feature.available
    assert not view.add_button.isEnabled() and not view.add_action.isEnabled()
    assert view.subtitle.text() == f"Connections on {session.profile.name}, team Engineering"  # no "0 connections"
    sandbox.feature = "on"
    qtbot.mouseClick(view.state.action_buttons()[0], LEFT)  # Refresh
    qtbot.waitUntil(lambda: view.showing_state() == "" and view.model.rowCount() == 8)
    session = demo_ctx.session
    assert session is not None and session.feature.available
    assert view.add_button.isEnabled() and view.subtitle.text().startswith("8 connections")


def test_validating_a_password_grant_connection_asks_for_its_password(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    select(page, "Legacy Portal")
    conn = page.selected()
    assert conn is not None
    task = page.validate_selected()
    assert task is not None
    qtbot.waitUntil(lambda: password_prompt() is not None)
    prompt = password_prompt()
    assert prompt is not None
    qtbot.keyClicks(prompt.password, sandbox.demo_user["password"])
    qtbot.mouseClick(prompt.validate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(task.done)
    assert page.model.badge(conn).kind == "valid"
    qtbot.waitUntil(lambda: server_key(sandbox.url, conn.id) in page.ctx.validations.all())
    stored = page.ctx.validations.all()  # what is kept says nothing of the password
    assert sandbox.demo_user["password"] not in repr(stored)
