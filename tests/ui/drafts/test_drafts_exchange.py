"""Import / export from the Drafts page (clashes asked one by one), and draft files that cannot be read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drafts_support import by_name, files_containing, make_page, open_draft, wait_action, wait_saved
from PySide6.QtWidgets import QFileDialog
from support.ui_helpers import answer, run

from mmoauth_gui.core.model import Connection
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.secrets import SecretStore
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.import_questions import (
    CANCEL_TEXT,
    CLASH_TITLE,
    KEEP_BOTH_TEXT,
    KEEP_MINE_TEXT,
    REPLACE_TEXT,
)

SECRET = "exported-never-0f5c"


def conn(name: str, audience: str) -> Connection:
    token_url = "https://idp.example.com/token"
    return Connection(name=name, client_id=f"{name.lower()}-id", oauth_token_url=token_url, audiences=(audience,))


def test_export_then_import_with_clashes(qtbot: Any, ctx: AppContext, tmp_path: Path, data_dir: Path) -> None:
    page = make_page(qtbot, ctx)
    io = page.controller.io
    run(qtbot, io.create(connection=conn("Alpha", "https://a.example.com/*"), note="first", client_secret=SECRET))
    run(qtbot, io.create(connection=conn("Beta", "https://b.example.com/*")))
    run(qtbot, io.create(connection=conn("Gamma", "https://g.example.com/*")))
    assert page.model.rowCount() == 3

    dialog = page.controller.exchange.open_export()
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    exported = tmp_path / "drafts.json"
    with qtbot.waitSignal(page.controller.finished_action, check_params_cb=lambda n: n == "export"):
        dialog.fileSelected.emit(str(exported))  # as when the person picks the file
        dialog.reject()
    body = json.loads(exported.read_text())
    assert sorted(d["name"] for d in body["drafts"]) == ["Alpha", "Beta", "Gamma"]
    assert SECRET not in exported.read_text()
    assert "Exported 3 drafts" in page.message.text() and "no secrets" in page.message.text()

    # Change two drafts locally: importing the file again now clashes on both (Gamma is identical).
    open_draft(qtbot, page, "Alpha")
    page.editor.note.setPlainText("edited here")
    wait_saved(qtbot, page)
    open_draft(qtbot, page, "Beta")
    audiences = page.editor.form.audiences
    audiences.selectAll()
    qtbot.keyClicks(audiences, "https://b.example.com/v2/*")
    wait_saved(qtbot, page)

    task = page.controller.exchange.import_file(exported)
    first = answer(qtbot, CLASH_TITLE, KEEP_BOTH_TEXT)
    assert "“Alpha” exists already (1 of 2)" in first.text()
    qtbot.waitUntil(lambda: first.isHidden() or not first.isVisible())
    answer(qtbot, CLASH_TITLE, REPLACE_TEXT)
    qtbot.waitUntil(task.done)
    names = sorted(d.name for d in io.known.values())
    assert names == ["Alpha", "Alpha (imported)", "Beta", "Gamma"]
    assert by_name(page, "Alpha").note == "edited here"  # kept both: mine untouched
    assert by_name(page, "Alpha (imported)").note == "first"
    assert by_name(page, "Beta").connection.audiences == ("https://b.example.com/*",)  # replaced by the file's
    assert "1 replaced, 1 added under a new name" in page.message.text()
    assert "1 already identical" in page.message.text()
    assert "type the client secret" in page.message.text()  # the imported Alpha needs its secret again
    qtbot.waitUntil(lambda: page.editor.form.audiences.toPlainText() == "https://b.example.com/*")

    # Stopping at a clash imports nothing; keeping mine changes nothing.
    task = page.controller.exchange.import_file(exported)
    answer(qtbot, CLASH_TITLE, CANCEL_TEXT)
    qtbot.waitUntil(task.done)
    assert "nothing was imported" in page.message.text() and len(io.known) == 4
    task = page.controller.exchange.import_file(exported)
    answer(qtbot, CLASH_TITLE, KEEP_MINE_TEXT)
    qtbot.waitUntil(task.done)
    assert len(io.known) == 4 and by_name(page, "Alpha").note == "edited here"

    # Not an export file: said, nothing changes.
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"kind": "something-else"}')
    wait_action(qtbot, page, "error", lambda: page.controller.exchange.import_file(wrong))
    assert "Nothing imported" in page.message.text() and "not a drafts export" in page.message.text()

    assert files_containing(data_dir, SECRET) == [] and files_containing(tmp_path, SECRET) == []


def test_unreadable_draft_files_are_listed_and_set_aside(qtbot: Any, ctx: AppContext) -> None:
    store = DraftStore(ctx.paths, SecretStore())
    good = store.new(conn("Readable", "https://r.example.com/*"))
    broken = store.dir / "0123456789ab.json"
    broken.write_text("{ this is not json")
    wrong_id = store.dir / "ba9876543210.json"
    wrong_id.write_text(store.path_for(good.id).read_text())

    page = make_page(qtbot, ctx)
    assert [d.name for d in page.controller.io.known.values()] == ["Readable"]
    banner = page.set_aside
    assert banner.isVisible()
    text = banner.text.text()
    assert "2 draft files could not be read and were set aside" in text
    assert "0123456789ab.json" in text and "ba9876543210.json" in text
    assert "kept as" in text
    assert not broken.exists() and any(p.name.startswith("0123456789ab.json") for p in store.dir.iterdir())

    page.controller.reload()  # already set aside: listed once, still shown until dismissed
    qtbot.waitUntil(lambda: page.controller._load_task is not None and page.controller._load_task.done())
    assert banner.isVisible()
    banner.button.click()
    assert not banner.isVisible()
