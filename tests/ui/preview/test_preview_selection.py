"""The Slash commands table keeps what the person selected: a filter that hides it selects nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from test_preview_page import open_window, page_of, synced

from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: Any, demo_ctx: AppContext) -> MainWindow:
    win, page = open_window(qtbot, demo_ctx)
    qtbot.waitUntil(lambda: synced(page) and win.connections_view.model.rowCount() == 8, timeout=10_000)
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
