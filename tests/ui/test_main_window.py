"""The main window: first run offers the demo, the status bar, the page plug-in point, geometry, errors."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox
from support.ui_helpers import run

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.storage.secrets import SecretKind
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.runtime.errors import ErrorReporter
from mmoauth_gui.ui.runtime.settings import UI_SETTINGS_NAME, ui_settings
from mmoauth_gui.ui.runtime.tasks import alive
from mmoauth_gui.ui.servers.dialog import ProfilesDialog


def test_first_run_offers_the_demo_beside_add_server(qtbot: Any, window: MainWindow) -> None:
    run(qtbot, window.servers.start())
    view = window.connections_view
    assert view.showing_state() == "welcome"
    buttons = [b.text() for b in view.state.action_buttons()]
    assert buttons == ["Add server…", "Try the demo sandbox"]
    assert window.session_status.texts() == ["Not connected"]

    view.state.action_buttons()[1].click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 8 and view.showing_state() == "")
    texts = window.session_status.texts()
    assert texts[0].endswith("(demo sandbox)")
    assert texts[1] == "Team: Engineering"
    assert texts[2] == "sysadmin · system admin"
    assert texts[3].startswith("Mattermost 9.")
    assert texts[4] == "Outgoing OAuth: Available"
    assert window.server_bar.server_combo.currentText() == "Demo sandbox"
    assert not window.ctx.profiles.load()  # the demo saves no profile


def test_pages_plug_in_by_name(qtbot: Any, window: MainWindow) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["&Connections", "S&lash commands", "&Drafts", "H&ealth"]
    page = QLabel("preview goes here")
    window.set_page("preview", page)
    assert window.tabs.widget(1) is page and window.page("preview") is page
    window.show_page("preview")
    assert window.tabs.currentWidget() is page
    with pytest.raises(ValueError, match="not a valid PageName"):
        window.set_page("nope", QLabel())


def test_connects_to_the_last_profile_and_switches_team(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    ctx.profiles.save(Profile(name="Local", url=sandbox.url, team_name="support"))
    ctx.secrets.set(SecretKind.SERVER_TOKEN, "Local", sandbox.admin_token)
    win = MainWindow(ctx, ui_settings(ctx.paths), with_pages=False)
    qtbot.addWidget(win)
    win.show()
    win.servers.start()
    qtbot.waitUntil(lambda: win.connections_view.model.rowCount() == 8)
    assert win.session_status.texts()[1] == "Team: Customer Support"
    combo = win.server_bar.team_combo
    combo.setCurrentIndex(combo.findText("Engineering"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: win.session_status.texts()[1] == "Team: Engineering")
    qtbot.waitUntil(lambda: (p := ctx.profiles.get("Local")) is not None and p.team_name == "engineering")


def test_a_revoked_token_says_so_and_offers_the_way_out(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    ctx.profiles.save(Profile(name="Revoked", url=sandbox.url))
    ctx.secrets.set(SecretKind.SERVER_TOKEN, "Revoked", "expired-token")
    win = MainWindow(ctx, ui_settings(ctx.paths), with_pages=False)
    qtbot.addWidget(win)
    win.show()
    run(qtbot, win.servers.start())
    view = win.connections_view
    assert view.showing_state() == "error"
    assert "Could not connect to “Revoked”" in view.state.title.text()
    assert "401" in view.state.body.text() and "Personal Access Tokens" in view.state.body.text()
    assert [b.text() for b in view.state.action_buttons()] == ["Servers…", "Try the demo sandbox"]
    assert view.state.action_buttons()[0].isDefault()  # Reconnect would only be refused again
    assert not win.server_bar.reconnect_button.isVisible()


def test_an_ended_password_session_asks_for_the_password_not_a_token(
    qtbot: Any, ctx: AppContext, sandbox: Sandbox
) -> None:
    ctx.profiles.save(Profile(name="Signed in", url=sandbox.url, auth="password"))
    ctx.secrets.set(SecretKind.SERVER_TOKEN, "Signed in", "expired-session")
    win = MainWindow(ctx, ui_settings(ctx.paths), with_pages=False)
    qtbot.addWidget(win)
    win.show()
    run(qtbot, win.servers.start())
    body = win.connections_view.state.body.text()
    assert "sign in again with your password" in body and "Personal Access Tokens" not in body


def test_after_a_restart_without_the_token_servers_opens_on_that_profile(
    qtbot: Any, ctx: AppContext, sandbox: Sandbox
) -> None:
    ctx.profiles.save(Profile(name="Session only", url=sandbox.url))  # its token was kept for the last run only
    win = MainWindow(ctx, ui_settings(ctx.paths), with_pages=False)
    qtbot.addWidget(win)
    win.show()
    run(qtbot, win.servers.start())
    view = win.connections_view
    assert view.showing_state() == "error" and "no token is stored" in view.state.body.text()
    assert [b.text() for b in view.state.action_buttons()][0] == "Servers…"
    win.actions_by_name["servers"].trigger()  # File › Servers…
    dialog = win._profiles_dialog
    assert isinstance(dialog, ProfilesDialog)
    qtbot.waitUntil(lambda: dialog.heading.text() == "Server “Session only”")
    dialog.reject()


def test_geometry_is_kept_in_an_ini_file_under_the_data_dir(qtbot: Any, ctx: AppContext) -> None:
    win = MainWindow(ctx, ui_settings(ctx.paths), with_pages=False)
    qtbot.addWidget(win)
    win.resize(700, 500)  # within the offscreen screen (800x600)
    win.show()
    win.close()
    assert (ctx.paths.config / UI_SETTINGS_NAME).is_file()
    again = MainWindow(ctx, ui_settings(ctx.paths), with_pages=False)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 500)


def test_unexpected_errors_are_logged_and_shown(qtbot: Any, ctx: AppContext, window: MainWindow) -> None:
    reporter = ErrorReporter(ctx.paths.log_file)
    reporter.parent = window
    ctx.tasks.unhandled_error.disconnect()
    ctx.tasks.unhandled_error.connect(reporter.report)

    async def boom() -> None:
        await asyncio.sleep(0)
        raise RuntimeError("client_secret=hunter2 broke")

    task = ctx.tasks.start(boom(), owner=window)
    qtbot.waitUntil(task.done)
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible() for w in window.findChildren(QMessageBox)))
    box = next(w for w in window.findChildren(QMessageBox) if w.isVisible())
    assert box.windowTitle() == "Something went wrong"
    assert "hunter2" not in box.text() and "hunter2" not in box.detailedText()
    assert str(ctx.paths.log_file) in box.informativeText()
    box.accept()


def test_first_run_add_server_then_connect(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    run(qtbot, window.servers.start())
    window.connections_view.state.action_buttons()[0].click()  # Add server…
    dialog = window._profiles_dialog
    assert isinstance(dialog, ProfilesDialog) and dialog.isVisible()
    qtbot.waitUntil(dialog.task.done)
    assert dialog.heading.text() == "New server"
    qtbot.keyClicks(dialog.name, "Local")
    qtbot.keyClicks(dialog.url, sandbox.url)
    qtbot.keyClicks(dialog.token.edit, sandbox.admin_token)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: window.connections_view.model.rowCount() == 8)
    assert not alive(dialog) or not dialog.isVisible()
    window.open_profiles("Local")  # opens again after the first one closed
    again = window._profiles_dialog
    assert again is not dialog and isinstance(again, ProfilesDialog)
    qtbot.waitUntil(lambda: again.heading.text() == "Server “Local”")
    assert again.token.kept
    again.reject()
    assert window.server_bar.server_combo.currentText() == "Local"
    assert window.windowTitle().startswith("Local — ")
    assert window.settings.value("session/last_profile") == "Local"
