"""Habits: every control is named for assistive tech, the tab order follows the form, the busy states show."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QWidget,
)
from support.ui_helpers import answer, finish_setup, select

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.connection_form.form import SAVE_ANYWAY_TITLE
from mmoauth_gui.ui.connections.controller import ConnectionsController
from mmoauth_gui.ui.connections.editing import DUPLICATE_NOTICE
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.runtime.settings import ui_settings
from mmoauth_gui.ui.servers.dialog import ProfilesDialog

CONTROLS = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QTableView)


def unnamed_controls(root: QWidget) -> list[str]:
    missing = []
    seen = 0
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(root):
            continue
        seen += 1
        if widget.parent() is not None and type(widget.parent()).__name__ in ("QComboBox", "QAbstractSpinBox"):
            continue  # a combo box's own line edit / a scroll bar's buttons
        if not widget.accessibleName() and not (isinstance(widget, QAbstractButton) and widget.text()):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert seen >= 5, f"only {seen} controls found under {root!r}"
    return missing


def test_every_control_has_an_accessible_name(qtbot: Any, page: ConnectionsController, ctx: AppContext) -> None:
    window = MainWindow(ctx, ui_settings(ctx.paths), with_pages=False)
    qtbot.addWidget(window)
    window.show()
    assert unnamed_controls(window) == []
    assert unnamed_controls(page.view) == []
    dialog = page.add()
    assert dialog is not None
    dialog.form.advanced_toggle.click()
    dialog.form.grant.setCurrentIndex(1)
    assert unnamed_controls(dialog) == []
    profiles = ProfilesDialog(ctx)
    qtbot.addWidget(profiles)
    profiles.show()
    assert unnamed_controls(profiles) == []


def test_tab_order_follows_the_form(page: ConnectionsController) -> None:
    dialog = page.add()
    assert dialog is not None
    form = dialog.form
    form.advanced_toggle.click()
    form.grant.setCurrentIndex(1)
    expected = [
        form.name,
        form.client_id,
        form.client_secret.edit,
        form.token_url,
        form.validate_panel.button,
        form.audiences,
        form.advanced_toggle,
        form.grant,
        form.username,
        form.password.edit,
        form.cancel_button,
        form.save_button,
    ]
    chain = []
    widget: QWidget = form.name
    for _ in range(200):
        if widget in expected and widget not in chain:
            chain.append(widget)
        widget = widget.nextInFocusChain()
        if widget is form.name:
            break
    assert chain == expected


def test_duplicate_starts_a_new_connection_without_the_secret(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    select(page, "Reports")
    dialog = page.duplicate_selected()
    assert dialog is not None
    form = dialog.form
    assert dialog.windowTitle() == "Add Outgoing OAuth Connection" and form.save_button.text() == "Save"
    assert form.name.text() == "Copy of Reports"
    assert form.notice.text() == DUPLICATE_NOTICE.format(name="Reports")
    assert form.value().id == "" and form.client_secret.value() == ""
    assert not form.save_button.isEnabled()  # the secret must be typed again
    reports = next(c for c in sandbox.demo_clients if c["client_id"] == "reports-bot")
    qtbot.keyClicks(form.client_secret.edit, reports["client_secret"])
    form.audiences.clear()  # current servers refuse an audience another connection already has
    qtbot.keyClicks(form.audiences, "https://reports-copy.example.com/*")

    sandbox.latency_ms = 300  # long enough to see the busy state
    form.save()
    answer(qtbot, SAVE_ANYWAY_TITLE, "Save anyway")
    qtbot.waitUntil(lambda: form.save_button.text() == "Saving...")
    assert not form.save_button.isEnabled() and not form.name.isEnabled()
    finish_setup(qtbot, dialog)
    copies = [c for c in sandbox.state.connections() if c.name == "Copy of Reports"]
    assert len(copies) == 1 and copies[0].client_secret == reports["client_secret"]


def test_update_shows_updating(qtbot: Any, page: ConnectionsController, sandbox: Sandbox) -> None:
    select(page, "Helpdesk")
    dialog = page.edit_selected()
    assert dialog is not None
    form = dialog.form
    form.name.setText("Helpdesk API")
    sandbox.latency_ms = 300
    form.save()
    qtbot.waitUntil(lambda: form.save_button.text() == "Updating...")
    qtbot.waitUntil(lambda: page.dialog is None)
    assert any(c.name == "Helpdesk API" for c in page.model.connections())
