"""A password-grant draft on the Drafts page, as a person makes it: typed in the editor, validated against the
token endpoint's password-grant user, pushed (created), renamed and pushed again (updated): the server keeps
the secret and the password the update did not resend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from drafts_support import files_containing, make_page, wait_action, wait_saved
from PySide6.QtCore import Qt
from support.ui_helpers import type_password_grant

from mmoauth_gui.core.drafts.model import DraftStatus
from mmoauth_gui.core.model import GrantType
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.context import AppContext

LEFT = Qt.MouseButton.LeftButton


def test_a_password_grant_draft_is_typed_validated_created_and_renamed(
    qtbot: Any, demo_ctx: AppContext, sandbox: Sandbox, data_dir: Path
) -> None:
    user = sandbox.demo_user
    page = make_page(qtbot, demo_ctx)
    wait_action(qtbot, page, "new", lambda: qtbot.mouseClick(page.new_button, LEFT))
    form = page.editor.form
    qtbot.waitUntil(lambda: page.controller.editing.draft_id != "" and page.editor.editing)
    draft_id = page.controller.editing.draft_id

    client = type_password_grant(qtbot, form, sandbox, "Legacy CRM", "https://crm.example.com/*")
    qtbot.keyClicks(form.username, user["username"])
    qtbot.keyClicks(form.password.edit, user["password"])
    wait_saved(qtbot, page)
    saved = page.controller.io.known[draft_id]
    assert saved.connection.grant_type == GrantType.PASSWORD
    assert saved.connection.credentials_username == user["username"]

    wait_action(qtbot, page, "validate", page.controller.validate_selected)
    assert "Token obtained" in page.message.text()

    wait_action(qtbot, page, "push", page.controller.sync.push_selected)
    assert page.controller.io.known[draft_id].status is DraftStatus.IN_SYNC
    created = next(c for c in sandbox.state.connections() if c.name == "Legacy CRM")
    assert (created.grant_type, created.credentials_username, created.credentials_password, created.client_secret) == (
        GrantType.PASSWORD,
        user["username"],
        user["password"],
        client["client_secret"],
    )

    form.name.setFocus()
    form.name.selectAll()
    qtbot.keyClicks(form.name, "Legacy CRM (renamed)")
    wait_saved(qtbot, page)
    wait_action(qtbot, page, "push", page.controller.sync.push_selected)
    updated = sandbox.state.connection(created.id)
    assert updated is not None and updated.name == "Legacy CRM (renamed)"
    assert (updated.credentials_username, updated.credentials_password, updated.client_secret) == (
        user["username"],
        user["password"],
        client["client_secret"],
    )
    assert page.controller.io.known[draft_id].status is DraftStatus.IN_SYNC
    for secret in (user["password"], client["client_secret"]):
        assert files_containing(data_dir, secret) == []
