"""Import and export on the Drafts page: file dialogs opened with ``open()``, clashes asked one at a time."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from mmoauth_gui.core.drafts.exchange import ClashDecision
from mmoauth_gui.core.drafts.model import Draft
from mmoauth_gui.core.status import Look
from mmoauth_gui.storage.drafts_exchange import ExchangeFileError, export_connections
from mmoauth_gui.ui.drafts.host import DraftsHost
from mmoauth_gui.ui.drafts.import_questions import ask_clash, report_text, secrets_needed_text

JSON_FILTER = "Drafts export (*.json);;All files (*)"


class DraftsExchange(QObject):
    def __init__(self, page: DraftsHost, parent: QObject) -> None:
        super().__init__(parent)
        self.page = page
        self.ctx = page.ctx
        self.view = page.view
        self.io = page.io
        self.editing = page.editing
        self.file_dialog: QFileDialog | None = None

    def _file_dialog(self, title: str, save: bool, on_chosen: Any) -> QFileDialog:
        start = str(Path.home() / ("mmoauth-drafts.json" if save else ""))
        dialog = QFileDialog(self.view, title, start, JSON_FILTER)
        dialog.setObjectName("draftsFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
        if save:
            dialog.setDefaultSuffix("json")
        dialog.fileSelected.connect(lambda path: on_chosen(Path(path)))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def open_import(self) -> QFileDialog:
        return self._file_dialog("Import drafts", False, self.import_file)

    def open_export(self) -> QFileDialog:
        return self._file_dialog("Export drafts", True, self.export_to)

    def open_export_server(self) -> QFileDialog | None:
        if self.ctx.session is None:
            self.page.say("Connect to a server to export its connections.", Look.WARNING)
            return None
        return self._file_dialog("Export the server's connections as drafts", True, self.export_server_to)

    def import_file(self, path: Path) -> asyncio.Task[Any]:
        return self.ctx.tasks.start(
            self._import(path),
            owner=self,
            button=self.view.import_action,
            on_error=self.page.failed("import"),
            name="import",
        )

    async def _import(self, path: Path) -> None:
        await self.editing.flush()
        try:
            plan = await self.io.plan_import(path)
        except ExchangeFileError as exc:
            self.page.say(f"Nothing imported: {exc}", Look.ERROR)
            self.page.action_finished("error")
            return
        decisions: dict[str, ClashDecision] = {}
        for i, clash in enumerate(plan.clashes, start=1):
            position = f" ({i} of {len(plan.clashes)})" if len(plan.clashes) > 1 else ""
            decision = await ask_clash(self.view, clash, position)
            if decision is None:
                self.page.say("Import stopped: nothing was imported.")
                self.page.action_finished("import")
                return
            decisions[clash.entry.name] = decision
        report = await self.io.apply_import(plan, decisions)
        text = f"Imported {path.name}: {report_text(report)}"
        needed = secrets_needed_text(report.secret_needed)
        self.page.say(text + (f"\n{needed}" if needed else ""), Look.WARNING if needed else Look.NONE)
        touched = [*report.added, *report.replaced, *report.renamed]
        if touched:
            self.page.select(touched[0].id)
        self.page.action_finished("import")

    def export_to(self, path: Path) -> asyncio.Task[Any]:
        drafts = self.page.selected_drafts()
        if len(drafts) < 2:
            drafts = list(self.io.known.values())
        return self.ctx.tasks.start(
            self._export(path, drafts), owner=self, on_error=self.page.failed("export"), name="export drafts"
        )

    async def _export(self, path: Path, drafts: list[Draft]) -> None:
        await self.editing.flush()
        current = [self.io.known.get(d.id, d) for d in drafts]
        count, needing = await self.io.export(path, current)
        text = f"Exported {count} draft{'s' if count != 1 else ''} to {path} (no secrets)."
        if needing:
            text += f" {len(needing)} will need their secret typed again after an import."
        self.page.say(text)
        self.page.action_finished("export")

    def export_server_to(self, path: Path) -> asyncio.Task[Any] | None:
        session = self.ctx.session
        if session is None:
            return None

        async def export() -> None:
            connections = await session.client.list_connections(session.team_id)
            count = await asyncio.to_thread(export_connections, path, connections, session.profile.url)
            self.page.say(
                f"Exported {count} connection{'s' if count != 1 else ''} of {session.profile.name} to {path} as "
                "drafts. The server never returns secrets: each needs its secret to be created elsewhere."
            )
            self.page.action_finished("export_server")

        return self.ctx.tasks.start(export(), owner=self, on_error=self.page.failed("export"), name="export server")
