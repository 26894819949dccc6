"""Editing one draft: load it into the editor, autosave what is typed, keep its header up to date.

Typing marks an :class:`AutosaveBuffer` dirty; a QTimer asks it to save, which hands the state to one writer
task: the file write and the keyring call run off the GUI thread, one after another, so a crash loses at
most ``AUTOSAVE_DELAY`` seconds of typing. A failed write keeps the change pending and says so.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from mmoauth_gui.core.drafts.model import Draft, SecretState, public_only
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import FIELD_LABELS
from mmoauth_gui.core.status import Look
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.storage.secrets import SESSION_ONLY_MESSAGE
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.editor_view import DraftEditor
from mmoauth_gui.ui.drafts.model import SECRET_LOOK, STALE_TIP, STATUS_LOOK, validation_kind
from mmoauth_gui.ui.drafts.workspace import DraftRow, DraftsIO, EditState
from mmoauth_gui.ui.kit.badge import KIND_LABELS, local_time, result_kind, when
from mmoauth_gui.ui.kit.style import status_color
from mmoauth_gui.ui.preview.what_if import WhatIfPanel
from mmoauth_gui.ui.runtime.autosave import AutosaveBuffer
from mmoauth_gui.ui.runtime.tasks import alive, is_running

log = logging.getLogger(__name__)

AUTOSAVE_DELAY = 2.0  # seconds of typing a crash may lose
TICK_MS = 250
SESSION_SECRET_TEXT = SESSION_ONLY_MESSAGE


class DraftEditing(QObject):
    """Binds the :class:`DraftEditor` to the draft being edited."""

    opened = Signal(str)  # draft id, once its fields (and secrets) are in the form
    saved = Signal(str)  # draft id, after an autosave write
    resolve_requested = Signal(str)  # draft id: the conflict banner's Resolve… was clicked

    def __init__(self, ctx: AppContext, io: DraftsIO, editor: DraftEditor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.io = io
        self.editor = editor
        self.form = editor.form
        self.row: DraftRow | None = None
        self.buffer: AutosaveBuffer[EditState] = AutosaveBuffer(self._enqueue, AUTOSAVE_DELAY)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.what_if: WhatIfPanel | None = None  # when the window has a preview
        self._pending: EditState | None = None
        self._writer: asyncio.Task[Any] | None = None
        self._open_task: asyncio.Task[Any] | None = None
        self._loading = False
        self._secret = ""  # the client secret the workspace holds for this draft (as loaded or last written)
        self._password = ""
        self._last_saved: datetime | None = None
        self._write_error = ""
        self._writing = False

        self.form.changed.connect(self._edited)
        self.form.validation_done.connect(self._validated)
        editor.note.textChanged.connect(self._edited)
        editor.server.editTextChanged.connect(self._edited)
        editor.team.textChanged.connect(self._edited)
        editor.conflict.button.clicked.connect(self._resolve_clicked)
        io.changed.connect(self._published)
        io.removed.connect(self._removed)
        editor.show_editing(False)

    @property
    def draft_id(self) -> str:
        return self.row.id if self.row is not None else ""

    @property
    def dirty(self) -> bool:
        return self.buffer.dirty or self._pending is not None or self._writing

    # -- opening ---------------------------------------------------------------------------------

    def open(self, row: DraftRow | None) -> asyncio.Task[Any] | None:
        """Edit ``row``'s draft (None: nothing); what was typed in the previous one is saved first."""
        if row is not None and self.row is not None and row.id == self.row.id:
            return self._open_task
        if is_running(self._open_task):
            self._open_task.cancel()
        self._open_task = self.ctx.tasks.start(self._open(row), owner=self, name="open draft")
        return self._open_task

    async def wait_open(self) -> None:
        """Wait until the draft being opened is in the form."""
        task = self._open_task
        if is_running(task):
            await asyncio.shield(task)

    async def _open(self, row: DraftRow | None) -> None:
        await self.flush()
        if row is None:
            self.row = None
            self.editor.show_editing(False)
            self._show_what_if()
            return
        draft = self.io.known.get(row.id, row.draft)
        secret, password = await self.io.secret_values(draft)
        self.row = DraftRow(draft, row.secret)
        self._load(draft, secret, password)
        self.editor.show_editing(True)
        self._show_header()
        self.opened.emit(draft.id)

    def _load(self, draft: Draft, secret: str, password: str) -> None:
        self._loading = True
        try:
            self._secret, self._password = secret, password
            server_keeps = draft.origin is not None
            conn = draft.to_connection(client_secret=secret, credentials_password=password)
            # A secret held here is shown (hidden, revealable) in the field; without one, a pulled draft shows the
            # server's as kept, so an update leaves it alone.
            self.form.load(conn, editing=draft.origin is not None, secret_stored=server_keeps and not secret)
            self.form.client_secret.edit.setCursorPosition(0)
            if server_keeps and not password and conn.uses_password_grant:
                self.form.password.set_stored(True)
            self.editor.note.setPlainText(draft.note)
            self.editor.server.setEditText(draft.server)
            self.editor.team.setText(draft.team)
            self.buffer.discard()
            self._write_error = ""
            self._last_saved = local_time(draft.modified_at)
        finally:
            self._loading = False
        self._show_saved()
        self._show_push_problems()
        self._show_what_if()

    def set_server_choices(self, choices: list[str]) -> None:
        """The profile names offered as targets (the typed text is kept)."""
        combo = self.editor.server
        text = combo.currentText()
        self._loading = True
        try:
            combo.clear()
            combo.addItems(choices)
            combo.setEditText(text)
        finally:
            self._loading = False

    # -- typing and saving -----------------------------------------------------------------------

    def current_state(self) -> EditState | None:
        if self.row is None:
            return None
        conn = self.form.value()
        secret = self.form.client_secret.value()
        client_secret = None if self.form.client_secret.kept or secret == self._secret else secret
        password: str | None = None
        if conn.uses_password_grant and not self.form.password.kept and conn.credentials_password != self._password:
            password = conn.credentials_password
        return EditState(
            draft_id=self.row.id,
            connection=public_only(conn),
            note=self.editor.note.toPlainText(),
            server=self.editor.server.currentText().strip(),
            team=self.editor.team.text().strip(),
            client_secret=client_secret,
            password=password,
        )

    def _edited(self) -> None:
        if self._loading or self.row is None:
            return
        state = self.current_state()
        if state is None:
            return
        self.buffer.change(state)
        if not self.timer.isActive():
            self.timer.start()
        # the verdict shown follows what is typed now, before the autosave writes it
        typed = replace(self.row.draft, connection=state.connection)
        secrets_changed = (state.client_secret not in (None, self._secret)) or (
            state.password not in (None, self._password)
        )
        self.editor.validation.setText(self._validation_html(typed, stale=secrets_changed))
        self._show_saved()
        self._show_push_problems()
        self._refresh_what_if()

    def _tick(self) -> None:
        self.buffer.maybe_save()
        if not self.buffer.dirty:
            self.timer.stop()

    def _enqueue(self, state: EditState) -> None:
        """The buffer's save: hand the state to the writer task (started when none runs)."""
        self._pending = state
        if not is_running(self._writer):
            self._writer = self.ctx.tasks.start(self._write_pending(), owner=self, name="autosave draft")
        self._show_saved()

    async def _write_pending(self) -> None:
        self._writing = True
        try:
            while self._pending is not None:
                state, self._pending = self._pending, None
                try:
                    row = await self.io.write_edit(state)
                except OSError as exc:
                    log.warning("autosave of draft %s failed: %s", state.draft_id, type(exc).__name__)
                    self._write_error = f"Could not save: {exc.strerror or exc}. Retrying while you edit."
                    if self._pending is None and state.draft_id == self.draft_id:
                        self.buffer.change(state)  # still to be written: the next tick retries
                        self.timer.start()
                    return
                self._write_error = ""
                if state.draft_id == self.draft_id:
                    if state.client_secret is not None:
                        self._secret = state.client_secret
                    if state.password is not None:
                        self._password = state.password
                    if row is not None:
                        self._last_saved = local_time(row.draft.modified_at)
        finally:
            self._writing = False
            self._show_saved()
        self.saved.emit(self.draft_id)

    async def flush(self) -> None:
        """Write what was typed now and wait for it (before a push, a validation, another draft)."""
        self.buffer.flush()
        self.timer.stop()
        writer = self._writer
        if is_running(writer):
            await asyncio.shield(writer)

    def close_now(self) -> None:
        """The window is closing: write what is pending synchronously (the event loop is about to stop)."""
        state = self.current_state() if (self.buffer.dirty or self._pending is not None) else None
        self.timer.stop()
        if is_running(self._writer):
            self._writer.cancel()
        if state is not None:
            try:
                self.io.write_edit_now(state)
            except OSError as exc:
                log.error("could not save draft %s on closing: %s", state.draft_id, type(exc).__name__)
        self.buffer.discard()
        self._pending = None

    # -- the workspace changed -------------------------------------------------------------------

    def _published(self, row: DraftRow) -> None:
        if self.row is None or row.id != self.row.id:
            return
        self.row = row
        if not self.dirty and not self._loading:
            shown = public_only(self.form.value())
            if shown != row.draft.connection or self.editor.note.toPlainText() != row.draft.note:
                # Changed by a pull, a merge, taking the server's copy or an import: show the new content.
                self.ctx.tasks.start(self._reload(row), owner=self, name="reload draft")
        self._show_header()
        self._show_what_if()

    async def _reload(self, row: DraftRow) -> None:
        secret, password = await self.io.secret_values(row.draft)
        if self.row is not None and self.row.id == row.id and not self.dirty:
            self._load(self.io.known.get(row.id, row.draft), secret, password)

    def _removed(self, draft_id: str) -> None:
        if self.row is not None and self.row.id == draft_id:
            self.buffer.discard()
            self._pending = None
            self.timer.stop()
            self.row = None
            self.editor.show_editing(False)

    # -- validation from the form ----------------------------------------------------------------

    def _validated(self, results: object) -> None:
        result = results.get("desktop") if isinstance(results, dict) else None
        if not isinstance(result, ValidationResult) or self.row is None:
            return
        validated = self.form.value()
        self.ctx.tasks.start(self._record(self.row.id, validated, result), owner=self, name="record validation")

    async def _record(self, draft_id: str, validated: Connection, result: ValidationResult) -> None:
        await self.flush()
        await self.io.record_validation(validated, draft_id, result)

    # -- what the editor shows -------------------------------------------------------------------

    def _show_saved(self) -> None:
        label = self.editor.saved
        if self._write_error:
            label.setText(self._write_error)
            label.setStyleSheet(f"color: {status_color(Look.ERROR, label).name()};")
            return
        label.setStyleSheet("")
        if self.buffer.dirty:
            label.setText("Unsaved changes…")
        elif self._pending is not None or self._writing:
            label.setText("Saving…")
        elif self._last_saved is not None:
            label.setText(f"All changes saved · {self._last_saved.strftime('%H:%M:%S')}")
        else:
            label.setText("")

    def _show_push_problems(self) -> None:
        errors = [p for p in self.form.current_problems() if p.is_error]
        if not errors:
            self.editor.show_problems("")
            return
        fields = list(dict.fromkeys(FIELD_LABELS.get(p.field, p.field) for p in errors))
        self.editor.show_problems("Saved as it is. To push, fix: " + ", ".join(fields) + ".")

    def _show_header(self) -> None:
        if self.row is None:
            return
        draft, editor = self.row.draft, self.editor
        editor.title.setText(draft.name or "(no name)")
        kind, tip = STATUS_LOOK[draft.status]
        editor.show_status(kind, draft.status.label, tip)
        if draft.origin is not None:
            editor.origin.setText(
                f"Connection {draft.origin.connection_id} on {draft.origin.server_url} · draft {draft.id}"
            )
        else:
            target = f" Meant for {draft.server}." if draft.server else ""
            editor.origin.setText(f"Not on any server yet: Push creates it.{target} · draft {draft.id}")
        text, secret_kind, _tip = SECRET_LOOK[self.row.secret]
        if self.row.secret is SecretState.SESSION:
            editor.show_secret_state(Look.WARNING, SESSION_SECRET_TEXT)
        elif self.row.secret is SecretState.MISSING:
            editor.show_secret_state(Look.REFUSED, "No client secret yet: type it to validate and to push.")
        elif self.row.secret is SecretState.STORED:
            editor.show_secret_state(secret_kind, "Secret stored in the system keyring.")
        else:
            editor.show_secret_state(secret_kind, "")
        editor.validation.setText(self._validation_html(draft))
        if draft.conflict is not None:
            copy = draft.conflict.server_copy
            if copy is None:
                message = "This connection was deleted on the server since your last pull or push."
            else:
                changed = local_time(copy.update_at)
                at = f" ({when(changed)})" if changed is not None else ""
                message = f"The server's copy changed since your last pull or push{at}: nothing was overwritten."
            editor.conflict.show_message(Look.ERROR, message)
        else:
            editor.conflict.hide()
        if text:
            editor.secret_state.setToolTip(SECRET_LOOK[self.row.secret][2])

    def _validation_html(self, draft: Draft, *, stale: bool = False) -> str:
        result = draft.validation_result
        if result is None:
            return (
                "<b>Last validation:</b> none yet — <i>Validate Connection</i> asks the token URL from this "
                "computer; no server needed."
            )
        kind = Look.STALE if stale else validation_kind(draft)
        checked = local_time(result.checked_at)
        at = f" · {escape(when(checked))}" if checked is not None else ""
        if kind == Look.STALE:
            colour = status_color(Look.WARNING, self.editor).name()
            return (
                f'<b>Last validation:</b> <span style="color:{colour}"><b>Stale</b></span>{at} — '
                f"{escape(STALE_TIP)} (It said: {escape(result.summary)})"
            )
        colour = status_color(kind, self.editor).name()
        label = KIND_LABELS.get(result_kind(result), kind)
        hint = f"<br>{escape(result.hint)}" if result.hint and not result.ok else ""
        return (
            f'<b>Last validation:</b> <span style="color:{colour}"><b>{escape(label)}</b></span>{at} — '
            f"{escape(result.summary)}{hint}"
        )

    def _resolve_clicked(self) -> None:
        if self.row is not None:
            self.resolve_requested.emit(self.row.id)

    # -- what-if ---------------------------------------------------------------------------------

    def attach_what_if(self, panel: WhatIfPanel) -> None:
        self.what_if = panel
        self.editor.what_if_slot.addWidget(panel)
        self._show_what_if()

    def _show_what_if(self) -> None:
        panel = self.what_if
        if panel is None or not alive(panel):
            return
        if self.row is None:
            panel.clear_change()
            panel.hide()
            return
        draft = self.row.draft
        server = panel.state.server_url if panel.state is not None else ""
        elsewhere = draft.origin is not None and bool(server) and not draft.origin.is_on(server)
        panel.setVisible(not elsewhere)
        self._refresh_what_if()

    def _refresh_what_if(self) -> None:
        panel = self.what_if
        if panel is None or not alive(panel) or self.row is None or panel.isHidden():
            return
        draft = self.row.draft
        before = draft.snapshot if draft.origin is not None else None
        if before is not None and draft.origin is not None:
            before = before.with_changes(id=draft.origin.connection_id)
        panel.show_change(before, self.form.value())
