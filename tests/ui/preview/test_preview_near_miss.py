"""The Slash commands page says where the documented matching rule is all the app knows: a command whose URL
misses an audience only in letter case (or a trailing slash, …) names that audience and what differs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.ui_helpers import run
from test_preview_page import open_window, synced

from mmoauth_gui.core.preview.build import Status
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.profiles import Profile
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.preview.page import PreviewPage


def server_asked(page: PreviewPage) -> bool:
    data = page.preview_state.data
    return data is None or data.result.server_checked


def test_a_near_miss_is_named_with_what_the_server_is_known_to_do(
    qtbot: Any, ctx: AppContext, empty_sandbox: Sandbox, tmp_path: Path
) -> None:
    state = empty_sandbox.state
    team = state.add_team("ops", "Ops")
    command = state.add_command(team.id, "pager", "https://Pager.example.com/api")
    state.add_connection(
        "Pager",
        "pager",
        "secret",
        empty_sandbox.token_url,
        ["https://pager.example.com/api", "https://x.example.com/*"],
    )
    run(qtbot, ctx.connect_to(Profile(name="Near miss", url=empty_sandbox.url), empty_sandbox.admin_token))
    window, page = open_window(qtbot, ctx)
    window.show_page("preview")
    qtbot.waitUntil(lambda: synced(page))

    row = next(r for r in page.model.rows() if r.trigger == "pager")
    assert row.status is Status.UNLINKED
    assert page.controller.select(command.id)
    text = " ".join(page.details.toPlainText().split())
    assert "The audience https://pager.example.com/api of “Pager” differs from this URL only in letter case" in text
    assert row.verdict.server_known, "the page asks the server about each URL"
    assert "this server does not treat them as the same" in text
    assert window.grab().save(str(tmp_path / "near-miss.png"))

    page.server_check.click()  # predictions only: the documented rule is all the app knows
    page.sync_button.click()
    qtbot.waitUntil(lambda: not page.syncer.running and not server_asked(page))
    assert page.controller.select(command.id)
    text = " ".join(page.details.toPlainText().split())
    assert "differs from this URL only in letter case: Mattermost documents audiences as exact text" in text
    assert "how the real server treats letter case is not public. Check against the server." in text
