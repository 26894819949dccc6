"""The Drafts page against the demo sandbox over loopback: push, conflicts and each way out, pull, copy to drafts."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from drafts_support import by_name, files_containing, make_page, open_draft, wait_action, wait_saved
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from support.ui_helpers import answer, run

from mmoauth_gui.core.drafts.model import DraftStatus, SecretState
from mmoauth_gui.core.model import Connection
from mmoauth_gui.logs import setup_logging
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.ui.connection_form.texts import AUDIENCE_CHANGE_TEXT, AUDIENCE_CHANGE_TITLE
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.conflict_dialog import ConflictDialog
from mmoauth_gui.ui.drafts.page import DraftsPage, create_page
from mmoauth_gui.ui.drafts.pull_dialog import PullDialog
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.runtime.settings import ui_settings

LEFT = Qt.MouseButton.LeftButton


def server_copy(sandbox: Sandbox, name: str) -> Connection:
    return next(c for c in sandbox.state.connections() if c.name == name)


def pushed_draft(
    qtbot: Any, page: DraftsPage, sandbox: Sandbox, name: str = "Ledger", audience: str = "https://ledger.example.com/*"
) -> str:
    """A draft made offline, pushed: returns its id (its connection is now on the sandbox)."""
    client = sandbox.demo_clients[0]
    conn = Connection(
        name=name,
        client_id=client["client_id"],
        oauth_token_url=sandbox.token_url,
        audiences=(audience,),
    )
    row = run(qtbot, page.controller.io.create(connection=conn, client_secret=client["client_secret"]))
    open_draft(qtbot, page, name)
    wait_action(qtbot, page, "push", page.controller.sync.push_selected)
    assert page.controller.io.known[row.id].status is DraftStatus.IN_SYNC
    return row.id


def change_on_server(sandbox: Sandbox, current_name: str, **changes: Any) -> Connection:
    return sandbox.state.replace_connection(server_copy(sandbox, current_name).with_changes(**changes))


def edit_audiences(qtbot: Any, page: DraftsPage, text: str) -> None:
    audiences = page.editor.form.audiences
    audiences.setFocus()
    audiences.selectAll()
    qtbot.keyClicks(audiences, text)
    wait_saved(qtbot, page)


def conflict_on_push(qtbot: Any, page: DraftsPage) -> ConflictDialog:
    with qtbot.waitSignal(page.controller.sync.conflict_shown) as blocker:
        page.controller.sync.push_selected()
    dialog = blocker.args[0]
    assert isinstance(dialog, ConflictDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


@pytest.fixture
def page(qtbot: Any, demo_ctx: AppContext) -> DraftsPage:
    return make_page(qtbot, demo_ctx)


@pytest.fixture
def app_log(ctx: AppContext) -> Iterator[Path]:
    """The app's log file, at debug level, under the test's data folder (so the secrets scan covers it)."""
    handler = setup_logging(ctx.paths.log_file, level=logging.DEBUG)
    yield ctx.paths.log_file
    logging.getLogger("mmoauth_gui").removeHandler(handler)
    handler.close()


def test_push_creates_then_updates_without_resending_the_secret(
    qtbot: Any, app_log: Path, page: DraftsPage, sandbox: Sandbox, data_dir: Path
) -> None:
    draft_id = pushed_draft(qtbot, page, sandbox)
    secret = sandbox.demo_clients[0]["client_secret"]
    created = server_copy(sandbox, "Ledger")
    assert created.client_secret == secret
    assert "Created “Ledger” on Demo sandbox (with the draft's secret)" in page.message.text()
    assert page.model.get(draft_id).draft.status is DraftStatus.IN_SYNC
    assert "In sync" in page.editor.status.text()

    edit_audiences(qtbot, page, "https://ledger.example.com/v2/*")
    assert page.controller.io.known[draft_id].status is DraftStatus.MODIFIED

    def push_and_update() -> None:  # an audience change asks, as the Edit dialog does
        page.controller.sync.push_selected()
        answer(qtbot, AUDIENCE_CHANGE_TITLE, "Update")

    wait_action(qtbot, page, "push", push_and_update)
    updated = server_copy(sandbox, "Ledger")
    assert updated.id == created.id and updated.audiences == ("https://ledger.example.com/v2/*",)
    assert updated.client_secret == secret
    assert "Updated “Ledger”" in page.message.text() and "the server's secret kept" in page.message.text()

    wait_action(qtbot, page, "push", page.controller.sync.push_selected)
    assert "nothing to push" in page.message.text()
    assert app_log.exists() and "pushed to" in app_log.read_text()  # the log was written, without the secret
    assert files_containing(data_dir, secret) == []


def test_connecting_checks_the_drafts_against_the_server_in_the_background(
    qtbot: Any, page: DraftsPage, demo_ctx: AppContext, sandbox: Sandbox
) -> None:
    # Checked first (drafts are checked in the order they were made), then Ledger.
    untouched_id = pushed_draft(qtbot, page, sandbox, "Untouched", "https://untouched.example.com/*")
    draft_id = pushed_draft(qtbot, page, sandbox)
    change_on_server(sandbox, "Ledger", audiences=("https://ledger.example.com/changed-on-server/*",))
    session = demo_ctx.session
    assert session is not None
    known = page.controller.io.known
    assert known[draft_id].status is DraftStatus.IN_SYNC  # nothing looked yet

    run(qtbot, demo_ctx.connect_to(session.profile, sandbox.admin_token, demo=True))  # connecting again
    qtbot.waitUntil(lambda: known[draft_id].status is DraftStatus.CONFLICT)  # no push, no click
    assert known[untouched_id].status is DraftStatus.IN_SYNC
    row = page.model.get(draft_id)
    assert row is not None and row.draft.status is DraftStatus.CONFLICT
    qtbot.waitUntil(page.editor.conflict.isVisible)  # Ledger is the draft open in the editor
    assert server_copy(sandbox, "Ledger").audiences == ("https://ledger.example.com/changed-on-server/*",)


def test_conflict_keep_mine(qtbot: Any, page: DraftsPage, sandbox: Sandbox) -> None:
    draft_id = pushed_draft(qtbot, page, sandbox)
    change_on_server(sandbox, "Ledger", name="Ledger (server)")
    edit_audiences(qtbot, page, "https://ledger.example.com/mine/*")

    dialog = conflict_on_push(qtbot, page)
    assert server_copy(sandbox, "Ledger (server)").audiences == ("https://ledger.example.com/*",)  # untouched
    assert page.controller.io.known[draft_id].status is DraftStatus.CONFLICT
    qtbot.waitUntil(page.editor.conflict.isVisible)
    assert "changed since your last pull or push" in page.editor.conflict.text.text()
    assert {d.field for d in dialog.conflict.differences} == {"name", "audiences"}
    assert dialog.choices() == {"name": "theirs", "audiences": "mine"}  # each side changed one field

    # Decide later: nothing is written, the draft stays in conflict; its banner reopens the comparison.
    qtbot.mouseClick(dialog.later, LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.controller.io.known[draft_id].status is DraftStatus.CONFLICT
    with qtbot.waitSignal(page.controller.sync.conflict_shown) as blocker:
        qtbot.mouseClick(page.editor.conflict.button, LEFT)
    dialog = blocker.args[0]
    qtbot.waitUntil(dialog.isVisible)

    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "push"):
        qtbot.mouseClick(dialog.keep_mine, LEFT)
    conn = sandbox.state.connection(page.controller.io.known[draft_id].origin.connection_id)
    assert (conn.name, conn.audiences) == ("Ledger", ("https://ledger.example.com/mine/*",))
    assert page.controller.io.known[draft_id].status is DraftStatus.IN_SYNC
    qtbot.waitUntil(lambda: not page.editor.conflict.isVisible())


def test_conflict_take_theirs(qtbot: Any, page: DraftsPage, sandbox: Sandbox) -> None:
    draft_id = pushed_draft(qtbot, page, sandbox)
    change_on_server(sandbox, "Ledger", name="Ledger (server)", audiences=("https://ledger.example.com/srv/*",))
    edit_audiences(qtbot, page, "https://ledger.example.com/mine/*")

    dialog = conflict_on_push(qtbot, page)
    assert dialog.choices() == {"name": "theirs"} and dialog.undecided() == ["audiences"]  # both changed it
    assert not dialog.merge.isEnabled()
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "take_theirs"):
        qtbot.mouseClick(dialog.take_theirs, LEFT)
    draft = page.controller.io.known[draft_id]
    assert draft.status is DraftStatus.IN_SYNC and draft.name == "Ledger (server)"
    assert draft.connection.audiences == ("https://ledger.example.com/srv/*",)
    form = page.editor.form
    qtbot.waitUntil(lambda: form.name.text() == "Ledger (server)")  # the editor shows the server's copy
    assert form.audiences.toPlainText() == "https://ledger.example.com/srv/*"
    assert server_copy(sandbox, "Ledger (server)").audiences == ("https://ledger.example.com/srv/*",)


def test_conflict_merge_field_by_field(qtbot: Any, page: DraftsPage, sandbox: Sandbox) -> None:
    draft_id = pushed_draft(qtbot, page, sandbox)
    change_on_server(sandbox, "Ledger", name="Ledger (server)", audiences=("https://ledger.example.com/srv/*",))
    edit_audiences(qtbot, page, "https://ledger.example.com/mine/*")

    dialog = conflict_on_push(qtbot, page)
    dialog.choose("audiences", "mine")
    assert dialog.merge.isEnabled()
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "push"):
        qtbot.mouseClick(dialog.merge, LEFT)
    conn = server_copy(sandbox, "Ledger (server)")
    assert conn.audiences == ("https://ledger.example.com/mine/*",)  # mine for audiences, theirs for the name
    draft = page.controller.io.known[draft_id]
    assert draft.status is DraftStatus.IN_SYNC and draft.name == "Ledger (server)"


def test_pull_as_draft_and_copy_from_the_connections_tab(qtbot: Any, demo_ctx: AppContext, sandbox: Sandbox) -> None:
    window = MainWindow(demo_ctx, ui_settings(demo_ctx.paths), with_pages=False)
    qtbot.addWidget(window)
    page = create_page(demo_ctx, window)
    assert isinstance(page, DraftsPage)
    window.set_page("drafts", page)
    window.resize(1300, 800)
    window.show()
    qtbot.waitUntil(lambda: window.connections_view.model.rowCount() == 8 and page.controller.loaded)

    # Pull as draft… from the Drafts page: a picker of the server's connections.
    dialog = page.controller.sync.open_pull()
    assert isinstance(dialog, PullDialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 8)
    ci = server_copy(sandbox, "CI Hooks")
    dialog.select(ci.id)
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "pull"):
        qtbot.mouseClick(dialog.pull_button, LEFT)
    draft = by_name(page, "CI Hooks")
    assert draft.status is DraftStatus.IN_SYNC and draft.origin is not None and draft.origin.connection_id == ci.id
    assert page.model.get(draft.id).secret is SecretState.NOT_NEEDED
    qtbot.waitUntil(lambda: page.controller.editing.draft_id == draft.id and page.editor.editing)
    assert page.editor.form.client_secret.kept  # the server keeps its own secret
    wait_action(qtbot, page, "validate", page.controller.validate_selected)  # nothing to send: said, not "refused"
    assert "no client secret is held here" in page.message.text()
    assert page.controller.io.known[draft.id].validation is None

    # Copy to drafts from the Connections tab: the same pull, then the Drafts tab comes to the front.
    action = window.actions_by_name["copy_to_drafts"]
    window.show_page("connections")
    pager = server_copy(sandbox, "Pager")
    window.connections.select(pager.id)
    assert action.isEnabled()
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "pull"):
        action.trigger()
    assert window.tabs.currentWidget() is page
    assert by_name(page, "Pager").origin is not None

    # Pulling the same connection again refreshes the one draft instead of making another.
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "pull"):
        page.controller.sync.pull(pager)
    assert len([d for d in page.controller.io.known.values() if d.name == "Pager"]) == 1
    assert "already the same" in page.message.text()


def test_the_selected_draft_shows_its_what_if(qtbot: Any, demo_ctx: AppContext, sandbox: Sandbox) -> None:
    from mmoauth_gui.core.preview.diff import ChangeKind
    from mmoauth_gui.ui.preview.page import create_page as create_preview_page

    window = MainWindow(demo_ctx, ui_settings(demo_ctx.paths), with_pages=False)
    qtbot.addWidget(window)
    preview = create_preview_page(demo_ctx, window)
    window.set_page("preview", preview)
    page = create_page(demo_ctx, window)
    assert isinstance(page, DraftsPage)
    window.set_page("drafts", page)
    window.resize(1300, 900)
    window.show()
    window.show_page("drafts")
    panel = page.controller.editing.what_if
    assert panel is not None
    qtbot.waitUntil(lambda: demo_ctx.preview_state.data is not None and page.controller.loaded)

    kb = Connection(name="Knowledge base", client_id="kb", oauth_token_url=sandbox.token_url, audiences=())
    run(qtbot, page.controller.io.create(connection=kb))
    open_draft(qtbot, page, "Knowledge base")
    qtbot.waitUntil(panel.isVisible)
    assert panel.summary.text().startswith("Type the audience URLs")
    qtbot.keyClicks(page.editor.form.audiences, "https://kb.example.com/*")
    assert [line.split(" — ")[0] for line in panel.groups[ChangeKind.GAINED]] == ["/faq"]

    # A pulled draft compares with its server copy: unchanged audiences change nothing.
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "pull"):
        page.controller.sync.pull(server_copy(sandbox, "CI Hooks"))
    qtbot.waitUntil(lambda: page.editor.form.name.text() == "CI Hooks")
    assert panel.summary.text() == "The audiences are unchanged: no slash command would change."


def test_a_connection_deleted_on_the_server_can_be_created_again(
    qtbot: Any, page: DraftsPage, sandbox: Sandbox
) -> None:
    draft_id = pushed_draft(qtbot, page, sandbox)
    old_id = server_copy(sandbox, "Ledger").id
    sandbox.state.delete_connection(old_id)
    edit_audiences(qtbot, page, "https://ledger.example.com/again/*")
    dialog = conflict_on_push(qtbot, page)
    assert (
        dialog.conflict.deleted
        and "was deleted on the server" in dialog.windowTitle() + dialog.findChild(QLabel, "conflictHeadline").text()
    )
    assert not dialog.take_theirs.isEnabled() and not dialog.merge.isEnabled()
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "push"):
        qtbot.mouseClick(dialog.keep_mine, LEFT)
    again = server_copy(sandbox, "Ledger")
    assert again.id != old_id and again.audiences == ("https://ledger.example.com/again/*",)
    assert again.client_secret == sandbox.demo_clients[0]["client_secret"]  # the draft's secret, sent to create it
    assert page.controller.io.known[draft_id].origin.connection_id == again.id


def test_export_the_servers_connections_as_drafts(
    qtbot: Any, page: DraftsPage, sandbox: Sandbox, tmp_path: Path
) -> None:
    out = tmp_path / "server.json"
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "export_server"):
        page.controller.exchange.export_server_to(out)
    text = out.read_text()
    assert sorted(d["name"] for d in json.loads(text)["drafts"]) == sorted(c.name for c in sandbox.state.connections())
    assert not any(c.client_secret in text for c in sandbox.state.connections())
    assert "Exported 8 connections of Demo sandbox" in page.message.text()


def test_push_and_pull_write_no_file_on_the_gui_thread(
    qtbot: Any, page: DraftsPage, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every draft write behind a push, an update, a conflict and a pull fsyncs in a worker thread."""
    gui_thread = threading.current_thread()
    fsync_threads: list[threading.Thread] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        fsync_threads.append(threading.current_thread())
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    draft_id = pushed_draft(qtbot, page, sandbox)
    change_on_server(sandbox, "Ledger", name="Ledger (server)")
    edit_audiences(qtbot, page, "https://ledger.example.com/mine/*")
    conflict_on_push(qtbot, page)
    assert page.controller.io.known[draft_id].status is DraftStatus.CONFLICT
    assert fsync_threads, "the drafts were written"
    assert gui_thread not in fsync_threads


