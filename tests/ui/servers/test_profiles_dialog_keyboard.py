"""The servers dialog from the keyboard: Tab down the form, Enter saves and connects (also after Test), and
closing with unsaved input asks first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from support.ui_helpers import activate, answer, message_box

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.kit.confirm import DISCARD_TITLE
from mmoauth_gui.ui.servers.dialog import ProfilesDialog


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def tab(qtbot: Any) -> QWidget:
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    return focused()


def test_tab_goes_from_name_to_url_to_the_sign_in(qtbot: Any, dialog: ProfilesDialog) -> None:
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: focused() is dialog.name)
    assert tab(qtbot) is dialog.url
    assert tab(qtbot) is dialog.ca_file  # the CA row sits above the sign-in rows (their switch moves nothing)
    assert tab(qtbot) is dialog.ca_browse
    assert tab(qtbot) is dialog.by_token
    assert tab(qtbot) is dialog.token.edit


def type_new_server(qtbot: Any, dialog: ProfilesDialog, sandbox: Sandbox) -> None:
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: focused() is dialog.name)
    qtbot.keyClicks(focused(), "Staging")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), sandbox.url)
    dialog.token.edit.setFocus()
    qtbot.keyClicks(focused(), sandbox.admin_token)


def test_enter_after_a_successful_test_saves_and_connects(qtbot: Any, dialog: ProfilesDialog, sandbox: Sandbox) -> None:
    type_new_server(qtbot, dialog, sandbox)
    dialog.test_button.setFocus()  # as a click or Tab leaves it
    qtbot.keyClick(dialog.test_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled() and dialog._test is not None)
    assert "Signed in as sysadmin" in dialog.results.text()

    with qtbot.waitSignal(dialog.connect_requested) as connect:
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
    profile, token = connect.args
    assert (profile.name, profile.url, token) == ("Staging", sandbox.url, sandbox.admin_token)
    assert dialog.ctx.profiles.get("Staging") == profile


def test_closing_with_a_new_server_typed_asks_first(qtbot: Any, dialog: ProfilesDialog, sandbox: Sandbox) -> None:
    type_new_server(qtbot, dialog, sandbox)
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    answer(qtbot, DISCARD_TITLE, "Keep editing")
    qtbot.waitUntil(lambda: message_box(title=DISCARD_TITLE) is None)
    assert dialog.isVisible() and dialog.name.text() == "Staging" and dialog.token.value() == sandbox.admin_token

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    answer(qtbot, DISCARD_TITLE, "Discard changes")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.ctx.profiles.load() == []


def test_closing_a_saved_server_unchanged_does_not_ask(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    ctx.profiles.save(Profile(name="Kept", url=sandbox.url))
    dlg = ProfilesDialog(ctx, select="Kept")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg._current is not None and dlg.name.text() == "Kept")
    qtbot.keyClick(dlg.list, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dlg.isVisible())
    assert message_box(title=DISCARD_TITLE) is None


def test_closing_right_after_save_does_not_ask(qtbot: Any, dialog: ProfilesDialog, sandbox: Sandbox) -> None:
    type_new_server(qtbot, dialog, sandbox)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog._current is not None and dialog.token.kept)
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert message_box(title=DISCARD_TITLE) is None
