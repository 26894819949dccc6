"""Connections as code in the app, clicked through: export, Compare with file… then Apply, Copy to another
server… with a typed secret; the menu's actions on the main window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from support.ui_helpers import run, select

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.config.actions import add_config_actions
from mmoauth_gui.ui.config.controller import ConfigController
from mmoauth_gui.ui.connections.controller import ConnectionsController
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.runtime.settings import ui_settings


def cell(controller: ConfigController, row: int, column: int) -> str:
    assert controller.dialog is not None
    model = controller.dialog.model
    return str(model.data(model.index(row, column)))


def test_export_compare_and_apply(qtbot: Any, page: ConnectionsController, sandbox: Sandbox, tmp_path: Path) -> None:
    config = ConfigController(page.ctx, page.view)
    path = tmp_path / "connections.yaml"
    config.export_to(path)
    qtbot.waitUntil(path.is_file)
    text = path.read_text(encoding="utf-8")
    assert text.count("- name: ") == 8 and "client_secret: {env: MM_OAUTH_PAGER_SECRET}" in text
    path.write_text(text.replace("https://pager.example.com/api/ack", "https://pager.example.com/api/v2/ack"))

    config.compare_with_file(path)
    dialog = config.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.apply_button.isEnabled())
    assert dialog.model.rowCount() == 1
    assert [cell(config, 0, c) for c in range(2)] == ["Update", "Pager"]
    assert cell(config, 0, 2) == "audiences: https://pager.example.com/api/oncall, https://pager.example.com/api/v2/ack"
    assert cell(config, 0, 3) == "audiences: https://pager.example.com/api/oncall, https://pager.example.com/api/ack"
    assert "1 change to apply" in dialog.headline.text()
    assert not dialog.secrets_box.isVisibleTo(dialog)  # no secret is sent: nothing to type

    with qtbot.waitSignal(config.applied) as applied:
        dialog.apply_button.click()
    assert applied.args[0].ok
    assert dialog.headline.text() == "Applied 1 change."
    pager = next(c for c in sandbox.state.connections() if c.name == "Pager")
    assert pager.audiences == ("https://pager.example.com/api/oncall", "https://pager.example.com/api/v2/ack")
    qtbot.waitUntil(lambda: not page.loading)

    config.compare_with_file(path)
    again = config.dialog
    assert again is not None and again is not dialog
    qtbot.waitUntil(lambda: "no changes" in again.headline.text())
    assert not again.apply_button.isEnabled()
    again.close()


def test_a_file_with_errors_is_shown_with_its_lines_and_not_compared(
    qtbot: Any, page: ConnectionsController, tmp_path: Path
) -> None:
    config = ConfigController(page.ctx, page.view)
    path = tmp_path / "bad.yaml"
    path.write_text("connections:\n- name: X\n  client_secret: plain-secret-value\n")
    config.compare_with_file(path)
    dialog = config.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: "has problems" in dialog.headline.text())
    notes = dialog.notes.toPlainText()
    assert f"{path}:3:18: error:" in notes and "plain-secret-value" not in notes
    assert not dialog.apply_button.isEnabled() and dialog.model.rowCount() == 0
    dialog.close()


def test_copy_to_another_server_asks_for_the_secret(
    qtbot: Any, page: ConnectionsController, memory_keyring: Any
) -> None:
    ctx: AppContext = page.ctx
    with Sandbox(seed="empty") as production:
        run(qtbot, ctx.store_server_token("Production", production.admin_token))
        ctx.profiles.save(Profile(name="Production", url=production.url))
        select(page, "Reports")
        reports = page.selected()
        assert reports is not None
        reports = reports.with_changes(oauth_token_url=production.token_url)
        config = ConfigController(ctx, page.view)
        config.copy_to_server([reports], "Production")
        dialog = config.dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.apply_button.isEnabled())
        assert [cell(config, 0, c) for c in range(2)] == ["Create", "Reports"]
        assert "secret: will be sent" in cell(config, 0, 2)
        (field,) = dialog.secret_fields.values()
        assert "MM_OAUTH_REPORTS_SECRET" in field.accessibleName()

        dialog.apply_button.click()
        assert "Type these before applying" in dialog.notes.toPlainText()
        secret = production.demo_client("reports-bot").client_secret
        qtbot.keyClicks(field, secret)
        with qtbot.waitSignal(config.applied):
            dialog.apply_button.click()
        (copied,) = production.state.connections()
        assert (copied.name, copied.client_secret, copied.audiences) == ("Reports", secret, reports.audiences)
        assert field.text() == ""  # a typed secret is not kept
        assert secret not in dialog.notes.toPlainText() + dialog.headline.text()
        dialog.close()


def test_cancel_stops_before_the_next_step(qtbot: Any, page: ConnectionsController, tmp_path: Path) -> None:
    config = ConfigController(page.ctx, page.view)
    path = tmp_path / "connections.yaml"
    config.export_to(path)
    qtbot.waitUntil(path.is_file)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("https://", "https://v2.").replace("http://", "http://v2."), encoding="utf-8")
    config.compare_with_file(path)
    dialog = config.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.apply_button.isEnabled())
    assert dialog.model.rowCount() == 8
    before = [c.audiences for c in page.model.connections()]
    with qtbot.waitSignal(config.applied) as applied:
        dialog.apply_button.click()
        assert dialog.progress.isVisibleTo(dialog)
        dialog.cancel_button.click()  # before the first step has run
    report = applied.args[0]
    assert report.cancelled and [s.state.value for s in report.steps] == ["not_applied"] * 8
    assert dialog.headline.text() == "Cancelled: 0 of 8 changes applied."
    assert [c.audiences for c in page.model.connections()] == before
    dialog.close()


def test_the_connection_menu_offers_the_three_actions(qtbot: Any, demo_ctx: AppContext) -> None:
    window = MainWindow(demo_ctx, ui_settings(demo_ctx.paths), with_pages=False)
    qtbot.addWidget(window)
    actions = add_config_actions(window)
    names = [a.objectName() for a in window.connection_menu.actions()]
    assert {"compare_with_file", "export_as_file", "copy_to_server"} <= set(names)
    assert window.actions_by_name["compare_with_file"].isEnabled()
    assert not window.actions_by_name["copy_to_server"].isEnabled()  # nothing selected yet

    qtbot.waitUntil(lambda: window.connections.model.rowCount() == 8)
    select(window.connections, "Reports")
    assert window.actions_by_name["copy_to_server"].isEnabled()
    demo_ctx.profiles.save(Profile(name="<b>Prod</b>", url="https://prod.example.com"))
    chooser = actions.open_copy()
    assert chooser is not None and chooser.isVisible()
    assert chooser.comboBoxItems() == ["<b>Prod</b>"]
    assert "“Reports”" in chooser.labelText()
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in chooser.findChildren(QLabel))
    chooser.reject()
