"""The details pane and the row actions follow what the table shows: after an edit, a server switch, a failed
load."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton
from support.ui_helpers import activate, answer, run, select

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.connection_form.texts import AUDIENCE_CHANGE_TITLE
from mmoauth_gui.ui.connections.controller import ConnectionsController

LEFT = Qt.MouseButton.LeftButton
NEW_AUDIENCE = "https://ci.example.com/release"


def pane(page: ConnectionsController) -> str:
    return page.view.details.toPlainText()


def press_on_table(qtbot: Any, page: ConnectionsController, key: Qt.Key) -> None:
    activate(qtbot, page.view)
    page.view.table.setFocus()
    qtbot.keyClick(page.view.table, key)


def test_the_pane_shows_the_audiences_just_updated(qtbot: Any, page: ConnectionsController) -> None:
    select(page, "CI Hooks")
    assert NEW_AUDIENCE not in pane(page)
    press_on_table(qtbot, page, Qt.Key.Key_Return)  # Edit
    assert page.dialog is not None
    form = page.dialog.form
    form.audiences.setFocus()
    form.audiences.moveCursor(form.audiences.textCursor().MoveOperation.End)
    qtbot.keyClick(form.audiences, Qt.Key.Key_Return)
    qtbot.keyClicks(form.audiences, NEW_AUDIENCE)
    qtbot.mouseClick(form.save_button, LEFT)
    answer(qtbot, AUDIENCE_CHANGE_TITLE, "Update")
    qtbot.waitUntil(lambda: page.dialog is None)

    selected = page.selected()
    assert selected is not None and selected.name == "CI Hooks" and NEW_AUDIENCE in selected.audiences
    assert NEW_AUDIENCE in pane(page)


def test_switching_servers_clears_the_pane(qtbot: Any, page: ConnectionsController, sandbox: Sandbox) -> None:
    select(page, "Billing")
    billing = page.selected()
    assert billing is not None and billing.oauth_token_url in pane(page)
    with Sandbox(seed="empty") as other:
        run(qtbot, page.ctx.connect_to(Profile(name="Other", url=other.url), other.admin_token, demo=True))
        qtbot.waitUntil(lambda: not page.loading and page.view.showing_state() == "empty")
        assert page.selected() is None
        assert billing.oauth_token_url not in pane(page) and "Billing" not in pane(page)
        assert pane(page).startswith("Select a connection")


def test_after_a_failed_load_nothing_old_can_be_acted_on(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    view = page.view
    select(page, "Pager")
    assert view.edit_action.isEnabled()
    sandbox.feature = "off"
    refresh = next(b for b in view.findChildren(QToolButton) if b.defaultAction() is view.refresh_action)
    qtbot.mouseClick(refresh, LEFT)
    qtbot.waitUntil(lambda: view.showing_state() == "error")
    assert view.state.title.text() == "The connections could not be loaded"
    for action in (view.edit_action, view.duplicate_action, view.delete_action, view.validate_action):
        assert not action.isEnabled(), action.text()
    press_on_table(qtbot, page, Qt.Key.Key_Return)
    assert page.dialog is None
    assert "8 connections" not in view.subtitle.text()
    assert "Pager" not in pane(page)
