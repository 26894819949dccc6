"""Connections as code in the app: "Compare with file…", "Export as file…", "Copy to another server…".

File reads, keyring look-ups and every request run off the GUI thread through ``ctx.tasks``; the plan
window opens with ``open()``; an apply shows its progress and can be cancelled between steps. Secrets
typed here are sent and forgotten: never stored, logged or shown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from mmoauth_gui.core.config.document import (
    ConfigDocument,
    document_from_connections,
    entry_from_connection,
    render_document,
)
from mmoauth_gui.core.config.parse import FileProblem, ParseResult, parse_config
from mmoauth_gui.core.config.plan import Plan
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.plural import counted
from mmoauth_gui.services.config_apply import (
    ApplyReport,
    ConfigClient,
    PlanOutdated,
    SecretField,
    StepState,
    apply_plan,
    make_plan,
    needed_secrets,
)
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import MattermostError, NotAuthenticated
from mmoauth_gui.storage.atomic import write_atomic
from mmoauth_gui.storage.config_record import AppliedRecord
from mmoauth_gui.storage.config_secrets import resolve
from mmoauth_gui.ui.config.dialog import PlanDialog
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.runtime.errors import user_text
from mmoauth_gui.ui.runtime.tasks import alive


def read_config_file(path: Path) -> ParseResult:
    """Read and parse ``path`` (off the GUI thread); an unreadable file becomes a problem, not a crash."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        return ParseResult(None, [FileProblem(str(path), 1, 1, f"the file cannot be read: {reason}.")])
    return parse_config(text, str(path))


