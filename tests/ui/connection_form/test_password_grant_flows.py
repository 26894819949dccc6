"""Password-grant connections through the Add / Edit form, as a person would, against the sandbox over loopback:
add one (validated with the token endpoint's password-grant user), then rename the stored one without retyping
its secret or password: the server keeps both."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from support.ui_helpers import activate, finish_setup, message_box, select, type_password_grant

from mmoauth_gui.core.model import GrantType
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.connection_form.form import SAVE_ANYWAY_TITLE
from mmoauth_gui.ui.connection_form.validate_panel import VALIDATED_TEXT
from mmoauth_gui.ui.connections.controller import ConnectionsController

LEFT = Qt.MouseButton.LeftButton


def test_add_a_password_grant_connection_validate_it_and_save(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    user = sandbox.demo_user
    qtbot.mouseClick(page.view.add_button, LEFT)
    assert page.dialog is not None
    form = page.dialog.form
    assert not form.username.isVisibleTo(form) and not form.password.isVisibleTo(form)
    client = type_password_grant(qtbot, form, sandbox, "Legacy CRM", "https://crm.example.com/*")
    assert form.username.isVisibleTo(form) and form.password.isVisibleTo(form)
    assert not form.save_button.isEnabled()  # the password grant needs a username and a password
    qtbot.keyClicks(form.username, user["username"])
    qtbot.keyClicks(form.password.edit, "not-the-password")
    assert form.save_button.isEnabled()

    qtbot.mouseClick(form.validate_panel.button, LEFT)
    qtbot.waitUntil(lambda: form.validate_panel.state == "failed")
    assert "invalid_grant" in form.validate_panel.desktop.text()  # the client is right, the password is not

    form.password.edit.clear()
    qtbot.keyClicks(form.password.edit, user["password"])
    assert form.validate_panel.state == "dirty"  # a changed credential needs validating again
    qtbot.mouseClick(form.validate_panel.button, LEFT)
    qtbot.waitUntil(lambda: form.validate_panel.state == "validated")
    assert form.validate_panel.status.text() == VALIDATED_TEXT
    desktop = form.validate_panel.desktop.text()
    assert f"\nsub\n{user['username']}\n" in desktop  # the token's subject: the password-grant user

    dialog = page.dialog
    qtbot.mouseClick(form.save_button, LEFT)
    assert message_box(title=SAVE_ANYWAY_TITLE) is None
    finish_setup(qtbot, dialog)  # the backstage's Setup Successful page, then Done
    qtbot.waitUntil(lambda: page.dialog is None)
    saved = next(c for c in page.model.connections() if c.name == "Legacy CRM")
    stored = sandbox.state.connection(saved.id)
    assert stored is not None
    assert (stored.grant_type, stored.credentials_username, stored.credentials_password, stored.client_secret) == (
        GrantType.PASSWORD,
        user["username"],
        user["password"],
        client["client_secret"],
    )
    assert page.model.badge(saved).kind == "valid"


def test_rename_a_stored_password_grant_connection_without_retyping_anything(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    select(page, "Legacy Portal")
    original = page.selected()
    assert original is not None
    before = sandbox.state.connection(original.id)
    assert before is not None and before.credentials_password
    activate(qtbot, page.view)
    page.view.table.setFocus()
    qtbot.keyClick(page.view.table, Qt.Key.Key_Return)
    assert page.dialog is not None
    form = page.dialog.form
    assert form.grant.currentData() == GrantType.PASSWORD.value
    assert form.username.text() == before.credentials_username
    assert form.password.kept and form.client_secret.kept  # masked: stored on the server, never sent back
    form.name.selectAll()
    qtbot.keyClicks(form.name, "Legacy Portal (renamed)")
    assert form.save_button.isEnabled()

    qtbot.mouseClick(form.save_button, LEFT)
    assert message_box(title=SAVE_ANYWAY_TITLE) is None  # no credential field was touched
    qtbot.waitUntil(lambda: page.dialog is None or bool(form.save_error.text()))
    assert page.dialog is None, form.save_error.text()  # saved and closed, not refused
    after = sandbox.state.connection(original.id)
    assert after is not None and after.name == "Legacy Portal (renamed)"
    assert (after.credentials_username, after.credentials_password, after.client_secret) == (
        before.credentials_username,
        before.credentials_password,
        before.client_secret,
    )
