"""Validating while the Mattermost server is down: the server's state says so, the connection keeps its last
result (the server not answering says nothing about the connection's token endpoint)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton
from support.ui_helpers import activate, select

from mmoauth_gui.core.status import Look
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.session import NOT_REACHED_LABEL
from mmoauth_gui.storage.validations import server_key
from mmoauth_gui.ui.connections.controller import ConnectionsController


def validate_button(page: ConnectionsController) -> QToolButton:
    view = page.view
    return next(b for b in view.findChildren(QToolButton) if b.defaultAction() is view.validate_action)


def validate(qtbot: Any, page: ConnectionsController, messages: list[str]) -> str:
    count = len(messages)
    activate(qtbot, page.view)
    qtbot.mouseClick(validate_button(page), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(messages) >= count + 2 and page.view.validate_action.isEnabled())
    return messages[-1]


def test_a_server_that_is_down_keeps_the_last_result(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox, take_down: Callable[[Sandbox], None]
) -> None:
    messages: list[str] = []
    page.ctx.status_message.connect(messages.append)
    select(page, "Pager")
    pager = page.selected()
    assert pager is not None
    validate(qtbot, page, messages)
    assert page.model.badge(pager).kind is Look.VALID

    take_down(sandbox)
    said = validate(qtbot, page, messages)
    assert said.startswith("“Pager” was not validated: The Mattermost server was not reached")
    assert page.model.badge(pager).kind is Look.VALID  # not "Unreachable"
    assert "Valid" in page.view.details.toPlainText()
    stored = page.ctx.validations.all()[server_key(sandbox.url, pager.id)]
    assert stored.result.ok
    session = page.ctx.session
    assert session is not None and session.feature.label == NOT_REACHED_LABEL
