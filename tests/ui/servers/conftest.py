"""The servers dialog's tests: ``dialog`` is a new ProfilesDialog on this test's data folder, loaded."""

from __future__ import annotations

from typing import Any

import pytest

from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.servers.dialog import ProfilesDialog


@pytest.fixture
def dialog(qtbot: Any, ctx: AppContext) -> ProfilesDialog:
    dlg = ProfilesDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(dlg.task.done)
    return dlg
