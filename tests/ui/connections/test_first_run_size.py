"""The first-run window fits a 1366×768 screen and the connection list gives its identifying columns room:
Name then Audiences, a URL whole at that size, or elided in the middle."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from support.ui_helpers import run

from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.connections.model import AUDIENCES, NAME
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow, first_run_size
from mmoauth_gui.ui.runtime.settings import ui_settings

LAPTOP = QSize(1366, 768)


def test_the_first_run_window_fits_a_laptop_and_shows_whole_audiences(
    qtbot: Any, ctx: AppContext, sandbox: Any
) -> None:
    window = MainWindow(ctx, ui_settings(ctx.paths))
    qtbot.addWidget(window)
    size = first_run_size(window, LAPTOP)
    assert size.width() <= LAPTOP.width() and size.height() <= LAPTOP.height() - 60  # panels, title bar
    assert size.width() >= 1100  # not the old 900 px
    window.resize(size)
    window.show()
    run(qtbot, ctx.connect_to(Profile(name="Demo sandbox", url=sandbox.url), sandbox.admin_token, demo=True))
    view = window.connections_view
    qtbot.waitUntil(lambda: view.model.rowCount() == 8 and not window.connections.loading)

    header = view.table.horizontalHeader()
    assert [header.logicalIndex(0), header.logicalIndex(1)] == [NAME, AUDIENCES]
    widest = max(view.fontMetrics().horizontalAdvance(c.audiences[0]) for c in view.model.connections())
    assert header.sectionSize(AUDIENCES) >= min(widest, view.fontMetrics().horizontalAdvance("M") * 24)
    assert header.sectionViewportPosition(AUDIENCES) + header.sectionSize(AUDIENCES) <= view.table.viewport().width()
    assert view.table.textElideMode() == Qt.TextElideMode.ElideMiddle
