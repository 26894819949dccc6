"""Render the Drafts view (drafts in every state, one open in the editor) and a conflict, offscreen, to PNG.

    /tmp/venv/bin/python scripts/screenshots_drafts.py [OUT_DIR] [--dark]     (default: docs/screenshots)

Against the in-process demo sandbox, on a throw-away data folder. ``shoot_drafts(window, out_dir, suffix)`` is
the piece a general screenshot script can call with its own window (signed in to the demo sandbox).
Writes drafts.png and drafts-conflict.png (with ``suffix`` before the extension).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

WIDTH, HEIGHT = 1360, 860


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
    await io.create(connection=Connection(name="Ticket triage (to finish)", audiences=("https://helpdesk.example.com/",)))
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
    from mmoauth_gui.ui.drafts_io import EditState

    conn = draft.connection.with_changes(**fields)
    return EditState(draft.id, conn, draft.note, draft.server, draft.team)


async def main(out_dir: Path, suffix: str) -> None:
    from mmoauth_gui.sandbox import Sandbox
    from mmoauth_gui.services.http import make_http_client
    from mmoauth_gui.storage.paths import app_paths
    from mmoauth_gui.storage.profiles import Profile
    from mmoauth_gui.ui.context import AppContext, ConnectState
    from mmoauth_gui.ui.main_window import MainWindow

    sandbox = await asyncio.to_thread(lambda: Sandbox(seed="demo").start())
    paths = app_paths()
    ctx = AppContext(paths, make_http_client())
    ctx.demo_sandbox = sandbox
    settings = QSettings(str(paths.config / "screenshots.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, settings)
    window.resize(WIDTH, HEIGHT)
    window.show()
    try:
        await ctx.connect_to(Profile(name="Demo sandbox", url=sandbox.url), sandbox.admin_token, demo=True)
        ctx.set_connect_state(ConnectState("connected", "Demo sandbox"))
        await shoot_drafts(window, out_dir, suffix)
    finally:
        window.close()
        await ctx.aclose()


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", type=Path, nargs="?", default=Path("docs/screenshots"))
    parser.add_argument("--dark", action="store_true", help="render with a dark palette (files end in -dark)")
    args = parser.parse_args()
    out_dir = args.outdir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["MMOAUTH_DATA_DIR"] = data_dir
        import qasync

        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        app.setApplicationName("mmoauth-gui")
        app.setQuitOnLastWindowClosed(False)
        suffix = ""
        if args.dark:
            sys.path.insert(0, str(Path(__file__).parent))
            from screenshots import dark_palette

            app.setStyle("Fusion")
            app.setPalette(dark_palette())
            suffix = "-dark"
        qasync.run(main(out_dir, suffix))
    return 0


if __name__ == "__main__":
    sys.exit(run())
