"""Webhooks on the Slash commands page and the Try dialog, clicked through as a person would, against the demo
sandbox (its demo integration checks the token it receives)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from support.ui_helpers import answer
from test_preview_page import open_window, synced

from mmoauth_gui.core.model import IntegrationKind
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.preview.page import PreviewPage
from mmoauth_gui.ui.preview.try_dialog import THROUGH_SERVER_TITLE, TryDialog

LEFT = Qt.MouseButton.LeftButton


def synced_window(qtbot: Any, ctx: AppContext) -> tuple[MainWindow, PreviewPage]:
    window, page = open_window(qtbot, ctx)
    qtbot.waitUntil(lambda: synced(page))
    return window, page


def labels(page: PreviewPage) -> list[str]:
    return [r.label for r in page.controller.shown_rows()]


def open_try(qtbot: Any, page: PreviewPage, label: str) -> TryDialog:
    assert page.controller.select(next(r.row_key for r in page.model.rows() if r.label == label))
    assert page.try_button.isEnabled()
    qtbot.mouseClick(page.try_button, LEFT)
    dialog = page.controller.try_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled())
    return dialog


def test_webhook_rows_by_kind_with_their_trigger_words(qtbot: Any, demo_ctx: AppContext) -> None:
    _window, page = synced_window(qtbot, demo_ctx)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(IntegrationKind.WEBHOOK.value))
    assert sorted(labels(page)) == [
        "Deploy notifier (callback 1)",
        "Deploy notifier (callback 2)",
        "Standup digest",
        "Weather alerts",
    ]
    row = next(r for r in page.controller.shown_rows() if r.label == "Standup digest")
    source = page.model.index(page.model.rows().index(row), 1)
    assert page.model.data(source) == "standup · webhook in ~town-square"
    assert "trigger words standup (first word starts with a trigger word); ~town-square" in page.model.data(
        source, Qt.ItemDataRole.ToolTipRole
    )
    assert page.status_buttons["all"].text() == "All 4"
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(IntegrationKind.COMMAND.value))
    assert all(label.startswith("/") for label in labels(page)) and "/hello" in labels(page)
    page.controller.select(next(r.row_key for r in page.model.rows() if r.label == "/hello"))
    warnings = [page.warnings.item(i).text() for i in range(page.warnings.count())]
    assert any(w.startswith("Webhook Deploy notifier calls its callbacks with different connections") for w in warnings)


def test_try_from_this_computer_shows_the_token_request_and_answer(
    qtbot: Any, demo_ctx: AppContext, sandbox: Sandbox
) -> None:
    _window, page = synced_window(qtbot, demo_ctx)
    dialog = open_try(qtbot, page, "/hello")
    assert "“Reports”" in dialog.connection.text()
    qtbot.keyClicks(dialog.secret.edit, sandbox.demo_client("reports-bot").client_secret)
    qtbot.keyClicks(dialog.text, "from the test")
    qtbot.mouseClick(dialog.send_button, LEFT)
    qtbot.waitUntil(lambda: dialog.last_result is not None)
    result = dialog.last_result
    assert result is not None and result.ok and result.token is not None and result.token.ok
    text = dialog.output.toPlainText()
    assert "the integration accepted the request with the OAuth token" in text
    assert "Bearer [redacted]" in text and "token accepted (client reports-bot" in text
    assert "Test values" in text
    header = result.request.header("Authorization") if result.request else ""
    assert header.split(" ", 1)[1] not in text
    dialog.reveal.click()
    assert header.split(" ", 1)[1] in dialog.output.toPlainText()


def test_a_refused_token_through_the_server_after_confirming(qtbot: Any, demo_ctx: AppContext) -> None:
    _window, page = synced_window(qtbot, demo_ctx)
    dialog = open_try(qtbot, page, "/hello-refused")
    qtbot.mouseClick(dialog.server_button, LEFT)
    answer(qtbot, THROUGH_SERVER_TITLE, "Run it")
    qtbot.waitUntil(lambda: dialog.last_result is not None)
    result = dialog.last_result
    assert result is not None and result.through_server and not result.ok
    assert result.token is not None and not result.token.ok
    text = dialog.output.toPlainText()
    assert "Failed to retrieve token for outgoing oauth connection" in text
    assert "returned response 401 Unauthorized" in text
