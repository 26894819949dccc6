"""The sign-in expires while a person is typing a new connection: saving says to sign in again, and nothing
typed is lost; once signed in again, the same dialog saves what was typed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from support.ui_helpers import answer, finish_setup, run

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.storage.secrets import SecretKind
from mmoauth_gui.ui.connection_form.dialog import ConnectionDialog
from mmoauth_gui.ui.connection_form.form import SAVE_ANYWAY_TITLE
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.runtime.settings import ui_settings

LEFT = Qt.MouseButton.LeftButton
PROFILE = "Local"


def signed_in_window(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> MainWindow:
    ctx.profiles.save(Profile(name=PROFILE, url=sandbox.url))
    ctx.secrets.set(SecretKind.SERVER_TOKEN, PROFILE, sandbox.admin_token)
    window = MainWindow(ctx, ui_settings(ctx.paths), with_pages=False)
    qtbot.addWidget(window)
    window.show()
    run(qtbot, window.servers.start())
    qtbot.waitUntil(lambda: window.connections_view.model.rowCount() == 8)
    return window


def type_a_connection(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> ConnectionDialog:
    dialog = window.connections.add()
    assert dialog is not None
    form = dialog.form
    client = sandbox.demo_clients[0]
    qtbot.keyClicks(form.name, "Typed before expiry")
    qtbot.keyClicks(form.client_id, client["client_id"])
    qtbot.keyClicks(form.client_secret.edit, client["client_secret"])
    qtbot.keyClicks(form.token_url, sandbox.token_url)
    qtbot.keyClicks(form.audiences, "https://typed.example.com/slash")
    qtbot.keyClick(form.audiences, Qt.Key.Key_Return)
    qtbot.keyClicks(form.audiences, "https://typed.example.com/hooks/*")
    assert form.save_button.isEnabled()
    return dialog


def save_anyway(qtbot: Any, dialog: ConnectionDialog) -> None:
    qtbot.mouseClick(dialog.form.save_button, LEFT)
    answer(qtbot, SAVE_ANYWAY_TITLE, "Save anyway")
    qtbot.waitUntil(lambda: dialog.showing_success or dialog.form.save_error.isVisible())


def expire_while_typing(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> tuple[ConnectionDialog, Connection]:
    dialog = type_a_connection(qtbot, window, sandbox)
    typed = dialog.form.value()
    sandbox.state.revoke_token(sandbox.admin_token)  # the session ends while the person types
    save_anyway(qtbot, dialog)
    return dialog, typed


def test_an_expired_sign_in_asks_to_sign_in_again_and_keeps_what_was_typed(
    qtbot: Any, ctx: AppContext, sandbox: Sandbox
) -> None:
    window = signed_in_window(qtbot, ctx, sandbox)
    dialog, typed = expire_while_typing(qtbot, window, sandbox)
    form = dialog.form
    message = form.save_error.text()
    assert form.save_error.isVisible()
    assert "Sign in again" in message and "HTTP 401" in message and "Typed before expiry" in message
    assert sandbox.admin_token not in message and typed.client_secret not in message
    assert dialog.isVisible() and form.value() == typed  # nothing typed is lost
    assert form.save_button.isEnabled() and form.save_button.text() == "Save"
    assert not [c for c in sandbox.state.connections() if c.name == typed.name]


def test_after_signing_in_again_the_same_dialog_saves_what_was_typed(
    qtbot: Any, ctx: AppContext, sandbox: Sandbox
) -> None:
    window = signed_in_window(qtbot, ctx, sandbox)
    dialog, typed = expire_while_typing(qtbot, window, sandbox)

    fresh = sandbox.state.issue_token(sandbox.admin.id)  # a new token, then File > Reconnect
    ctx.secrets.set(SecretKind.SERVER_TOKEN, PROFILE, fresh)
    expired = ctx.session
    window.servers.reconnect()
    qtbot.waitUntil(lambda: ctx.connect_state.status == "connected" and ctx.session not in (None, expired))
    assert dialog.isVisible() and dialog.form.value() == typed

    closed: list[int] = []
    dialog.finished.connect(closed.append)
    qtbot.mouseClick(dialog.form.save_button, LEFT)
    answer(qtbot, SAVE_ANYWAY_TITLE, "Save anyway")
    finish_setup(qtbot, dialog)  # saved: "Setup Successful", then Done closes the dialog
    assert closed
    saved = [c for c in sandbox.state.connections() if c.name == typed.name]
    assert len(saved) == 1
    assert saved[0].client_secret == typed.client_secret and saved[0].audiences == typed.audiences


def test_an_expired_sign_in_shows_the_window_signed_out_and_reconnect_brings_it_back(
    qtbot: Any, ctx: AppContext, sandbox: Sandbox
) -> None:
    window = signed_in_window(qtbot, ctx, sandbox)
    bar = window.servers.bar
    assert not bar.reconnect_button.isVisible()
    dialog, _typed = expire_while_typing(qtbot, window, sandbox)
    assert dialog.form.save_error.isVisible()

    qtbot.waitUntil(lambda: bar.reconnect_button.isVisible())
    assert ctx.session is not None and ctx.session.feature.status == "signed_out"
    assert ctx.connect_state.status == "failed" and "Sign in again" in ctx.connect_state.message

    ctx.secrets.set(SecretKind.SERVER_TOKEN, PROFILE, sandbox.state.issue_token(sandbox.admin.id))
    qtbot.mouseClick(bar.reconnect_button, LEFT)
    qtbot.waitUntil(
        lambda: (
            ctx.connect_state.status == "connected"
            and ctx.session is not None
            and ctx.session.feature.status == "available"
        ),
    )
    assert not bar.reconnect_button.isVisible()
