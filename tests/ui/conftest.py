"""Widget tests: any Qt warning fails a test here. The fixtures (``loop``, ``ctx``, ``demo_ctx``) are in
``tests/support/qt_fixtures.py``; ``page`` is the Connections page signed in to the demo sandbox, ``window``
the main window with that page only.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from support.qt_fixtures import fail_on_qt_warnings

from mmoauth_gui.ui.connections.controller import ConnectionsController
from mmoauth_gui.ui.connections.view import ConnectionsView
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.runtime.settings import ui_settings

UI_DIR = os.path.dirname(__file__)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    fail_on_qt_warnings(items, UI_DIR)


@pytest.fixture(autouse=True)
def plain_text_guard(qapp: Any) -> None:
    """As ``ui.app`` does at start: every label shows server and file text as text."""
    from mmoauth_gui.ui.kit import plain_text

    plain_text.install(qapp)


@pytest.fixture
def window(qtbot: Any, ctx: AppContext) -> MainWindow:
    """The main window with the Connections page only (the other pages are the test's to add)."""
    win = MainWindow(ctx, ui_settings(ctx.paths), with_pages=False)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def page(qtbot: Any, demo_ctx: AppContext) -> ConnectionsController:
    view = ConnectionsView()
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    controller = ConnectionsController(demo_ctx, view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 8 and not controller.loading)
    return controller
