"""The Drafts view (drafts in every state, one open in the editor) and a conflict, for scripts/screenshots.py.

``shoot_drafts(window, out_dir, suffix)`` renders them with the window that script signed in to the demo
sandbox: drafts.png and drafts-conflict.png (with ``suffix`` before the extension).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtWidgets import QWidget  # noqa: E402


async def until(condition: Callable[[], object], what: str, seconds: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def grab(widget: QWidget, path: Path) -> Path:
    await asyncio.sleep(0.2)  # let layouts and paints settle
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)
    return path


async def shoot_drafts(window: Any, out_dir: Path, suffix: str = "") -> list[Path]:
    """Fill the Drafts page with drafts in every state, open one, grab it; then grab a conflict dialog."""
    from mmoauth_gui.core.model import Connection

    ctx = window.ctx
    sandbox = ctx.demo_sandbox
    page = window.page("drafts")
    controller = page.controller
    io = controller.io
    window.show_page("drafts")
    await until(lambda: controller.loaded and ctx.session is not None, "the drafts and the demo session")
    client = sandbox.demo_clients[0]
    server = {c.name: c for c in sandbox.state.connections()}

    # Pulled from the server: one left as it is, one edited here, one that will meet a change on the server.
    for name in ("CI Hooks", "Pager", "Reports"):
        await controller.sync.pull(server[name])
    pager = next(d for d in io.known.values() if d.name == "Pager")
    await io.write_edit(_edit(pager, audiences=(*pager.connection.audiences, "https://pager.example.com/api/escalate")))

    # Made offline: validated (valid), with a wrong secret (refused), validated then changed (stale), incomplete.
    def new(name: str, audience: str, secret: str, note: str = "", **extra: Any) -> Connection:
        return Connection(
            name=name,
            client_id=client["client_id"],
            oauth_token_url=sandbox.token_url,
            audiences=(audience,),
            **extra,
        )

    valid = await io.create(
        connection=new("Deploy commands", "https://ci.example.com/hooks/deploy", ""),
        note="For the release managers; push after the change window on Friday.",
        client_secret=client["client_secret"],
    )
    refused = await io.create(
        connection=new("Knowledge base", "https://kb.example.com/*", ""), client_secret="an-old-secret"
    )
    stale = await io.create(
        connection=new("Status page", "https://status.example.com/*", ""), client_secret=client["client_secret"]
    )
    await io.create(
        connection=Connection(name="Ticket triage (to finish)", audiences=("https://helpdesk.example.com/",))
    )
    # A conflict: the server's copy of Reports changes while the draft is edited here.
    reports = next(d for d in io.known.values() if d.name == "Reports")
    await io.write_edit(_edit(reports, audiences=("https://reports.example.com/weekly/*",)))
    copy = sandbox.state.connection(reports.origin.connection_id)
    sandbox.state.replace_connection(copy.with_changes(name="Reports (finance)"))
    controller.select(reports.id)
    await controller.editing.wait_open()
    shown: list[Any] = []
    controller.sync.conflict_shown.connect(shown.append)
    task = controller.sync.push_selected()
    if task is not None:
        await task
    await until(lambda: bool(shown), "the conflict dialog")
    dialog = shown[0]
    dialog.hide()  # shown below, after the view

    ids = {valid.id, refused.id, stale.id}
    page.table.clearSelection()
    for draft_id in ids:
        page.table.selectionModel().select(
            page.proxy.mapFromSource(page.model.index(page.model.row_of(draft_id), 0)),
            page.table.selectionModel().SelectionFlag.Select | page.table.selectionModel().SelectionFlag.Rows,
        )
    task = controller.validate_selected()
    if task is not None:
        await task
    current = io.known[stale.id]
    await io.write_edit(_edit(current, client_id=f"{client['client_id']}-v2"))

    controller.select(valid.id)
    await controller.editing.wait_open()
    shots = [await grab(window, out_dir / f"drafts{suffix}.png")]

    dialog.open()
    await until(dialog.isVisible, "the conflict dialog")
    shots.append(await grab(dialog, out_dir / f"drafts-conflict{suffix}.png"))
    dialog.reject()
    return shots


def _edit(draft: Any, **fields: Any) -> Any:
    from mmoauth_gui.ui.drafts.workspace import EditState

    conn = draft.connection.with_changes(**fields)
    return EditState(draft.id, conn, draft.note, draft.server, draft.team)
