"""The what-if panel: alone (as the Drafts view will use it) and in the connection dialog, updated per keystroke."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_preview_page import conn_id, open_window, synced

from mmoauth_gui.core.model import Command, Connection, Team
from mmoauth_gui.core.preview.diff import ChangeKind
from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.main_window import MainWindow
from mmoauth_gui.ui.preview import what_if
from mmoauth_gui.ui.preview.state import PreviewState, build_data
from mmoauth_gui.ui.preview.what_if import MAX_PER_KIND, NO_PREVIEW, THREAD_ABOVE, WhatIfPanel

CI = Connection(id="k1", name="CI Hooks", audiences=("https://ci.example.com/hooks/*",))
PAGER = Connection(id="k2", name="Pager", audiences=("https://pager.example.com/api/oncall",))
RESULT = SyncResult(
    server_url="https://mm.example.com",
    fetched_at=0.0,
    teams=(Team("t1", "eng", "Engineering"),),
    commands=(
        Command("c1", "t1", "deploy", "https://ci.example.com/hooks/deploy"),
        Command("c2", "t1", "build", "https://ci.example.com/hooks/build"),
        Command("c3", "t1", "oncall", "https://pager.example.com/api/oncall"),
        Command("c4", "t1", "faq", "https://kb.example.com/faq"),
    ),
    connections=(CI, PAGER),
)


def panel_with_preview(qtbot: Any) -> WhatIfPanel:
    state = PreviewState(app_paths())
    state.set_data(build_data(RESULT))
    panel = WhatIfPanel(state)
    qtbot.addWidget(panel)
    return panel


def test_without_a_preview_it_says_so_plainly(qtbot: Any) -> None:
    panel = WhatIfPanel(None)
    qtbot.addWidget(panel)
    panel.show_change(None, CI)
    assert panel.summary.text() == NO_PREVIEW
    assert panel.diff is None and not panel.groups


def test_add_edit_and_delete(qtbot: Any) -> None:
    panel = panel_with_preview(qtbot)
    panel.show()
    new = Connection(name="Knowledge base", audiences=("https://kb.example.com/*", "https://pager.example.com/api/*"))
    panel.show_change(None, new)
    assert panel.groups == {
        ChangeKind.GAINED: ["/faq — Engineering — https://kb.example.com/faq"],
        ChangeKind.NEWLY_AMBIGUOUS: ["/oncall — Engineering — https://pager.example.com/api/oncall"],
    }
    assert panel.summary.text() == "1 command would gain a token; 1 command would become ambiguous."
    text = panel.text()
    assert "/faq · Engineering · from “Knowledge base”" in text
    assert "/oncall · Engineering · “Knowledge base”, “Pager” would all match" in text
    assert "Based on the 4 slash commands synced" in text and "https://mm.example.com" in text

    panel.show_change(CI, CI.with_changes(audiences=("https://ci.example.com/hooks/deploy",)))
    assert panel.groups == {ChangeKind.LOST: ["/build — Engineering — https://ci.example.com/hooks/build"]}
    assert panel.summary.text() == "1 command would lose its token."

    panel.show_change(PAGER, PAGER.with_changes(audiences=("https://ci.example.com/hooks/build",)))
    assert set(panel.groups) == {ChangeKind.LOST, ChangeKind.NEWLY_AMBIGUOUS}

    panel.show_change(CI, None)
    assert [len(v) for v in panel.groups.values()] == [2]
    assert "“CI Hooks”" in panel.text()

    panel.show_change(CI, CI.with_changes(name="CI hooks (renamed)"))
    assert panel.summary.text() == "The audiences are unchanged: no slash command would change."

    unknown = Connection(id="k9", name="Made elsewhere", audiences=("https://kb.example.com/faq",))
    panel.show_change(unknown, unknown)
    assert ChangeKind.GAINED in panel.groups and "is not in the last sync" in panel.note


def test_the_edit_dialog_shows_the_what_if_on_every_keystroke(qtbot: Any, demo_ctx: AppContext) -> None:
    window, page = open_window(qtbot, demo_ctx)
    qtbot.waitUntil(lambda: synced(page) and window.connections_view.model.rowCount() == 8)
    window.connections.select(conn_id(window, "CI Hooks"))
    dialog = window.connections.edit_selected()
    assert dialog is not None and dialog.what_if is not None
    panel = dialog.what_if
    qtbot.waitUntil(panel.isVisible)
    assert panel.summary.text() == "The audiences are unchanged: no slash command would change."

    audiences = dialog.form.audiences
    audiences.setFocus()
    audiences.selectAll()
    qtbot.keyClick(audiences, Qt.Key.Key_Backspace)
    assert len(panel.groups[ChangeKind.LOST]) == 3  # no audience left: build, deploy, rollback lose the token
    seen = []
    for char in "https://ci.example.com/hooks/deploy":
        qtbot.keyClicks(audiences, char)
        seen.append(len(panel.groups.get(ChangeKind.LOST, [])))
    assert seen[-1] == 2 and seen[-2] == 3  # the last keystroke made /deploy match again
    lost = [line.split(" — ")[0] for line in panel.groups[ChangeKind.LOST]]
    assert lost == ["/build", "/rollback"]

    qtbot.keyClick(audiences, Qt.Key.Key_Return)
    qtbot.keyClicks(audiences, "https://kb.example.com/*")
    assert [line.split(" — ")[0] for line in panel.groups[ChangeKind.GAINED]] == ["/faq"]
    assert "1 command would gain a token" in panel.summary.text()
    dialog.done(0)


def test_the_add_dialog_starts_by_asking_for_audiences(qtbot: Any, demo_ctx: AppContext) -> None:
    window, page = open_window(qtbot, demo_ctx)
    qtbot.waitUntil(lambda: synced(page))
    dialog = window.connections.add()
    assert dialog is not None and dialog.what_if is not None
    panel = dialog.what_if
    qtbot.waitUntil(panel.isVisible)
    assert panel.summary.text().startswith("Type the audience URLs")
    qtbot.keyClicks(dialog.form.name, "Status page")
    qtbot.keyClicks(dialog.form.audiences, "https://status.example.com/*")
    assert panel.groups == {ChangeKind.GAINED: ["/status — Customer Support — https://status.example.com/mattermost"]}
    assert "from “Status page”" in panel.text()
    dialog.done(0)


def test_the_dialog_has_no_panel_without_the_preview_page(qtbot: Any, demo_ctx: AppContext) -> None:
    from mmoauth_gui.ui.runtime.settings import ui_settings

    window = MainWindow(demo_ctx, ui_settings(demo_ctx.paths), with_pages=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.connections_view.model.rowCount() == 8)
    dialog = window.connections.add()
    assert dialog is not None and dialog.what_if is None
    dialog.done(0)


def test_a_change_touching_thousands_of_urls_is_worked_out_off_the_gui_thread(
    qtbot: Any, loop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    finished: list[int] = []
    release = threading.Event()
    real = what_if.compute

    def counted(*args: Any) -> Any:
        started.append(len(started))
        if len(started) == 2:  # the computation the user will type over: held until released
            release.wait(10)
        result = real(*args)
        finished.append(len(finished))
        return result

    monkeypatch.setattr(what_if, "compute", counted)
    count = THREAD_ABOVE + 500
    many = tuple(Command(f"c{i}", "t1", f"cmd{i:05d}", f"https://svc.example.com/{i}") for i in range(count))
    state = PreviewState(app_paths())
    state.set_data(build_data(replace(RESULT, commands=many)))
    panel = WhatIfPanel(state)
    qtbot.addWidget(panel)
    panel.show()
    everything = Connection(name="Everything", audiences=("https://*",))
    panel.show_change(None, everything)
    assert panel.pending and panel.summary.text() == "Working out which slash commands would change…"
    qtbot.waitUntil(lambda: not panel.pending)
    assert panel.counts == {ChangeKind.GAINED: THREAD_ABOVE + 500}
    assert len(panel.groups[ChangeKind.GAINED]) == MAX_PER_KIND
    assert panel.groups[ChangeKind.GAINED][0].startswith("/cmd00000 — Engineering — ")
    assert "and 2470 more" in panel.text()

    panel.show_change(None, everything.with_changes(audiences=("https://*", "https://x.example.com/")))
    assert panel.pending
    abandoned = panel._task
    assert abandoned is not None
    qtbot.waitUntil(lambda: len(started) == 2)  # under way in its thread
    panel.show_change(None, everything.with_changes(audiences=("https://svc.example.com/7",)))  # typed on meanwhile
    assert not panel.pending and panel.counts == {ChangeKind.GAINED: 1}
    # The abandoned computation finishes (its thread, then its task): it does not overwrite the newer answer.
    release.set()
    qtbot.waitUntil(lambda: len(finished) == 3 and abandoned.done())
    assert panel.counts == {ChangeKind.GAINED: 1} and not panel.pending
