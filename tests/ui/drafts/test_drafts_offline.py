"""The Drafts page with no server at all: create, type, autosave, validate against a token endpoint, files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drafts_support import by_name, files_containing, make_page, open_draft, wait_action, wait_saved
from PySide6.QtCore import Qt
from support.ui_helpers import answer, run

from mmoauth_gui.core.drafts.model import DraftStatus, SecretState
from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.secrets import SecretStore
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.controller import CONNECT_TO_PULL, CONNECT_TO_PUSH, DELETE_TITLE
from mmoauth_gui.ui.drafts.model import NAME, SECRET, STATUS, VALIDATION

LEFT = Qt.MouseButton.LeftButton


def cell(page: Any, draft_id: str, column: int) -> str:
    row = page.model.row_of(draft_id)
    return str(page.model.index(row, column).data())


def test_create_type_autosave_validate_offline(qtbot: Any, ctx: AppContext, sandbox: Sandbox, data_dir: Path) -> None:
    """No session: the sandbox serves only as a token endpoint (a stand-in for the identity provider)."""
    assert ctx.session is None
    page = make_page(qtbot, ctx)
    assert page.showing_state() == "empty"
    client = sandbox.demo_clients[0]

    wait_action(qtbot, page, "new", lambda: qtbot.mouseClick(page.new_button, LEFT))
    editor = page.editor
    form = editor.form
    qtbot.waitUntil(lambda: page.controller.editing.draft_id != "" and editor.editing)
    draft_id = page.controller.editing.draft_id
    assert page.showing_state() == ""
    assert not form.save_button.isVisible() and not form.cancel_button.isVisible()

    qtbot.keyClicks(form.name, "Billing bot")
    qtbot.keyClicks(form.client_id, client["client_id"])
    qtbot.keyClicks(form.client_secret.edit, client["client_secret"])
    qtbot.keyClicks(form.token_url, sandbox.token_url)
    qtbot.keyClicks(form.audiences, "https://billing.example.com/*")
    qtbot.keyClicks(editor.note, "for the finance team")
    assert editor.saved.text() == "Unsaved changes…"
    wait_saved(qtbot, page)  # by the timer: nothing asked it to save
    assert editor.saved.text().startswith("All changes saved")

    file = data_dir / "data" / "drafts" / f"{draft_id}.json"
    if not file.exists():
        file = next(data_dir.rglob(f"{draft_id}.json"))
    body = json.loads(file.read_text())
    assert body["connection"]["name"] == "Billing bot"
    assert body["connection"]["audiences"] == ["https://billing.example.com/*"]
    assert body["note"] == "for the finance team"
    assert client["client_secret"] not in file.read_text()
    # No keyring on this machine: the secret is kept for the session, and the page says so.
    row = page.model.get(draft_id)
    assert row is not None and row.secret is SecretState.SESSION
    assert cell(page, draft_id, SECRET) == "Not stored"
    assert "Secret not stored" in editor.secret_state.text()
    assert cell(page, draft_id, NAME) == "Billing bot"
    assert cell(page, draft_id, STATUS) == DraftStatus.NEW.label
    assert cell(page, draft_id, VALIDATION) == "Not checked"

    # Validate from the list: the token endpoint answers, no Mattermost server involved.
    page.table.setFocus()
    wait_action(qtbot, page, "validate", page.controller.validate_selected)
    assert cell(page, draft_id, VALIDATION).startswith("Valid")
    assert "Token obtained" in page.message.text()
    assert "Valid" in editor.validation.text()

    # Changing a credential makes the validation stale (and says so), without a server.
    form.client_id.setFocus()
    qtbot.keyClicks(form.client_id, "-2")
    assert "Stale" in editor.validation.text()  # at once, not after the autosave
    wait_saved(qtbot, page)
    assert cell(page, draft_id, VALIDATION).startswith("Stale")
    assert "Stale" in editor.validation.text()

    # Push and pull say what they need.
    wait_action(qtbot, page, "push_cancelled", page.push_action.trigger)
    assert page.message.text() == CONNECT_TO_PUSH
    page.pull_action.trigger()
    assert page.message.text() == CONNECT_TO_PULL
    assert "Offline" in page.subtitle.text()

    # The validation from the form's own button is kept too.
    form.client_id.setText(client["client_id"])
    wait_saved(qtbot, page)
    with qtbot.waitSignal(page.controller.io.changed, check_params_cb=lambda r: r.draft.validation):
        qtbot.mouseClick(form.validate_panel.button, LEFT)
    assert cell(page, draft_id, VALIDATION).startswith("Valid")

    assert files_containing(data_dir, client["client_secret"]) == []


def test_duplicate_and_delete(qtbot: Any, ctx: AppContext) -> None:
    page = make_page(qtbot, ctx)
    wait_action(qtbot, page, "new", page.controller.new)
    form = page.editor.form
    qtbot.keyClicks(form.name, "Weather")
    qtbot.keyClicks(form.client_secret.edit, "s3cret-value")
    wait_saved(qtbot, page)

    wait_action(qtbot, page, "duplicate", page.controller.duplicate)
    copy = by_name(page, "Copy of Weather")
    qtbot.waitUntil(lambda: page.controller.editing.draft_id == copy.id)
    assert page.model.get(copy.id).secret is SecretState.SESSION  # the secret came along
    qtbot.waitUntil(lambda: form.name.text() == "Copy of Weather")
    assert form.client_secret.value() == "s3cret-value"

    page.controller.select(copy.id)
    task = page.controller.delete_selected()
    answer(qtbot, DELETE_TITLE, "Cancel")
    qtbot.waitUntil(task.done)
    assert page.model.row_of(copy.id) >= 0

    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "delete"):
        page.controller.delete_selected()
        answer(qtbot, DELETE_TITLE, "Delete")
    assert page.model.row_of(copy.id) < 0
    assert not page.editor.editing
    open_draft(qtbot, page, "Weather")


def test_validation_shows_progress_and_can_be_cancelled(qtbot: Any, ctx: AppContext) -> None:
    """A token URL that accepts the connection and never answers: Cancel stops the wait, nothing is recorded."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    try:
        page = make_page(qtbot, ctx)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/token"
        conn = Connection(name="Hangs", client_id="c", oauth_token_url=url, audiences=("https://h.example.com/",))
        run(qtbot, page.controller.io.create(connection=conn, client_secret="s"))
        draft = open_draft(qtbot, page, "Hangs")
        task = page.controller.validate_selected()
        assert task is not None
        qtbot.waitUntil(page.progress_row.isVisible)
        assert page.progress_label.text() == "Validating 0 of 1…"
        assert not page.validate_action.isEnabled()
        qtbot.mouseClick(page.cancel_button, LEFT)
        qtbot.waitUntil(task.done)
        assert task.cancelled()
        # the page tidies up in the task's done callback, which runs on the loop's next turn
        qtbot.waitUntil(lambda: not page.progress_row.isVisible())
        assert page.message.text() == "Validation cancelled after 0 of 1."
        assert page.validate_action.isEnabled()
        assert page.controller.io.known[draft.id].validation is None
    finally:
        silent.close()


def test_closing_the_window_saves_what_was_just_typed(qtbot: Any, ctx: AppContext) -> None:
    page = make_page(qtbot, ctx)
    page.controller.editing.buffer.delay = 60  # the timer would not save it in time
    wait_action(qtbot, page, "new", page.controller.new)
    draft_id = page.controller.editing.draft_id
    qtbot.keyClicks(page.editor.form.name, "Typed at the last second")
    assert page.controller.editing.dirty
    page.page_closing()
    store = DraftStore(ctx.paths, SecretStore())
    assert store.get(draft_id).name == "Typed at the last second"