def test_a_push_changing_audiences_asks_as_the_edit_dialog_does(
    qtbot: Any, demo_ctx: AppContext, sandbox: Sandbox
) -> None:
    window = MainWindow(demo_ctx, ui_settings(demo_ctx.paths))  # with the Slash commands preview
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    page = window.page("drafts")
    assert isinstance(page, DraftsPage)
    qtbot.waitUntil(lambda: page.controller.loaded and demo_ctx.preview_state is not None)
    state = demo_ctx.preview_state
    qtbot.waitUntil(lambda: state is not None and state.data is not None)
    pager = server_copy(sandbox, "Pager")
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "pull"):
        page.controller.sync.pull(pager)
    window.show_page("drafts")
    open_draft(qtbot, page, "Pager")
    edit_audiences(qtbot, page, "https://pager.example.com/api/v2/*")

    def push_then(button: str) -> Any:
        def start() -> None:
            page.controller.sync.push_selected()
            box = answer(qtbot, AUDIENCE_CHANGE_TITLE, button)
            assert box.text() == AUDIENCE_CHANGE_TEXT
            assert box.informativeText() == "1 slash command would lose its token: /oncall (Engineering)."
            assert "/oncall" in box.detailedText()

        return start

    wait_action(qtbot, page, "push_cancelled", push_then("Cancel"))
    assert server_copy(sandbox, "Pager").audiences == pager.audiences  # nothing reached the server
    wait_action(qtbot, page, "push", push_then("Update"))
    assert server_copy(sandbox, "Pager").audiences == ("https://pager.example.com/api/v2/*",)
