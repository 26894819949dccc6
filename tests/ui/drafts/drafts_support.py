"""Shared steps of the Drafts page tests: build the page, wait for its actions, scan files for a secret."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mmoauth_gui.core.drafts.model import Draft
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.page import DraftsPage

FAST_AUTOSAVE = 0.2  # seconds: the autosave delay used by the tests (the app uses a couple of seconds)


def make_page(qtbot: Any, ctx: AppContext) -> DraftsPage:
    page = DraftsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    page.controller.editing.buffer.delay = FAST_AUTOSAVE
    qtbot.waitUntil(lambda: page.controller.loaded)
    return page


def wait_action(qtbot: Any, page: DraftsPage, name: str, start: Any) -> Any:
    """Run ``start()`` and wait until the controller reports ``name`` (or an error) finished."""
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n in (name, "error")) as blocker:
        result = start()
    assert blocker.args == [name], f"{name} ended with {blocker.args}: {page.message.text()}"
    return result


def by_name(page: DraftsPage, name: str) -> Draft:
    return next(d for d in page.controller.io.known.values() if d.name == name)


def open_draft(qtbot: Any, page: DraftsPage, name: str) -> Draft:
    draft = by_name(page, name)
    page.controller.select(draft.id)
    qtbot.waitUntil(lambda: page.controller.editing.draft_id == draft.id and page.editor.editing)
    qtbot.waitUntil(lambda: page.controller.editing._open_task is None or page.controller.editing._open_task.done())
    return draft


def wait_saved(qtbot: Any, page: DraftsPage) -> None:
    editing = page.controller.editing
    qtbot.waitUntil(lambda: not editing.dirty)


def files_containing(root: Path, needle: str) -> list[Path]:
    """Every file under ``root`` whose bytes contain ``needle``."""
    data = needle.encode("utf-8")
    return [p for p in root.rglob("*") if p.is_file() and data in p.read_bytes()]
