"""Esc in the connection search clears it and shows every connection again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from support.ui_helpers import activate

from mmoauth_gui.ui.connections.controller import ConnectionsController


def test_escape_clears_the_search(qtbot: Any, page: ConnectionsController) -> None:
    activate(qtbot, page.view)
    page.view.search.setFocus()
    qtbot.keyClicks(page.view.search, "helpdesk")
    assert page.proxy.rowCount() == 2
    qtbot.keyClick(page.view.search, Qt.Key.Key_Escape)
    assert page.view.search.text() == ""
    assert page.proxy.rowCount() == 8 and page.view.showing_state() == ""
