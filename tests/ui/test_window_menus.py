"""The window's Help, View and File extras: the demo sandbox's credentials, the theme, the log folder."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from support.ui_helpers import run

from mmoauth_gui.ui.app import APP_NAME, name_application
from mmoauth_gui.ui.kit.style import is_dark
from mmoauth_gui.ui.kit.theme import THEME_KEY, Theme, apply_theme
from mmoauth_gui.ui.main_window import LOG_FOLDER_NOT_OPENED, MainWindow
from mmoauth_gui.ui.runtime.settings import ui_settings
from mmoauth_gui.ui.servers.demo_credentials import DemoCredentialsDialog


@pytest.fixture
def system_theme_after() -> Any:
    yield
    apply_theme(Theme.SYSTEM)


def test_help_shows_the_demo_clients_of_this_run(
    qtbot: Any, window: MainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    action = window.actions_by_name["demo_credentials"]
    assert not action.isEnabled()  # no demo running yet
    run(qtbot, window.servers.start_demo())
    assert action.isEnabled()
    action.trigger()
    dialog = next(d for d in window.findChildren(DemoCredentialsDialog) if d.isVisible())
    sandbox = window.ctx.demo_sandbox
    assert sandbox is not None
    shown = {f.objectName(): f.text() for f in dialog.findChildren(QLineEdit)}
    assert shown["OAuth Token URL"] == sandbox.token_url
    for client in sandbox.demo_clients:
        assert shown[f"{client['client_id']} client secret"] == client["client_secret"]
    assert shown["legacy-portal password"] == sandbox.demo_user["password"]
    dialog.reject()
    secrets = [c["client_secret"] for c in sandbox.demo_clients] + [sandbox.demo_user["password"]]
    assert not any(secret in caplog.text for secret in secrets)
    assert QGuiApplication.clipboard().text() not in secrets


def test_theme_is_applied_live_and_kept(qtbot: Any, window: MainWindow, system_theme_after: Any) -> None:
    window.actions_by_name["theme_dark"].trigger()
    assert is_dark(QApplication.palette())
    qtbot.waitUntil(lambda: is_dark(window.palette()))  # the palette reaches the widgets as an event
    assert window.settings.value(THEME_KEY) == "dark"
    window.actions_by_name["theme_light"].trigger()
    qtbot.waitUntil(lambda: not is_dark(window.palette()))
    assert window.palette().color(QPalette.ColorRole.Base).name() == "#ffffff"
    window.actions_by_name["theme_dark"].trigger()
    window.close()
    apply_theme(Theme.SYSTEM)
    again = MainWindow(window.ctx, ui_settings(window.ctx.paths), with_pages=False)
    qtbot.addWidget(again)
    assert is_dark(QApplication.palette())
    assert again.actions_by_name["theme_dark"].isChecked()
    again.actions_by_name["theme_system"].trigger()
    assert again.settings.value(THEME_KEY) == "system"


def test_log_folder_without_a_file_manager_shows_and_copies_the_path(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)  # no desktop launcher on this machine
    window.actions_by_name["open_logs"].trigger()
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    folder = str(window.ctx.paths.logs)
    assert box.text() == LOG_FOLDER_NOT_OPENED and folder in box.informativeText()
    assert QGuiApplication.clipboard().text() == folder
    box.accept()


def test_window_titles_carry_no_appended_app_name(qapp: Any) -> None:
    display = qapp.applicationDisplayName()
    try:
        name_application(qapp)
        assert qapp.applicationDisplayName() == APP_NAME  # Qt appends only a display name set apart from the name
    finally:
        qapp.setApplicationDisplayName(display)


def test_a_long_status_message_fits_beside_the_permanent_fields(qtbot: Any, window: MainWindow) -> None:
    run(qtbot, window.servers.start_demo())
    window.resize(900, 560)
    qtbot.waitUntil(lambda: window.session_status.width() > 0)
    text = "Exported 17 slash commands to /home/admin/Documents/" + "very-long-folder-name/" * 8 + "commands.csv."
    window.ctx.status_message.emit(text)
    bar = window.statusBar()
    shown = bar.currentMessage()
    assert shown != text and shown.startswith("Exported 17") and shown.endswith("commands.csv.")
    qtbot.waitUntil(lambda: bar.fontMetrics().horizontalAdvance(shown) < bar.width() - window.session_status.width())
    assert bar.toolTip() == text
    assert len(window.session_status.texts()) == 2  # server and feature only, while the message shows
    bar.clearMessage()
    assert len(window.session_status.texts()) == 5
