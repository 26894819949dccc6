"""The Drafts page driven from the keyboard, as a person does: shortcuts and Tab through the editor."""

from __future__ import annotations

from typing import Any

from drafts_support import FAST_AUTOSAVE, by_name, make_page, wait_action, wait_saved
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from support.ui_helpers import activate

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.page import DraftsPage
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.pages import PageName
from mmoauth_gui.ui.runtime.settings import ui_settings

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def type_with_tabs(qtbot: Any, fields: list[str]) -> None:
    """Type each value into the focused field, pressing Tab between them."""
    for i, text in enumerate(fields):
        if i:
            qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        qtbot.keyClicks(focused(), text)


def focused() -> Any:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_new_draft_shortcut_with_a_draft_selected_starts_a_separate_draft(qtbot: Any, ctx: AppContext) -> None:
    page = make_page(qtbot, ctx)
    activate(qtbot, page)
    wait_action(qtbot, page, "new", lambda: qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton))
    type_with_tabs(qtbot, ["First", "first-client", "first-secret", "https://idp.example.com/first"])
    wait_saved(qtbot, page)
    first = by_name(page, "First")

    page.table.setFocus()
    wait_action(qtbot, page, "new", lambda: qtbot.keyClick(page.table, Qt.Key.Key_N, CTRL_SHIFT))
    assert len(page.controller.selected_drafts()) == 1
    new_id = page.controller.editing.draft_id
    assert new_id != first.id
    assert focused() is page.editor.form.name
    type_with_tabs(qtbot, ["Second", "second-client", "second-secret", "https://idp.example.com/second"])
    wait_saved(qtbot, page)

    known = page.controller.io.known
    assert (known[first.id].name, known[first.id].connection.client_id) == ("First", "first-client")
    assert known[first.id].connection.oauth_token_url == "https://idp.example.com/first"
    assert (known[new_id].name, known[new_id].connection.client_id) == ("Second", "second-client")
    assert known[new_id].connection.oauth_token_url == "https://idp.example.com/second"


def test_ctrl_return_in_the_note_validates_the_draft(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    page = make_page(qtbot, ctx)
    activate(qtbot, page)
    wait_action(qtbot, page, "new", page.controller.new)
    client = sandbox.demo_clients[0]
    type_with_tabs(qtbot, ["Noted", client["client_id"], client["client_secret"], sandbox.token_url])
    form = page.editor.form
    qtbot.keyClicks(form.audiences, "https://noted.example.com/*")
    page.editor.note.setFocus()
    qtbot.keyClicks(page.editor.note, "asked by finance")
    with qtbot.waitSignal(page.controller.io.changed, check_params_cb=lambda r: r.draft.validation):
        qtbot.keyClick(page.editor.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Valid" in page.editor.validation.text()
    assert page.editor.note.toPlainText() == "asked by finance"  # no line break typed


def test_new_draft_shortcut_works_from_the_tab_bar(qtbot: Any, ctx: AppContext) -> None:
    window = MainWindow(ctx, ui_settings(ctx.paths))
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    page = window.page(PageName.DRAFTS)
    assert isinstance(page, DraftsPage)
    page.controller.editing.buffer.delay = FAST_AUTOSAVE
    qtbot.waitUntil(lambda: page.controller.loaded)
    window.tabs.tabBar().setFocus()
    wait_action(qtbot, page, "new", lambda: qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_N, CTRL_SHIFT))
    assert window.tabs.currentWidget() is page
    qtbot.keyClicks(focused(), "From the tab bar")
    wait_saved(qtbot, page)
    assert by_name(page, "From the tab bar").id == page.controller.editing.draft_id
