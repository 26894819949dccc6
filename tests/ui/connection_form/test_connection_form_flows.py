"""The Add / Edit form walked as a person would, against the sandbox over loopback."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from support.ui_helpers import activate, answer, finish_setup, message_box, run, select, type_connection

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.validation.server import validate_stored_on_server
from mmoauth_gui.ui.connection_form.form import DESKTOP_NEEDS_SECRET, SAVE_ANYWAY_TEXT, SAVE_ANYWAY_TITLE
from mmoauth_gui.ui.connection_form.texts import AUDIENCE_CHANGE_TEXT, AUDIENCE_CHANGE_TITLE
from mmoauth_gui.ui.connection_form.validate_panel import NOT_VALIDATED_HTML, VALIDATED_TEXT
from mmoauth_gui.ui.connections.controller import ConnectionsController

LEFT = Qt.MouseButton.LeftButton


def test_add_validate_save(qtbot: Any, page: ConnectionsController, sandbox: Sandbox) -> None:
    qtbot.mouseClick(page.view.add_button, LEFT)
    assert page.dialog is not None
    form = page.dialog.form
    assert page.dialog.windowTitle() == "Add Outgoing OAuth Connection"
    assert form.save_button.text() == "Save" and not form.save_button.isEnabled()
    client = sandbox.demo_clients[0]

    qtbot.keyClicks(form.name, "Weather bot")
    qtbot.keyClicks(form.client_id, client["client_id"])
    qtbot.keyClicks(form.client_secret.edit, client["client_secret"])
    qtbot.keyClicks(form.token_url, sandbox.token_url)
    assert "uses http://" in " ".join(form.problems["oauth_token_url"].messages())  # a warning, not a blocker
    qtbot.keyClicks(form.audiences, "HTTPS://weather.example.net/slash")
    assert form.problems["audiences"].isVisible()
    assert "lowercase" in " ".join(form.problems["audiences"].messages())
    assert not form.save_button.isEnabled()
    form.audiences.selectAll()
    qtbot.keyClicks(form.audiences, "http://weather.example.net/slash")
    assert not form.problems["audiences"].problems
    assert form.save_button.isEnabled()

    activate(qtbot, page.dialog)
    form.token_url.setFocus()
    qtbot.keyClick(form.token_url, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Return validates
    assert form.validate_panel.state == "validating"
    assert form.validate_panel.button.text() == "Validating..."
    qtbot.waitUntil(lambda: form.validate_panel.state == "validated")
    assert form.validate_panel.status.text() == VALIDATED_TEXT
    desktop = form.validate_panel.desktop.text()
    assert "Decoded access-token claims — not verified" in desktop
    assert re.search(rf"client_id\s+{client['client_id']}", desktop)  # a decoded claim
    assert "client_secret_post" in desktop
    assert form.validate_panel.server.result is not None and form.validate_panel.server.result.ok

    dialog = page.dialog
    QApplication.clipboard().setText("left alone")
    qtbot.mouseClick(form.save_button, LEFT)  # validated: no "Save anyway" question
    qtbot.waitUntil(lambda: dialog.showing_success)
    assert message_box(title=SAVE_ANYWAY_TITLE) is None
    success = dialog.success
    shown = " ".join(w.text() for w in success.findChildren(QLabel) if w.isVisible())
    assert success.title.text() == "Setup Successful" and "Your Outgoing OAuth 2.0 Connection is set up." in shown
    assert f"<b>Client ID</b>: {client['client_id']}" in shown and "<b>Client Secret</b>: ********" in shown
    assert f"<b>Token URL</b>: <code>{sandbox.token_url}</code>" in shown
    assert "<b>Audience URL(s)</b>: <code>http://weather.example.net/slash</code>" in shown
    assert client["client_secret"] not in shown and not success.copy_username.isVisible()  # no password grant
    assert QApplication.clipboard().text() == "left alone"  # nothing copied unasked
    assert success.done_button.hasFocus()
    qtbot.keyClick(success.done_button, Qt.Key.Key_Return)  # Enter is Done, as in the backstage
    qtbot.waitUntil(lambda: page.dialog is None)
    saved = next(c for c in page.model.connections() if c.name == "Weather bot")
    assert sandbox.state.connection(saved.id).client_secret == client["client_secret"]
    assert page.model.badge(saved).kind == "valid"
    assert page.selected() == saved
    qtbot.waitUntil(  # kept across sessions, written off the GUI thread
        lambda: any(key.endswith(saved.id) and v.result.ok for key, v in page.ctx.validations.all().items())
    )


def test_edit_keeps_the_masked_secret(qtbot: Any, page: ConnectionsController, sandbox: Sandbox) -> None:
    select(page, "CI Hooks")
    original = page.selected()
    assert original is not None
    stored_secret = sandbox.state.connection(original.id).client_secret
    activate(qtbot, page.view)
    page.view.table.setFocus()
    qtbot.keyClick(page.view.table, Qt.Key.Key_Return)
    assert page.dialog is not None
    form = page.dialog.form
    assert page.dialog.windowTitle() == "Edit Outgoing OAuth Connection"
    assert form.save_button.text() == "Update"
    assert form.client_secret.kept and form.client_secret.masked.isVisibleTo(form)
    assert form.save_button.isEnabled()

    qtbot.mouseClick(form.validate_panel.button, LEFT)  # posts the id and an empty secret: the stored one
    qtbot.waitUntil(lambda: form.validate_panel.state == "validated")
    assert form.validate_panel.desktop.note == DESKTOP_NEEDS_SECRET

    form.name.selectAll()
    qtbot.keyClicks(form.name, "CI Hooks (renamed)")
    assert form.validate_panel.state == "validated"  # editing the name keeps the validation
    form.audiences.setFocus()
    form.audiences.moveCursor(form.audiences.textCursor().MoveOperation.End)
    qtbot.keyClick(form.audiences, Qt.Key.Key_Return)
    qtbot.keyClicks(form.audiences, "https://ci.example.com/deploy")
    assert form.validate_panel.state == "validated"  # and so does editing the audiences

    qtbot.mouseClick(form.save_button, LEFT)
    box = answer(qtbot, AUDIENCE_CHANGE_TITLE, "Update")
    assert box.text() == AUDIENCE_CHANGE_TEXT
    qtbot.waitUntil(lambda: page.dialog is None)
    assert message_box(title=SAVE_ANYWAY_TITLE) is None  # no credential field was touched

    on_server = sandbox.state.connection(original.id)
    assert on_server.name == "CI Hooks (renamed)"
    assert on_server.audiences == ("https://ci.example.com/hooks/*", "https://ci.example.com/deploy")
    assert on_server.client_secret == stored_secret
    session = page.ctx.session
    assert session is not None
    result = run(qtbot, validate_stored_on_server(session.client, on_server, session.team_id))
    assert result.ok, result.summary  # the server still gets a token with the secret it kept


def test_refused_validation_shows_its_reason_and_editing_credentials_resets_it(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    sandbox.errors = "developer"  # a server that sends its reason: the form shows it
    select(page, "Standup Bot")  # stored with a secret the token endpoint does not know
    dialog = page.edit_selected()
    assert dialog is not None
    form = dialog.form
    qtbot.mouseClick(form.validate_panel.button, LEFT)
    qtbot.waitUntil(lambda: form.validate_panel.state == "failed")
    assert form.validate_panel.status.text() == NOT_VALIDATED_HTML
    reason = form.validate_panel.reason.text()
    assert "invalid_client" in reason
    server_side = form.validate_panel.server.text()
    assert "invalid_client" in server_side and "HTTP status" in server_side
    assert "Server detail" in server_side
    assert form.validate_panel.details.isVisible()

    qtbot.mouseClick(form.client_secret.pencil, LEFT)  # replace the secret: back to the button
    assert form.validate_panel.state == "dirty"
    assert form.client_secret.edit.hasFocus() and form.client_secret.value() == ""
    assert not form.save_button.isEnabled()  # a replaced secret may not be empty
    qtbot.keyClicks(form.client_secret.edit, "still-wrong")
    qtbot.mouseClick(form.validate_panel.button, LEFT)
    qtbot.waitUntil(lambda: form.validate_panel.state == "failed")
    desktop = form.validate_panel.desktop.text()
    assert "RFC 6749 error\ninvalid_client" in desktop and "HTTP status\n400" in desktop  # the form-body attempt

    form.client_secret.edit.clear()
    qtbot.keyClicks(form.client_secret.edit, sandbox.demo_clients[0]["client_secret"])
    assert form.validate_panel.state == "dirty"
    qtbot.mouseClick(form.validate_panel.button, LEFT)
    qtbot.waitUntil(lambda: form.validate_panel.state == "validated")


def test_save_anyway_when_not_validated(qtbot: Any, page: ConnectionsController, sandbox: Sandbox) -> None:
    dialog = page.add()
    assert dialog is not None
    form = dialog.form
    qtbot.keyClicks(form.name, "Unvalidated")
    qtbot.keyClicks(form.client_id, "nobody")
    qtbot.keyClicks(form.client_secret.edit, "wrong")
    qtbot.keyClicks(form.token_url, sandbox.token_url)
    qtbot.keyClicks(form.audiences, "https://unvalidated.example.com/*")

    qtbot.mouseClick(form.save_button, LEFT)
    box = answer(qtbot, SAVE_ANYWAY_TITLE, "Cancel")
    assert box.text() == SAVE_ANYWAY_TEXT
    qtbot.waitUntil(lambda: message_box(title=SAVE_ANYWAY_TITLE) is None)
    assert page.dialog is dialog and dialog.isVisible()  # nothing saved
    assert not any(c.name == "Unvalidated" for c in sandbox.state.connections())

    activate(qtbot, dialog)
    form.name.setFocus()
    qtbot.keyClick(form.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
    answer(qtbot, SAVE_ANYWAY_TITLE, "Save anyway")
    finish_setup(qtbot, dialog)
    assert any(c.name == "Unvalidated" for c in sandbox.state.connections())
    saved = next(c for c in page.model.connections() if c.name == "Unvalidated")
    assert page.model.badge(saved).kind == "unchecked"


def test_cancel_asks_before_dropping_changes(qtbot: Any, page: ConnectionsController) -> None:
    dialog = page.add()
    assert dialog is not None
    qtbot.keyClicks(dialog.form.name, "Half typed")
    activate(qtbot, dialog)
    qtbot.keyClick(dialog.form.name, Qt.Key.Key_Escape)
    answer(qtbot, "Discard changes?", "Keep editing")
    qtbot.waitUntil(lambda: message_box(title="Discard changes?") is None)
    assert dialog.isVisible()
    qtbot.mouseClick(dialog.form.cancel_button, LEFT)
    answer(qtbot, "Discard changes?", "Discard changes")
    qtbot.waitUntil(lambda: page.dialog is None)


def test_password_grant_behind_advanced(qtbot: Any, page: ConnectionsController, sandbox: Sandbox) -> None:
    dialog = page.add()
    assert dialog is not None
    form = dialog.form
    assert not form.advanced.isVisible() and not form.username.isVisible()
    qtbot.mouseClick(form.advanced_toggle, LEFT)
    assert form.grant.isVisible() and not form.username.isVisible()
    form.grant.setCurrentIndex(form.grant.findData("password"))
    assert form.username.isVisible() and form.password.isVisible()
    type_connection(qtbot, form, sandbox, "Portal", "https://partners.example.com/portal/*", "legacy-portal")
    assert not form.save_button.isEnabled()
    assert form.todo.text() == "To save, fix: Username, Password."  # untouched fields: said once, by the button
    qtbot.keyClicks(form.username, "x")
    qtbot.keyClick(form.username, Qt.Key.Key_Backspace)  # a touched field shows its own message
    assert "Username is required for the password grant." in form.problems["credentials_username"].messages()
    qtbot.keyClicks(form.username, sandbox.demo_user["username"])
    qtbot.keyClicks(form.password.edit, sandbox.demo_user["password"])
    assert form.save_button.isEnabled()
    qtbot.mouseClick(form.validate_panel.button, LEFT)
    qtbot.waitUntil(lambda: form.validate_panel.state == "validated")
    qtbot.mouseClick(form.save_button, LEFT)
    qtbot.waitUntil(lambda: dialog.showing_success)
    shown = dialog.success.username.text()
    assert shown == f"<b>Username</b>: {sandbox.demo_user['username']}" and dialog.success.copy_username.isVisible()
    assert dialog.success.password.text() == "<b>Password</b>: ********"
    qtbot.mouseClick(dialog.success.copy_username, LEFT)  # asked: the username (never a secret) is copied
    assert QApplication.clipboard().text() == sandbox.demo_user["username"]
    assert not dialog.success.warning.isVisible()  # the username survived the create
    finish_setup(qtbot, dialog)
    saved = next(c for c in sandbox.state.connections() if c.name == "Portal")
    assert saved.grant_type == "password" and saved.credentials_username == sandbox.demo_user["username"]


def test_expectations_in_advanced_say_the_integration_would_refuse(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    qtbot.mouseClick(page.view.add_button, LEFT)
    assert page.dialog is not None
    form = page.dialog.form
    client = sandbox.demo_clients[0]
    qtbot.keyClicks(form.name, "Tasks")
    qtbot.keyClicks(form.client_id, client["client_id"])
    qtbot.keyClicks(form.client_secret.edit, client["client_secret"])
    qtbot.keyClicks(form.token_url, sandbox.token_url)
    qtbot.keyClicks(form.audiences, "https://tasks.example.com/slash")
    qtbot.mouseClick(form.advanced_toggle, LEFT)
    assert form.expect.audience.isVisible()
    qtbot.keyClicks(form.expect.audience, "https://tasks.example.com/")
    qtbot.keyClicks(form.expect.scopes, "tasks.write")

    qtbot.mouseClick(form.validate_panel.button, LEFT)
    qtbot.waitUntil(lambda: form.validate_panel.state in ("validated", "failed"))
    desktop = form.validate_panel.desktop.text()
    assert "The integration would refuse this token." in desktop
    assert "Signature cannot be verified" in desktop and "without the shared key" in desktop  # HS256
    assert "expects audience https://tasks.example.com/ — The token is for mattermost-integrations" in desktop
    assert "The integration would refuse it" in form.validate_panel.reason.text()
    assert form.expect.audience.text() == "https://tasks.example.com/"  # what was typed stays
    form.cancelled.emit()
    qtbot.waitUntil(lambda: page.dialog is None)

    qtbot.mouseClick(page.view.add_button, LEFT)  # the same client at the same token URL: recorded
    assert page.dialog is not None
    form = page.dialog.form
    qtbot.keyClicks(form.client_id, client["client_id"])
    qtbot.keyClicks(form.token_url, sandbox.token_url)
    page.dialog.form.load(form.value(), editing=False)
    qtbot.waitUntil(lambda: form.expect.audience.text() == "https://tasks.example.com/")
    assert form.expect.scopes.text() == "tasks.write"
