"""The Slash commands table: a filter that hides the selection selects nothing else; what-ifs from a row."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMenu
from test_preview_page import open_window, page_of, synced

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.preview.row_menu import DeletionWhatIf


@pytest.fixture
def window(qtbot: Any, demo_ctx: AppContext) -> MainWindow:
    win, page = open_window(qtbot, demo_ctx)
    qtbot.waitUntil(lambda: synced(page) and win.connections_view.model.rowCount() == 8)
    return win


def test_a_filter_hiding_the_selection_selects_nothing_else(qtbot: Any, window: MainWindow) -> None:
    page = page_of(window)
    controller = page.controller
    weather = next(r for r in controller.shown_rows() if r.trigger == "weather")
    assert controller.select(weather.command_id)
    qtbot.keyClicks(page.search, "deploy")  # hides /weather
    assert all(r.trigger != "weather" for r in controller.shown_rows())
    assert controller.selected() is None
    assert not page.try_button.isEnabled()
    page.search.clear()  # back in view: selected again
    selected = controller.selected()
    assert selected is not None and selected.trigger == "weather"


def row_menu(qtbot: Any, page: Any, trigger: str) -> QMenu:
    """Right-click the row of ``trigger`` as a person would, and return the menu that pops up."""
    row = next(r for r in page.controller.shown_rows() if r.trigger == trigger)
    assert page.controller.select(row.command_id)
    index = page.table.selectionModel().selectedRows()[0]
    rect = page.table.visualRect(index)
    page.table.customContextMenuRequested.emit(rect.center())
    qtbot.waitUntil(lambda: any(m.isVisible() for m in page.table.findChildren(QMenu)))
    return next(m for m in page.table.findChildren(QMenu) if m.isVisible())


def test_what_if_from_a_command_opens_the_edit_dialog_whose_panel_follows_typing(
    qtbot: Any, window: MainWindow
) -> None:
    page = page_of(window)
    menu = row_menu(qtbot, page, "oncall")
    texts = [a.text() for a in menu.actions()]
    assert texts == ["What if I change “Pager”…", "What if “Pager” were deleted"]
    menu.actions()[0].trigger()
    menu.close()
    dialog = window.connections.dialog
    assert dialog is not None and dialog.what_if is not None
    form = dialog.form
    assert form.editing and form.value().name == "Pager"
    form.audiences.selectAll()
    qtbot.keyClicks(form.audiences, "https://pager.example.com/elsewhere")
    assert "/oncall" in dialog.what_if.text() and "would lose" in dialog.what_if.summary.text()
    dialog.done(0)


def test_what_if_a_connection_were_deleted_changes_nothing(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    page = page_of(window)
    before = len(sandbox.state.connections())
    menu = row_menu(qtbot, page, "oncall")
    menu.actions()[1].trigger()
    menu.close()
    dialog = next(d for d in page.findChildren(DeletionWhatIf) if d.isVisible())
    assert dialog.windowTitle() == "What deleting “Pager” would change"
    assert "/oncall" in dialog.what_if.text() and "would lose its token" in dialog.what_if.summary.text()
    dialog.reject()
    assert len(sandbox.state.connections()) == before


def test_an_uncovered_command_offers_a_new_connection_for_its_url(qtbot: Any, window: MainWindow) -> None:
    page = page_of(window)
    weather = next(r for r in page.controller.shown_rows() if r.trigger == "weather")
    menu = row_menu(qtbot, page, "weather")
    assert [a.text() for a in menu.actions()] == ["What if a new connection covered this URL…"]
    menu.actions()[0].trigger()
    menu.close()
    dialog = window.connections.dialog
    assert dialog is not None and dialog.what_if is not None and not dialog.form.editing
    assert dialog.form.value().audiences == (weather.url,)
    assert "would gain a token" in dialog.what_if.summary.text()
    dialog.done(0)
