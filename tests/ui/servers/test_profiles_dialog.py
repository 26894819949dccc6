"""Server profiles: add, test (401, 403, 501 off / unlicensed, unreachable), sign in with MFA, remove."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from support.ui_helpers import answer, run

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.storage.secrets import SecretKind
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.servers.dialog import ProfilesDialog

LEFT = Qt.MouseButton.LeftButton


def fill(qtbot: Any, dialog: ProfilesDialog, url: str, token: str, name: str = "Sandbox") -> None:
    qtbot.keyClicks(dialog.name, name)
    qtbot.keyClicks(dialog.url, url)
    qtbot.keyClicks(dialog.token.edit, token)


def run_test(qtbot: Any, dialog: ProfilesDialog) -> str:
    qtbot.mouseClick(dialog.test_button, LEFT)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled() and dialog._test is not None)
    return dialog.results.text()


def test_says_tokens_stay_for_the_session_without_a_keyring(dialog: ProfilesDialog) -> None:
    assert not dialog.ctx.secrets.persistent  # this machine has no OS keyring
    assert dialog.keyring_note.isVisible()
    assert "kept for this session only" in dialog.keyring_note.text()
    assert dialog.keyring_note.text().count("keyring") == 1  # said once


def test_add_test_and_save_a_token_profile(qtbot: Any, dialog: ProfilesDialog, sandbox: Sandbox) -> None:
    fill(qtbot, dialog, sandbox.url, sandbox.admin_token)
    text = run_test(qtbot, dialog)
    assert "Reached Mattermost 9." in text
    assert "Signed in as sysadmin" in text and "system admin" in text
    assert "may manage outgoing OAuth connections" in text and "8 connections" in text
    assert dialog.team.count() >= 2 and dialog.team.isEnabled()
    dialog.team.setCurrentIndex(dialog.team.findText("Customer Support"))

    with qtbot.waitSignal(dialog.connect_requested) as connect:
        qtbot.mouseClick(dialog.connect_button, LEFT)
    profile, token = connect.args
    assert profile == Profile(name="Sandbox", url=sandbox.url, team_id=profile.team_id, team_name="support")
    assert token == sandbox.admin_token
    stored = dialog.ctx.profiles.load()
    assert stored == [profile]
    assert dialog.ctx.secrets.get(SecretKind.SERVER_TOKEN, "Sandbox") == sandbox.admin_token
    assert sandbox.admin_token not in dialog.ctx.paths.profiles_file.read_text()


def test_refused_token_is_a_401_with_what_to_do(qtbot: Any, dialog: ProfilesDialog, sandbox: Sandbox) -> None:
    fill(qtbot, dialog, sandbox.url, "not-a-token")
    text = run_test(qtbot, dialog)
    assert "The token was refused (HTTP 401): it has expired" in text and text.count("The token was refused") == 1
    assert "Personal Access Tokens" in text


def test_team_without_permission_is_a_403(qtbot: Any, dialog: ProfilesDialog, sandbox: Sandbox) -> None:
    fill(qtbot, dialog, sandbox.url, sandbox.user_token)
    text = run_test(qtbot, dialog)
    assert "not a system admin" in text and "manage_outgoing_oauth_connections" in text
    dialog.team.setCurrentIndex(dialog.team.findText("Customer Support"))  # a plain member there
    text = run_test(qtbot, dialog)
    assert "No permission" in text and "403" in text


@pytest.mark.parametrize(
    ("feature", "label", "advice"),
    [
        ("off", "Turned off on the server", "ServiceSettings.EnableOutgoingOAuthConnections = true"),
        ("unlicensed", "Needs an Enterprise licence", "Professional is not enough"),
    ],
)
def test_501_says_disabled_or_unlicensed(
    qtbot: Any, dialog: ProfilesDialog, sandbox: Sandbox, feature: str, label: str, advice: str
) -> None:
    sandbox.feature = feature
    fill(qtbot, dialog, sandbox.url, sandbox.admin_token)
    text = run_test(qtbot, dialog)
    assert "Signed in as sysadmin" in text
    assert label in text and advice in text and "501" in text


def test_unreachable_server(qtbot: Any, dialog: ProfilesDialog) -> None:
    fill(qtbot, dialog, "http://127.0.0.1:9", "whatever")
    text = run_test(qtbot, dialog)
    assert "127.0.0.1:9" in text and "connection refused" in text
    assert "Check the server URL" in text


def test_password_sign_in_with_mfa(qtbot: Any, dialog: ProfilesDialog, sandbox: Sandbox) -> None:
    mfa = sandbox.info["mfa_user"]
    qtbot.keyClicks(dialog.name, "MFA")
    qtbot.keyClicks(dialog.url, sandbox.url)
    qtbot.mouseClick(dialog.by_password, LEFT)
    assert dialog.username.isVisible() and not dialog.token.isVisible()
    qtbot.keyClicks(dialog.username, mfa["login_id"])
    qtbot.keyClicks(dialog.password, mfa["password"])
    text = run_test(qtbot, dialog)
    assert "MFA code" in text
    qtbot.keyClicks(dialog.mfa, mfa["mfa_code"])
    text = run_test(qtbot, dialog)
    assert "Signed in as mfa-admin" in text
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: dialog.ctx.profiles.get("MFA") is not None)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    token = dialog.ctx.secrets.get(SecretKind.SERVER_TOKEN, "MFA")
    assert token and token != mfa["password"]  # the session token, never the password
    assert mfa["password"] not in dialog.ctx.paths.profiles_file.read_text()


def test_edit_keeps_the_stored_token_and_remove_asks(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    ctx.profiles.save(Profile(name="Kept", url=sandbox.url))
    ctx.secrets.set(SecretKind.SERVER_TOKEN, "Kept", sandbox.admin_token)
    dlg = ProfilesDialog(ctx, select="Kept")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg._current is not None)
    assert dlg.token.kept and dlg.token.masked.isVisible()
    text = run_test(qtbot, dlg)  # tests with the stored token
    assert "Signed in as sysadmin" in text
    qtbot.mouseClick(dlg.remove_button, LEFT)
    answer(qtbot, "Remove server profile", "Remove")
    qtbot.waitUntil(lambda: ctx.profiles.get("Kept") is None)
    qtbot.waitUntil(lambda: dlg.remove_button.isEnabled() is False and dlg.list.count() == 0)
    assert ctx.secrets.get(SecretKind.SERVER_TOKEN, "Kept") is None


def test_a_stored_token_is_not_sent_to_an_edited_address(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    """Issue 17: a profile's token belongs to the origin it was saved for, not to the profile's name."""
    other = Sandbox(seed="empty")
    other.start()
    try:
        ctx.profiles.save(Profile(name="Kept", url=sandbox.url))
        ctx.secrets.set(SecretKind.SERVER_TOKEN, "Kept", sandbox.admin_token)
        dlg = ProfilesDialog(ctx, select="Kept")
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitUntil(lambda: dlg._current is not None)
        dlg.url.setText(other.url)
        assert dlg.test() is None and dlg.save(connect=False) is None
        assert "it is not sent to another address" in dlg.error.text() and "Paste the token" in dlg.error.text()
        dlg.url.setText(sandbox.url + "/")  # the same origin, written differently: the token still applies
        assert "Signed in as sysadmin" in run_test(qtbot, dlg)
    finally:
        other.stop()


def test_switching_to_a_password_moves_nothing_below(qtbot: Any, dialog: ProfilesDialog) -> None:
    def top() -> int:
        return dialog.test_button.mapTo(dialog, dialog.test_button.rect().topLeft()).y()

    before = top()
    qtbot.mouseClick(dialog.by_password, LEFT)
    qtbot.waitUntil(dialog.username.isVisible)
    for _ in range(5):  # let the layout settle, as a window does between frames
        qtbot.wait(10)
    assert top() == before
    qtbot.mouseClick(dialog.by_token, LEFT)
    qtbot.waitUntil(dialog.token.isVisible)
    for _ in range(5):
        qtbot.wait(10)
    assert top() == before


def test_the_team_reads_as_the_server_bar_shows_it(qtbot: Any, ctx: AppContext, sandbox: Sandbox) -> None:
    team = sandbox.state.team_by_name("engineering")
    assert team is not None
    profile = Profile(name="Local", url=sandbox.url, team_id=team.id, team_name="engineering")
    ctx.profiles.save(profile)
    run(qtbot, ctx.connect_to(profile, sandbox.admin_token))
    dlg = ProfilesDialog(ctx, select="Local")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg._current is not None)
    assert dlg.team.currentText() == "Engineering"
