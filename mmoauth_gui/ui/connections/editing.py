"""Add, edit and duplicate from the Connections page: the Add / Edit dialog, wired to the server.

After an Add the dialog shows the "Setup Successful" page; for a password-grant connection it also
reads the new connection back and, when the username did not survive the create, offers the update
that puts it back (docs/MATTERMOST.md §3).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.password_grant import restore_credentials, username_survived
from mmoauth_gui.ui.connection_form.dialog import ConnectionDialog
from mmoauth_gui.ui.connections.server_actions import server_actions, session_of
from mmoauth_gui.ui.connections.view import ConnectionsView
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.runtime.errors import user_text

DUPLICATE_NOTICE = (
    "A copy of “{name}”. The client secret is not copied (the server never returns it): type it before saving."
)


class EditingHost(Protocol):
    """What the editing helper needs of the Connections controller."""

    ctx: AppContext
    view: ConnectionsView

    def selected(self) -> Connection | None: ...

    def form_validated(self, conn: Connection, results: dict[str, ValidationResult | None]) -> None: ...

    def connection_saved(
        self, saved: Connection, results: dict[str, ValidationResult | None], editing: bool
    ) -> None: ...


class ConnectionEditing(QObject):
    def __init__(self, host: EditingHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.ctx = host.ctx
        self.dialog: ConnectionDialog | None = None

    def add(self) -> ConnectionDialog | None:
        return self.open_form(Connection(), editing=False)

    def edit_selected(self) -> ConnectionDialog | None:
        conn = self.host.selected()
        return self.open_form(conn, editing=True) if conn is not None else None

    def duplicate_selected(self) -> ConnectionDialog | None:
        conn = self.host.selected()
        if conn is None:
            return None
        copy = conn.with_changes(
            id="",
            creator_id="",
            create_at=0,
            update_at=0,
            client_secret="",
            credentials_password="",
            name=f"Copy of {conn.name}"[:64],
        )
        return self.open_form(copy, editing=False, notice=DUPLICATE_NOTICE.format(name=conn.name))

    def open_form(self, conn: Connection, *, editing: bool, notice: str = "") -> ConnectionDialog | None:
        session = self.ctx.session
        if session is None:
            return None
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = ConnectionDialog(self.ctx, self.host.view, editing=editing)
        form = dialog.form
        form.load(conn, editing=editing, notice=notice)
        current_session = session_of(self.ctx, session.profile.url)

        async def check_username(created: Connection, sent: Connection) -> None:
            now = current_session()
            if not await username_survived(now.client, created, sent.credentials_username, now.team_id):
                dialog.success.show_username_lost()

        async def restore(created: Connection, sent: Connection) -> None:
            now = current_session()
            fixed = await restore_credentials(
                now.client, created, sent.credentials_username, sent.credentials_password, now.team_id
            )
            dialog.success.show_restored(fixed)
            self.host.connection_saved(fixed, {}, True)

        def saved(created: Connection) -> None:
            self.host.connection_saved(created, form.results, editing)
            sent = form.value()
            if editing or not sent.uses_password_grant:
                return
            self.ctx.tasks.start(
                check_username(created, sent), owner=dialog, on_error=self._check_failed, name="read back username"
            )
            dialog.success.restore_requested.connect(
                lambda: self.ctx.tasks.start(
                    restore(created, sent),
                    owner=dialog,
                    button=dialog.success.restore_button,
                    on_error=lambda exc: dialog.success.show_problem(user_text(exc)),
                    name="restore credentials",
                )
            )

        form.save_action, form.server_validator = server_actions(self.ctx, session.profile.url, editing=editing)
        form.affected_commands = self.ctx.affected_commands_provider
        form.validation_done.connect(lambda results: self.host.form_validated(form.original, results))
        form.saved.connect(saved)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        form.name.setFocus()  # the first keystrokes go to Name, not to whatever widget comes first
        return dialog

    def _check_failed(self, exc: BaseException) -> None:
        if self.dialog is not None:
            self.dialog.success.show_problem(f"Could not read the new connection back: {user_text(exc)}")

    def _dialog_closed(self, dialog: ConnectionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
