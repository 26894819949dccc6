"""The backstage's texts and rules the form mirrors (docs/MATTERMOST.md Appendix F), walked against the sandbox."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from support.ui_helpers import activate, answer, message_box, password_prompt, select, type_connection

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.connection_form.setup_successful import RESTORED, USERNAME_LOST, SetupSuccessful
from mmoauth_gui.ui.connection_form.texts import HELP_LINK_URL, REQUIRED_TEXTS, SAVE_ANYWAY_TITLE
from mmoauth_gui.ui.connection_form.validate_panel import TRY_AGAIN_LINK
from mmoauth_gui.ui.connections.controller import ConnectionsController

LEFT = Qt.MouseButton.LeftButton


def _help(form: Any, field: str) -> str:
    label = form.findChild(type(form.todo), f"help_{field}")
    return str(label.text()) if label is not None else ""


def test_help_texts_and_link_under_the_form(qtbot: Any, page: ConnectionsController) -> None:
    dialog = page.add()
    assert dialog is not None
    form = dialog.form
    assert _help(form, "client_id") == "Specify the Client ID for your OAuth connection."
    assert _help(form, "client_secret") == "Specify the Client Secret for your OAuth connection."
    assert _help(form, "oauth_token_url") == "Specify the OAuth Token URL for your OAuth connection."
    assert form.help_link.isVisible() and f'href="{HELP_LINK_URL}"' in form.help_link.text()
    assert form.help_link.text().startswith("Get help with <a ")


def test_validate_is_always_offered_and_names_every_missing_field(qtbot: Any, page: ConnectionsController) -> None:
    dialog = page.add()
    assert dialog is not None
    form = dialog.form
    activate(qtbot, dialog)
    assert form.validate_panel.button.isEnabled()  # the backstage never disables it
    qtbot.mouseClick(form.validate_panel.button, LEFT)
    assert form.validate_panel.state == "idle"  # nothing was asked
    for field in ("name", "client_id", "client_secret", "oauth_token_url"):  # all at once, the product's words
        assert form.problems[field].messages() == [REQUIRED_TEXTS[field]]
    assert not form.problems["audiences"].messages()  # validating does not need an audience
    assert form.name.hasFocus()

    qtbot.keyClicks(form.name, "Named")
    qtbot.keyClicks(form.client_id, "someone")
    qtbot.mouseClick(form.validate_panel.button, LEFT)
    assert form.client_secret.edit.hasFocus()
    assert not form.problems["name"].messages() and not form.problems["client_id"].messages()


def test_try_again_brings_the_button_back(qtbot: Any, page: ConnectionsController) -> None:
    select(page, "Standup Bot")  # its stored secret is refused
    dialog = page.edit_selected()
    assert dialog is not None
    panel = dialog.form.validate_panel
    activate(qtbot, dialog)
    qtbot.mouseClick(panel.button, LEFT)
    qtbot.waitUntil(lambda: panel.state == "failed")
    assert not panel.button.isVisible()  # the outcome takes the button's place, as in the backstage
    assert f'href="{TRY_AGAIN_LINK}">Try again</a>' in panel.status.text()
    panel.status.linkActivated.emit(TRY_AGAIN_LINK)  # what a click on the link sends
    assert panel.state == "dirty" and panel.button.isVisible() and panel.button.hasFocus()
    assert not panel.details.isVisible()


def test_save_anyway_follows_the_backstage_on_edit(qtbot: Any, page: ConnectionsController, sandbox: Sandbox) -> None:
    select(page, "Standup Bot")
    dialog = page.edit_selected()
    assert dialog is not None
    form = dialog.form
    qtbot.mouseClick(form.validate_panel.button, LEFT)  # tried and refused: no longer the untouched state
    qtbot.waitUntil(lambda: form.validate_panel.state == "failed")
    form.name.selectAll()
    qtbot.keyClicks(form.name, "Standup Bot (renamed)")
    qtbot.mouseClick(form.save_button, LEFT)
    answer(qtbot, SAVE_ANYWAY_TITLE, "Cancel")
    qtbot.waitUntil(lambda: message_box(title=SAVE_ANYWAY_TITLE) is None)
    assert dialog.isVisible()

    select_again = page.dialog
    assert select_again is dialog
    form.client_id.setFocus()
    qtbot.keyClicks(form.client_id, "x")
    qtbot.keyClick(form.client_id, Qt.Key.Key_Backspace)  # typed and put back: still "dirty" to the backstage
    assert form.validate_panel.state == "dirty"
    qtbot.mouseClick(form.save_button, LEFT)
    answer(qtbot, SAVE_ANYWAY_TITLE, "Save anyway")
    qtbot.waitUntil(lambda: page.dialog is None)
    assert any(c.name == "Standup Bot (renamed)" for c in sandbox.state.connections())


def test_validating_a_stored_password_grant_asks_for_the_password(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    select(page, "Legacy Portal")
    dialog = page.edit_selected()
    assert dialog is not None
    panel = dialog.form.validate_panel
    qtbot.mouseClick(panel.button, LEFT)
    qtbot.waitUntil(lambda: password_prompt() is not None)
    prompt = password_prompt()
    assert prompt is not None and not prompt.validate_button.isEnabled()
    qtbot.mouseClick(prompt.buttons.button(prompt.buttons.StandardButton.Cancel), LEFT)
    qtbot.waitUntil(lambda: panel.state == "idle")  # cancelled: nothing asked of the server

    qtbot.mouseClick(panel.button, LEFT)
    qtbot.waitUntil(lambda: password_prompt() is not None)
    prompt = password_prompt()
    assert prompt is not None
    qtbot.keyClicks(prompt.password, "not-the-password")
    qtbot.mouseClick(prompt.validate_button, LEFT)
    qtbot.waitUntil(lambda: panel.state == "failed")
    assert panel.server.result is not None and not panel.server.result.ok

    panel.status.linkActivated.emit(TRY_AGAIN_LINK)
    qtbot.mouseClick(panel.button, LEFT)
    qtbot.waitUntil(lambda: password_prompt() is not None)
    prompt = password_prompt()
    assert prompt is not None
    qtbot.keyClicks(prompt.password, sandbox.demo_user["password"])
    qtbot.keyClick(prompt.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.state == "validated")
    assert dialog.form.password.kept  # the typed password went with the check only


def test_a_username_lost_on_create_is_said_and_put_back(
    qtbot: Any, page: ConnectionsController, sandbox: Sandbox
) -> None:
    sandbox.state.drop_credentials_on_create = True  # the open store's INSERT (docs/MATTERMOST.md §3)
    dialog = page.add()
    assert dialog is not None
    form = dialog.form
    qtbot.mouseClick(form.advanced_toggle, LEFT)
    form.grant.setCurrentIndex(form.grant.findData("password"))
    type_connection(qtbot, form, sandbox, "Portal", "https://partners.example.com/portal/*", "legacy-portal")
    qtbot.keyClicks(form.username, sandbox.demo_user["username"])
    qtbot.keyClicks(form.password.edit, sandbox.demo_user["password"])
    qtbot.mouseClick(form.save_button, LEFT)
    answer(qtbot, SAVE_ANYWAY_TITLE, "Save anyway")
    success = dialog.success
    qtbot.waitUntil(lambda: success.restore_button.isVisible())
    assert success.warning.text() == USERNAME_LOST
    created = next(c for c in sandbox.state.connections() if c.name == "Portal")
    assert created.credentials_username == "" and created.credentials_password == ""

    qtbot.mouseClick(success.restore_button, LEFT)
    qtbot.waitUntil(lambda: success.warning.text() == RESTORED)
    fixed = sandbox.state.connection(created.id)
    assert fixed is not None
    assert fixed.credentials_username == sandbox.demo_user["username"]
    assert fixed.credentials_password == sandbox.demo_user["password"]
    assert fixed.client_secret == sandbox.demo_client("legacy-portal").client_secret  # the stored secret was kept
    assert not success.restore_button.isVisible()
    assert success.username.text() == f"<b>Username</b>: {sandbox.demo_user['username']}"
    assert sandbox.demo_user["password"] not in " ".join(w.text() for w in success.findChildren(QLabel))


def test_setup_successful_shows_outside_text_as_text(qtbot: Any) -> None:
    page = SetupSuccessful()
    qtbot.addWidget(page)
    hostile = '<a href="file:///etc/passwd">x</a>'
    page.show_connection(
        Connection(
            name="n",
            client_id=hostile,
            oauth_token_url="https://h.example.com/t",
            audiences=(hostile,),
            grant_type="password",
            credentials_username=hostile,
        )
    )
    for label in (page.client_id, page.audiences, page.username):
        assert "&lt;a href=" in label.text() and "<a href" not in label.text()
