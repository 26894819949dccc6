"""The Slash commands page against the demo sandbox over loopback: sync, statuses, filters, per-team errors,
the offline copy, "Used by" in the connections list, the delete and audience-change confirmations, export."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QFileDialog
from support.ui_helpers import answer, message_box, run, window_with_preview

from mmoauth_gui.core.model import IntegrationKind
from mmoauth_gui.core.preview.build import Status
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.preview_fetch import sync
from mmoauth_gui.storage.preview_cache import PreviewCache
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.connection_form.texts import AUDIENCE_CHANGE_TITLE
from mmoauth_gui.ui.connections.controller import DELETE_TITLE
from mmoauth_gui.ui.connections.model import USED_BY
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.preview.page import PreviewPage
from mmoauth_gui.ui.preview.state import build_data
from mmoauth_gui.ui.runtime.settings import ui_settings
from mmoauth_gui.ui.runtime.signin import ConnectState

# What the demo seed gives its system admin (docs/MATTERMOST.md §5 matching, the sandbox's answers).
DEMO_STATUSES = {
    "build": Status.LINKED,
    "deploy": Status.LINKED,
    "rollback": Status.LINKED,
    "oncall": Status.LINKED,
    "standup": Status.LINKED,
    "jira": Status.UNLINKED,
    "weather": Status.UNLINKED,
    "escalate": Status.LINKED,
    "refund": Status.LINKED,
    "faq": Status.UNLINKED,
    "status": Status.UNLINKED,
    "ticket": Status.AMBIGUOUS,
    "report": Status.LINKED,
    "campaign": Status.LINKED,
    "social": Status.UNLINKED,
    "hello": Status.LINKED,  # the demo integration: “Reports”
    "hello-refused": Status.LINKED,  # the demo integration: “Standup Bot”, whose secret is refused
}
# The demo's outgoing webhooks, one row per callback URL.
DEMO_WEBHOOK_STATUSES = {
    "Deploy notifier (callback 1)": Status.LINKED,
    "Deploy notifier (callback 2)": Status.LINKED,
    "Standup digest": Status.LINKED,
    "Weather alerts": Status.UNLINKED,
}


def open_window(qtbot: Any, ctx: AppContext) -> tuple[MainWindow, PreviewPage]:
    return window_with_preview(qtbot, ctx)


def synced(page: PreviewPage) -> bool:
    return page.preview_state.data is not None and not page.syncer.running


@pytest.fixture
def window(qtbot: Any, demo_ctx: AppContext) -> MainWindow:
    win, page = open_window(qtbot, demo_ctx)
    qtbot.waitUntil(lambda: synced(page) and win.connections_view.model.rowCount() == 8)
    return win


def page_of(window: MainWindow) -> PreviewPage:
    page = window.page("preview")
    assert isinstance(page, PreviewPage)
    return page


def shown(page: PreviewPage) -> dict[str, Status]:
    """The slash commands shown, by trigger (webhook rows: ``shown_webhooks``)."""
    return {r.trigger: r.status for r in page.controller.shown_rows() if r.kind is IntegrationKind.COMMAND}


def shown_webhooks(page: PreviewPage) -> dict[str, Status]:
    return {r.label: r.status for r in page.controller.shown_rows() if r.kind is IntegrationKind.WEBHOOK}


def conn_id(window: MainWindow, name: str) -> str:
    return next(c.id for c in window.connections_view.model.connections() if c.name == name)


def test_first_sync_shows_every_command_with_its_status(qtbot: Any, window: MainWindow) -> None:
    page = page_of(window)
    assert shown(page) == DEMO_STATUSES
    assert shown_webhooks(page) == DEMO_WEBHOOK_STATUSES
    assert page.subtitle.text().startswith("Synced just now · http://127.0.0.1:")
    assert page.status_buttons["all"].text() == "All 21"
    assert page.status_buttons[Status.LINKED].text() == "Linked 14"
    assert page.status_buttons[Status.UNLINKED].text() == "Unlinked 6"
    assert page.status_buttons[Status.AMBIGUOUS].text() == "Ambiguous 1"
    assert page.status_buttons[Status.MISMATCH].text() == "Mismatch 0"
    assert page.showing_state() == "" and not page.problems.isVisibleTo(page)
    # the server was asked per URL (the default): its answer stands beside the prediction
    ticket = next(r for r in page.model.rows() if r.trigger == "ticket")
    assert ticket.verdict.server_known and page.model.server_text(ticket) == "Helpdesk"
    warnings = [page.warnings.item(i).text() for i in range(page.warnings.count())]
    assert (
        page.warnings_title.text() == "Warnings (9)"
    )  # 4 before the demo integration: its 4 http:// URLs, 1 split webhook
    assert any(
        "https://pager.example.com/api/ack" in w and "matches no command or webhook callback URL" in w for w in warnings
    )
    assert any("“Helpdesk”, “Helpdesk (legacy ticket)”" in w and "/ticket" in w for w in warnings)
    assert any(w == "Connection “Legacy Portal” is used by no command and no webhook callback." for w in warnings)
    assert page.preview_state.cache.path_for(page.preview_state.server_url).exists()


def test_filters_and_counts(qtbot: Any, window: MainWindow) -> None:
    page = page_of(window)
    page.team_combo.setCurrentIndex(page.team_combo.findText("Engineering"))
    engineering = {"build", "deploy", "rollback", "oncall", "standup", "jira", "weather", "hello", "hello-refused"}
    assert set(shown(page)) == engineering and shown_webhooks(page) == DEMO_WEBHOOK_STATUSES
    assert page.status_buttons["all"].text() == "All 13"  # 9 commands, 4 webhook callbacks
    assert page.status_buttons[Status.UNLINKED].text() == "Unlinked 3"

    page.status_buttons[Status.UNLINKED].click()
    assert set(shown(page)) == {"jira", "weather"} and set(shown_webhooks(page)) == {"Weather alerts"}
    assert page.status_buttons[Status.LINKED].text() == "Linked 10"  # counts ignore the status filter

    page.team_combo.setCurrentIndex(0)
    page.status_buttons["all"].click()
    page.connection_combo.setCurrentIndex(page.connection_combo.findData(conn_id(window, "CI Hooks")))
    assert page.connection_combo.currentText() == "CI Hooks (3)"
    assert set(shown(page)) == {"build", "deploy", "rollback"}

    page.controller.clear_filters()
    qtbot.keyClicks(page.search, "helpdesk")
    assert set(shown(page)) == {"escalate", "ticket"}
    qtbot.keyClicks(page.search, " nothing-like-this")
    assert page.showing_state() == "empty" and page.state.title.text() == "No command matches these filters"
    page.state.action_buttons()[0].click()  # Clear filters
    assert len(shown(page)) == 17 and page.showing_state() == ""

    legacy = conn_id(window, "Legacy Portal")
    page.controller.show_connection(legacy)
    assert page.state.title.text() == "No slash command uses “Legacy Portal”"


def test_a_warning_leads_to_what_it_is_about(qtbot: Any, window: MainWindow) -> None:
    page = page_of(window)
    overlap = next(
        page.warnings.item(i) for i in range(page.warnings.count()) if "all match" in page.warnings.item(i).text()
    )
    page.warnings.itemActivated.emit(overlap)
    assert shown(page) == {"ticket": Status.AMBIGUOUS}
    assert page.status_filter() is Status.AMBIGUOUS
    selected = page.controller.selected()
    assert selected is not None and selected.trigger == "ticket"


def test_selecting_a_command_explains_it_and_links_its_connections(qtbot: Any, window: MainWindow) -> None:
    page = page_of(window)
    ticket = next(r for r in page.model.rows() if r.trigger == "ticket")
    assert page.controller.select(ticket.command_id)
    text = page.details.toPlainText()
    assert "Ambiguous — 2 connections match" in text
    assert "Helpdesk — audience https://helpdesk.example.com/api/*" in text
    assert "The server's answer: Helpdesk" in text
    legacy = conn_id(window, "Helpdesk (legacy ticket)")
    page.details.anchorClicked.emit(QUrl(f"connection:{legacy}"))
    assert set(shown(page)) == {"ticket"} and page.connection_combo.currentData() == legacy


def test_used_by_in_the_connections_list_and_show_commands(qtbot: Any, window: MainWindow) -> None:
    model = window.connections_view.model
    row = model.row_of(conn_id(window, "CI Hooks"))
    assert model.index(row, USED_BY).data() == "3 commands"
    legacy_row = model.row_of(conn_id(window, "Legacy Portal"))
    assert model.index(legacy_row, USED_BY).data() == "0 commands"

    action = window.actions_by_name["show_commands"]
    assert not action.isEnabled()
    window.connections.select(conn_id(window, "CI Hooks"))
    assert action.isEnabled()
    action.trigger()
    page = page_of(window)
    assert window.tabs.currentWidget() is page
    assert set(shown(page)) == {"build", "deploy", "rollback"}


def test_delete_confirmation_names_the_commands_that_lose_their_token(
    qtbot: Any, window: MainWindow, sandbox: Sandbox
) -> None:
    window.connections.select(conn_id(window, "CI Hooks"))
    window.connections.delete_selected()
    qtbot.waitUntil(lambda: message_box(title=DELETE_TITLE) is not None)
    box = message_box(title=DELETE_TITLE)
    assert box is not None
    assert "3 slash commands would lose their token: /build (Engineering), /deploy (Engineering) and /rollback " in (
        box.informativeText()
    )
    lines = box.detailedText().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("/build — Engineering — https://ci.example.com/hooks/build?project=core&notify=1: ")
    assert all("would lose “CI Hooks”'s token" in line for line in lines)
    assert {line.split(" ")[0] for line in lines} == {"/build", "/deploy", "/rollback"}
    answer(qtbot, DELETE_TITLE, "Yes, delete it")
    page = page_of(window)
    # the preview follows: the connections list is read again, the three commands become unlinked
    qtbot.waitUntil(lambda: shown(page).get("deploy") is Status.UNLINKED)
    assert page.status_buttons[Status.UNLINKED].text() == "Unlinked 9"
    assert window.connections_view.model.rowCount() == 7


def test_audience_change_confirmation_lists_what_would_change(qtbot: Any, window: MainWindow) -> None:
    window.connections.select(conn_id(window, "Pager"))
    dialog = window.connections.edit_selected()
    assert dialog is not None
    dialog.form.audiences.setPlainText("https://pager.example.com/api/ack")
    dialog.form.save()
    qtbot.waitUntil(lambda: message_box(title=AUDIENCE_CHANGE_TITLE) is not None)
    box = message_box(title=AUDIENCE_CHANGE_TITLE)
    assert box is not None
    assert box.informativeText() == "1 slash command would lose its token: /oncall (Engineering)."
    assert box.detailedText().startswith("/oncall — Engineering — https://pager.example.com/api/oncall: would lose")
    answer(qtbot, AUDIENCE_CHANGE_TITLE, "Cancel")
    dialog.done(0)


def test_a_team_that_cannot_be_read_is_shown_without_losing_the_rest(
    qtbot: Any, ctx: AppContext, sandbox: Sandbox
) -> None:
    run(qtbot, ctx.connect_to(Profile(name="Team user", url=sandbox.url), sandbox.user_token, demo=True))
    window, page = open_window(qtbot, ctx)
    qtbot.waitUntil(lambda: synced(page))
    assert page.problems.isVisibleTo(page)
    problems = page.problems.accessibleDescription()
    assert "Customer Support: Could not list the team's slash commands (HTTP 403)" in problems
    assert "manage_own_slash_commands" in problems
    # current servers leave the others' commands out for this user (docs/MATTERMOST.md D.1): only its own come
    assert set(shown(page)) == {"standup", "weather"}  # Engineering's commands still shown
    support = page.team_combo.findText("Customer Support (could not be read)")
    assert support > 0
    page.team_combo.setCurrentIndex(support)
    assert page.showing_state() == "error"
    assert page.state.title.text() == "Customer Support: the slash commands could not be read"


def test_offline_copy_is_shown_with_its_age_when_the_server_is_unreachable(
    qtbot: Any, ctx: AppContext, sandbox: Sandbox
) -> None:
    client = MattermostClient(sandbox.url, sandbox.admin_token, ctx.http)
    result = run(qtbot, sync(client, server_check=True))
    PreviewCache(ctx.paths).save(replace(result, fetched_at=result.fetched_at - 300))  # a sync 5 minutes ago
    ctx.profiles.save(Profile(name="Office", url=sandbox.url + "/"))
    ctx.set_connect_state(ConnectState("failed", "Office", "The server did not answer."))

    _window, page = open_window(qtbot, ctx)
    qtbot.waitUntil(lambda: page.preview_state.data is not None)
    assert page.subtitle.text() == f"Synced 5 minutes ago — saved copy · {sandbox.url} · not connected"
    assert shown(page) == DEMO_STATUSES
    assert not page.sync_button.isEnabled() and page.export_button.isEnabled()


def test_no_server_says_what_to_do(qtbot: Any, ctx: AppContext) -> None:
    _window, page = open_window(qtbot, ctx)
    assert page.showing_state() == "welcome"
    assert page.state.title.text() == "Connect to a server, then Sync"
    assert [b.text() for b in page.state.action_buttons()] == ["Add server…", "Try the demo sandbox"]
    assert not page.sync_button.isEnabled() and not page.export_button.isEnabled()


def test_a_server_without_commands_says_so(qtbot: Any, ctx: AppContext, empty_sandbox: Sandbox) -> None:
    empty_sandbox.state.add_team("alpha", "Alpha")
    run(qtbot, ctx.connect_to(Profile(name="Empty", url=empty_sandbox.url), empty_sandbox.admin_token, demo=True))
    _window, page = open_window(qtbot, ctx)
    qtbot.waitUntil(lambda: synced(page))
    assert page.showing_state() == "empty"
    assert page.state.title.text() == "No custom slash commands on this team"


def test_sync_shows_progress_and_can_be_cancelled(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> None:
    page = page_of(window)
    before = page.preview_state.data
    sandbox.latency_ms = 300
    page.sync_button.click()
    assert page.syncer.running and not page.sync_button.isEnabled()
    qtbot.waitUntil(lambda: page.progress_row.isVisibleTo(page) and page.progress.maximum() > 0)
    assert page.progress_label.text().startswith("Syncing 0 of 2: ")
    page.cancel_button.click()
    qtbot.waitUntil(lambda: not page.syncer.running)
    assert not page.progress_row.isVisibleTo(page) and page.sync_button.isEnabled()
    assert page.preview_state.data is before and len(shown(page)) == 17
    assert window.statusBar().currentMessage() == "Sync cancelled: the preview shown is the previous one."

    page.sync_button.click()  # cancelled before its first request: still tidy
    page.cancel_button.click()
    qtbot.waitUntil(lambda: not page.syncer.running and page.sync_button.isEnabled())

    sandbox.latency_ms = 0
    window.show_page("preview")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F5)  # Refresh syncs (the Connections tab's F5 is not in the way)
    assert page.syncer.running
    qtbot.waitUntil(lambda: not page.syncer.running and page.preview_state.data is not before)


def test_a_mismatch_is_highlighted_and_explained(qtbot: Any, window: MainWindow) -> None:
    page = page_of(window)
    data = page.preview_state.data
    assert data is not None
    weather = next(r for r in data.rows if r.trigger == "weather")
    answers = {**data.result.server_answers, weather.url: conn_id(window, "Standup Bot")}
    page.preview_state.set_data(build_data(data.result.with_server_answers(answers)))
    assert page.status_buttons[Status.MISMATCH].text() == "Mismatch 1"
    page.status_buttons[Status.MISMATCH].click()
    assert shown(page) == {"weather": Status.MISMATCH}
    page.controller.select(weather.command_id)
    text = page.details.toPlainText()
    assert "Mismatch — No connection's audience matches this URL, but the server answered “Standup Bot”" in text


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_writes_the_rows_shown_without_any_command_token(
    qtbot: Any, window: MainWindow, sandbox: Sandbox, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    page = page_of(window)
    page.team_combo.setCurrentIndex(page.team_combo.findText("Engineering"))
    dialog = page.controller.export(fmt)
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert Path(dialog.selectedFiles()[0]).parent == home / "Documents"  # not the home folder's root
    target = tmp_path / f"out.{fmt}"
    dialog.fileSelected.emit(str(target))  # as when the person picks a file
    dialog.reject()
    qtbot.waitUntil(target.exists)
    text = target.read_text(encoding="utf-8")
    team = sandbox.state.team_by_name("engineering")
    assert team is not None
    tokens = [c.token for c in sandbox.state.commands_of_team(team.id)]
    assert tokens and not any(token in text for token in tokens)
    if fmt == "csv":
        lines = text.splitlines()
        assert lines[0].startswith(
            "kind,team_id,team_name,command_id,webhook_id,callback_index,trigger,url,matches,connection_id,"
            "connection_name,server_connection_id,status,method"
        )
        assert len(lines) == 1 + 9 + 4  # Engineering's commands and webhook callbacks
        rows = list(csv.DictReader(io.StringIO(text)))
        assert {r["team_name"] for r in rows} == {"Engineering"}
        assert {r["method"] for r in rows} <= {"POST", "GET"} and "P" not in {r["method"] for r in rows}
        pager = next(r for r in rows if r["trigger"] == "oncall")
        assert pager["connection_name"] == "Pager"
        hooks = [r for r in rows if r["kind"] == "webhook"]
        assert hooks and all("channel_name" in r for r in hooks)
    else:
        document = json.loads(text)
        assert len(document["rows"]) == 13 and {r["team_name"] for r in document["rows"]} == {"Engineering"}
        assert [r["kind"] for r in document["rows"]].count("webhook") == 4
        assert {"connections", "warnings", "counts", "server_url", "fetched_at"} <= set(document)
        assert all("token" not in row for row in document["rows"])


def test_a_confirmation_without_a_preview_syncs_first(qtbot: Any, demo_ctx: AppContext) -> None:
    window = MainWindow(demo_ctx, ui_settings(demo_ctx.paths), with_pages=False)
    qtbot.addWidget(window)
    page = PreviewPage(demo_ctx, window, auto_sync=False)
    window.set_page("preview", page)
    qtbot.waitUntil(lambda: window.connections_view.model.rowCount() == 8)
    assert page.preview_state.data is None and page.showing_state() == "empty"
    assert page.state.title.text() == "No preview yet"
    pager = next(c for c in window.connections_view.model.connections() if c.name == "Pager")
    impact = run(qtbot, page.syncer.affected_commands(pager, None))
    assert list(impact.lines) == [
        "/oncall — Engineering — https://pager.example.com/api/oncall: would lose “Pager”'s token and be sent with "
        "its own command token"
    ]
    assert page.preview_state.data is not None and page.showing_state() == ""