class ConfigController(QObject):
    applied = Signal(object)  # ApplyReport

    def __init__(self, ctx: AppContext, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.ctx = ctx
        self.parent_widget = parent_widget
        self.dialog: PlanDialog | None = None
        self.plan: Plan | None = None
        self.client: ConfigClient | None = None
        self.secrets: dict[tuple[str, SecretField], str] = {}
        self._stop = False
        self.record = AppliedRecord(ctx.paths)

    # -- opening a plan ----------------------------------------------------------------------------

    def _open_dialog(self, title: str, headline: str) -> PlanDialog:
        if self.dialog is not None and alive(self.dialog):
            self.dialog.close()
        dialog = PlanDialog(title, self.parent_widget)
        dialog.headline.setText(headline)
        dialog.apply_button.clicked.connect(self.apply)
        dialog.cancel_button.clicked.connect(self.cancel)
        dialog.finished.connect(lambda _r: self.cancel())
        self.dialog = dialog
        dialog.open()
        return dialog

    def compare_with_file(self, path: Path) -> asyncio.Task[Any] | None:
        session = self.ctx.session
        if session is None:
            return None
        dialog = self._open_dialog(
            "Compare with file", f"Comparing {path.name} with {session.profile.name} ({session.profile.url})…"
        )
        return self.ctx.tasks.start(
            self._compare(path, session.client, session.profile.name), owner=dialog, on_error=self._failed
        )

    async def _compare(self, path: Path, client: MattermostClient, server_name: str) -> None:
        parsed = await asyncio.to_thread(read_config_file, path)
        if parsed.document is None or parsed.errors:
            self._show_problems(parsed)
            return
        await self._plan(client, parsed.document, f"{path.name} compared with {server_name}", parsed)

    def copy_to_server(self, connections: Sequence[Connection], profile_name: str) -> asyncio.Task[Any] | None:
        if not connections:
            return None
        names = ", ".join(f"“{c.name}”" for c in connections)
        dialog = self._open_dialog("Copy to another server", f"Copying {names} to {profile_name}…")
        document = ConfigDocument(tuple(entry_from_connection(c) for c in sorted(connections, key=lambda c: c.name)))
        return self.ctx.tasks.start(self._copy(document, profile_name, names), owner=dialog, on_error=self._failed)

    async def _copy(self, document: ConfigDocument, profile_name: str, names: str) -> None:
        profile = await asyncio.to_thread(self.ctx.profiles.get, profile_name)
        token = await self.ctx.server_token(profile_name) if profile is not None else None
        if profile is None or not token:
            raise NotAuthenticated(
                f"no stored token for server profile “{profile_name}”",
                operation=f"connect to {profile_name}",
                advice="Open Servers… and sign in to that server first.",
            )
        client = MattermostClient(profile.url, token, self.ctx.http_for_profile(profile))
        await self._plan(client, document, f"{names} → {profile.name} ({profile.url})", None)

    async def _plan(
        self, client: ConfigClient, document: ConfigDocument, what: str, parsed: ParseResult | None
    ) -> None:
        plan = await make_plan(client, document, self.record)
        needed = needed_secrets(plan)
        found = await asyncio.to_thread(
            lambda: {(n.change.key, n.field): resolve(n.ref, self.ctx.secrets) for n in needed}
        )
        dialog = self.dialog
        if dialog is None or not alive(dialog):
            return
        self.plan, self.client = plan, client
        self.secrets = {k: v for k, v in found.items() if v}
        dialog.model.set_plan(plan)
        dialog.table.resizeRowsToContents()
        for item in needed:
            if not found.get((item.change.key, item.field)):
                what_secret = "Client secret" if item.field is SecretField.CLIENT_SECRET else "Password"
                dialog.add_secret_field(
                    (item.change.key, item.field.value),
                    f"{what_secret} of “{item.change.name}” ({item.ref.describe()})",
                )
        lines = [p.message for p in plan.problems]
        if plan.unmanaged:
            lines.append("Not in the file (kept): " + ", ".join(f"“{c.name}”" for c in plan.unmanaged))
        lines += list(plan.notes)
        if parsed is not None:
            lines += [str(w) for w in parsed.warnings]
        dialog.notes.setPlainText("\n".join(lines))
        if plan.problems:
            dialog.headline.setText(f"{what}: the plan has problems and cannot be applied.")
        elif plan.empty:
            dialog.headline.setText(f"{what}: no changes — the server matches.")
        else:
            dialog.headline.setText(f"{what}: {counted(len(plan.changes), 'change')} to apply.")
        dialog.apply_button.setEnabled(not plan.problems and not plan.empty)

    def _show_problems(self, parsed: ParseResult) -> None:
        dialog = self.dialog
        if dialog is None or not alive(dialog):
            return
        dialog.headline.setText("The file has problems; nothing was compared with the server.")
        dialog.notes.setPlainText("\n".join(str(p) for p in parsed.problems))

    def _failed(self, exc: BaseException) -> None:
        dialog = self.dialog
        if dialog is not None and alive(dialog):
            message = exc.user_message if isinstance(exc, MattermostError) else user_text(exc)
            dialog.headline.setText(f"Could not plan: {message}")
            dialog.progress.hide()

    # -- applying ------------------------------------------------------------------------------------

    def apply(self) -> asyncio.Task[Any] | None:
        dialog, plan, client = self.dialog, self.plan, self.client
        if dialog is None or plan is None or client is None:
            return None
        secrets = dict(self.secrets)
        missing = []
        for (key, field_name), edit in dialog.secret_fields.items():
            if edit.text():
                secrets[(key, SecretField(field_name))] = edit.text()
            else:
                missing.append(edit.accessibleName())
        if missing:
            dialog.notes.setPlainText("Type these before applying: " + "; ".join(missing) + ".")
            return None
        self._stop = False
        dialog.progress.show()
        dialog.progress_bar.setRange(0, len(plan.changes))
        dialog.progress_bar.setValue(0)
        dialog.cancel_button.setEnabled(True)
        return self.ctx.tasks.start(
            self._apply(client, plan, secrets),
            owner=dialog,
            button=dialog.apply_button,
            on_result=self._show_report,
            on_error=self._failed,
        )

    def cancel(self) -> None:
        """Stop after the step in flight (a step is never cut in half)."""
        self._stop = True
        dialog = self.dialog
        if dialog is not None and alive(dialog):
            dialog.cancel_button.setEnabled(False)

    async def _apply(
        self, client: ConfigClient, plan: Plan, secrets: dict[tuple[str, SecretField], str]
    ) -> ApplyReport:
        def progress(done: int, total: int, change: Any) -> None:
            dialog = self.dialog
            if dialog is not None and alive(dialog):
                dialog.progress_label.setText(f"{change.action.value} “{change.name}”")
                dialog.progress_bar.setValue(done)

        try:
            return await apply_plan(
                client, plan, secrets, self.record, progress=progress, should_stop=lambda: self._stop
            )
        except PlanOutdated as exc:
            dialog = self.dialog
            if dialog is not None and alive(dialog):
                dialog.notes.setPlainText(str(exc))
            return ApplyReport()

    def _show_report(self, report: ApplyReport) -> None:
        dialog = self.dialog
        if dialog is None or not alive(dialog):
            return
        dialog.progress.hide()
        self.secrets = {}
        for edit in dialog.secret_fields.values():
            edit.clear()
        if not report.steps:
            dialog.apply_button.setEnabled(False)
            dialog.headline.setText("Nothing was applied.")
            return
        lines = []
        for step in report.steps:
            words = {StepState.APPLIED: "applied", StepState.FAILED: "FAILED", StepState.NOT_APPLIED: "not applied"}
            line = f"{words[step.state]}: {step.change.action.value} “{step.change.name}”"
            lines.append(line + (f" — {step.message}" if step.message else ""))
        applied = len(report.of(StepState.APPLIED))
        if report.ok:
            headline = f"Applied {counted(applied, 'change')}."
        elif report.cancelled:
            headline = f"Cancelled: {applied} of {counted(len(report.steps), 'change')} applied."
        else:
            headline = f"Stopped at the first failure: {applied} of {counted(len(report.steps), 'change')} applied."
        dialog.headline.setText(headline)
        dialog.notes.setPlainText("\n".join(lines))
        dialog.apply_button.setEnabled(False)
        self.ctx.connections_changed.emit()
        self.applied.emit(report)

    # -- export ----------------------------------------------------------------------------------------

    def export_to(self, path: Path) -> asyncio.Task[Any] | None:
        session = self.ctx.session
        if session is None:
            return None

        async def export() -> None:
            connections = await session.client.list_connections(session.team_id)
            text = render_document(document_from_connections(connections))
            await asyncio.to_thread(write_atomic, path, text, mode=0o644)
            self.ctx.status_message.emit(
                f"Exported {counted(len(connections), 'connection')} of {session.profile.name} to {path} "
                "(secrets as references: set the variables before an apply)."
            )

        return self.ctx.tasks.start(export(), owner=self, name="export connections file")
