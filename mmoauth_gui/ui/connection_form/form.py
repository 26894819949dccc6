"""The Add / Edit Outgoing OAuth Connection form (docs/MATTERMOST.md §8), with every problem shown as you type.

It edits a ``Connection`` value and emits signals; saving is injected (``save_action``), so the same form
serves connections on a server and offline drafts; the widgets themselves are laid out in ``form_view``.
Validation runs on this computer (token client) and, when ``server_validator`` is set, on the server too,
side by side.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from mmoauth_gui.core.model import CREDENTIAL_FIELDS, Connection, GrantType
from mmoauth_gui.core.preview.impact import ImpactProvider
from mmoauth_gui.core.rules import FIELD_LABELS, Problem, check_connection, has_errors, parse_audience_lines
from mmoauth_gui.core.status import Look
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.token.client import AuthChoice, validate_locally
from mmoauth_gui.ui.connection_form.audience_change import confirm_audience_change
from mmoauth_gui.ui.connection_form.expectation_fields import store_of
from mmoauth_gui.ui.connection_form.form_view import ConnectionFormView
from mmoauth_gui.ui.connection_form.password_prompt import ask_password
from mmoauth_gui.ui.connection_form.texts import (
    REQUIRED_TEXTS,
    REQUIRED_TO_VALIDATE,
    SAVE_ANYWAY_TEXT,
    SAVE_ANYWAY_TITLE,
    SAVE_REFUSED_TEXT,
)
from mmoauth_gui.ui.connection_form.validate_panel import ValidateState
from mmoauth_gui.ui.kit.confirm import ask_async, ask_discard
from mmoauth_gui.ui.kit.style import status_css
from mmoauth_gui.ui.runtime.errors import user_text
from mmoauth_gui.ui.runtime.tasks import is_running

log = logging.getLogger(__name__)

SaveAction = Callable[[Connection], Awaitable[Connection]]
ServerValidator = Callable[[Connection], Awaitable[ValidationResult]]

DESKTOP_NEEDS_PASSWORD = (
    "Not run: the stored password never leaves the server. Click the pencil beside Password and type it to "
    "check from this computer as well."
)
DESKTOP_NEEDS_SECRET = (
    "Not run: the stored secret never leaves the server. Click the pencil beside Client Secret and type it to "
    "check from this computer as well."
)


class ConnectionForm(ConnectionFormView):
    changed = Signal()
    saved = Signal(object)  # Connection returned by save_action
    cancelled = Signal()
    validation_done = Signal(object)  # dict: {"desktop": ValidationResult | None, "server": ... | None}

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.save_action: SaveAction | None = None
        self.server_validator: ServerValidator | None = None
        self.affected_commands: ImpactProvider | None = None
        self.original = Connection()
        self.editing = False
        self.results: dict[str, ValidationResult | None] = {"desktop": None, "server": None}
        self._touched: set[str] = set()
        self._loading = False
        self._saving = False
        self._validate_task: asyncio.Task[Any] | None = None
        self._save_task: asyncio.Task[Any] | None = None
        self._wire()

    def _wire(self) -> None:
        for widget in (self.name, self.client_id, self.token_url, self.username):
            widget.textChanged.connect(self._edited)
        self.audiences.textChanged.connect(self._edited)
        self.client_secret.changed.connect(self._edited)
        self.password.changed.connect(self._edited)
        self.grant.currentIndexChanged.connect(self._edited)
        for field, widget in (
            ("name", self.name),
            ("client_id", self.client_id),
            ("oauth_token_url", self.token_url),
            ("credentials_username", self.username),
        ):
            widget.editingFinished.connect(lambda f=field: self._touch(f))
        self.validate_panel.validate_requested.connect(self.validate)
        self.validate_panel.try_again.connect(self._refresh)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.request_cancel)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.validate).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.validate).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        QShortcut(QKeySequence.StandardKey.Save, self, self.save).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )

        self._show_grant()

    # -- loading and reading -----------------------------------------------------------------------

    def load(self, conn: Connection, *, editing: bool, secret_stored: bool | None = None, notice: str = "") -> None:
        """Show ``conn``. ``editing``: Update/Updating..., and with ``secret_stored`` the masked secrets."""
        stored = editing if secret_stored is None else secret_stored
        self._loading = True
        self.original = conn
        self.editing = editing
        self._touched = set()
        self.name.setText(conn.name)
        self.client_id.setText(conn.client_id)
        self.client_secret.set_stored(stored and not conn.client_secret)
        if conn.client_secret:
            self.client_secret.set_value(conn.client_secret)
        self.token_url.setText(conn.oauth_token_url)
        self.audiences.setPlainText("\n".join(conn.audiences))
        self.grant.setCurrentIndex(max(0, self.grant.findData(conn.grant_type)))
        self.username.setText(conn.credentials_username)
        self.password.set_stored(stored and conn.uses_password_grant and not conn.credentials_password)
        if conn.credentials_password:
            self.password.set_value(conn.credentials_password)
        self.advanced_toggle.setChecked(conn.uses_password_grant)
        self._loading = False
        self.save_button.setText("Update" if editing else "Save")
        self.save_button.setAccessibleName(self.save_button.text())
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self.save_error.hide()
        self.results = {"desktop": None, "server": None}
        self.validate_panel.set_idle()
        self._show_grant()
        self._refresh()
        if (store := store_of(self.ctx)) is not None:
            load = self.expect.load(store, conn.oauth_token_url, conn.client_id)
            self.ctx.tasks.start(load, owner=self, name="read expectations")

    def value(self) -> Connection:
        """The connection as typed; a kept (masked) secret is "" so the server keeps the stored one."""
        grant = str(self.grant.currentData() or GrantType.CLIENT_CREDENTIALS.value)
        password_grant = grant == GrantType.PASSWORD.value
        return self.original.with_changes(
            name=self.name.text(),
            client_id=self.client_id.text(),
            client_secret=self.client_secret.value(),
            oauth_token_url=self.token_url.text(),
            audiences=parse_audience_lines(self.audiences.toPlainText()),
            grant_type=grant,
            credentials_username=self.username.text() if password_grant else "",
            credentials_password=self.password.value() if password_grant else "",
        )

    def secret_kept(self) -> bool:
        return self.client_secret.kept

    def current_problems(self) -> list[Problem]:
        conn = self.value()
        require_secret = not self.client_secret.kept
        problems = check_connection(conn, require_secret=require_secret)
        if conn.uses_password_grant and self.password.kept:
            problems = [p for p in problems if p.field != "credentials_password"]
        return [_in_product_words(p, conn) for p in problems]

    def validate_blockers(self) -> list[str]:
        """The fields to fill in or fix before validating, in form order: the backstage's required ones
        (the name included, audiences not), and any credential the server would refuse."""
        return list(
            dict.fromkeys(
                p.field
                for p in self.current_problems()
                if p.is_error
                and (p.field in CREDENTIAL_FIELDS or p.field in REQUIRED_TO_VALIDATE)
                and (p.field != "name" or not self.name.text())
            )
        )

    def credentials_changed(self) -> bool:
        """Whether a field that changes how the token is fetched differs from what was loaded."""
        now = self.value()
        if not self.client_secret.kept and now.client_secret != self.original.client_secret:
            return True
        if not self.password.kept and now.credentials_password != self.original.credentials_password:
            return True
        return any(
            getattr(now, f) != getattr(self.original, f)
            for f in ("client_id", "oauth_token_url", "grant_type", "credentials_username")
        )

    def is_dirty(self) -> bool:
        now = self.value()
        return self.credentials_changed() or now.name != self.original.name or now.audiences != self.original.audiences

    # -- live checks -----------------------------------------------------------------------------

    def _touch(self, field: str) -> None:
        if field not in self._touched:
            self._touched.add(field)
            self._refresh()

    def _edited(self) -> None:
        if self._loading:
            return
        sender = self.sender()
        field = {
            self.name: "name",
            self.client_id: "client_id",
            self.client_secret: "client_secret",
            self.token_url: "oauth_token_url",
            self.audiences: "audiences",
            self.grant: "grant_type",
            self.username: "credentials_username",
            self.password: "credentials_password",
        }.get(sender)  # type: ignore[call-overload]
        if field is not None:
            self._touched.add(field)
        if field in CREDENTIAL_FIELDS:
            self._reset_validation()
        if field == "grant_type":
            self._show_grant()
        self.save_error.hide()
        self._refresh()
        self.changed.emit()

    def _reset_validation(self) -> None:
        """A credential was typed in: the backstage's "dirty" state, the button back on offer."""
        if is_running(self._validate_task):
            self._validate_task.cancel()
        if self.validate_panel.state == ValidateState.DIRTY:
            return
        self.results = {"desktop": None, "server": None}
        self.validate_panel.set_idle(dirty=True)

    def _refresh(self) -> None:
        problems = self.current_problems()
        by_field: dict[str, list[Problem]] = {f: [] for f in self.problems}
        for p in problems:
            by_field.setdefault(p.field, []).append(p)
        shown_fields = self._touched | ({f for f in by_field if by_field[f] and self._has_value(f)})
        for field, widget in self.problems.items():
            visible = [p for p in by_field.get(field, []) if field in shown_fields or not p.is_error]
            widget.show_problems(visible)
        blocking = [p for p in problems if p.is_error]
        self.save_button.setEnabled(not blocking and not self._saving)
        if blocking:
            fields = list(dict.fromkeys(FIELD_LABELS.get(p.field, p.field) for p in blocking))
            self.todo.setText("To save, fix: " + ", ".join(fields) + ".")
            self.todo.setStyleSheet(status_css(Look.UNCHECKED, self))
        else:
            self.todo.clear()
        # as in the backstage, Validate is always on offer; a click with a field missing says which
        self.validate_panel.button.setEnabled(
            self.validate_panel.state != ValidateState.VALIDATING and not self._saving
        )

    def _has_value(self, field: str) -> bool:
        conn = self.value()
        value = getattr(conn, field, "")
        return bool(value)

    def _show_grant(self) -> None:
        password = self.grant.currentData() == GrantType.PASSWORD.value
        for field in ("credentials_username", "credentials_password"):
            self.labels[field].setVisible(password)
        self.username.setVisible(password)
        self.password.setVisible(password)
        for field in ("credentials_username", "credentials_password"):
            if not password:
                self.problems[field].hide()

    # -- validation ------------------------------------------------------------------------------

    def validate(self) -> asyncio.Task[Any] | None:
        if self._saving or self.validate_panel.state == ValidateState.VALIDATING:
            return None
        blockers = self.validate_blockers()
        if blockers:
            self._touched.update(blockers)
            self._refresh()
            self._focus(blockers[0])
            return None
        before = self.validate_panel.state
        self.validate_panel.set_validating()
        self._refresh()
        self._validate_task = self.ctx.tasks.start(
            self._validate(self.value(), before),
            owner=self,
            on_error=self._validate_failed,
            name="validate connection",
        )
        return self._validate_task

    def _focus(self, field: str) -> None:
        if field in ("grant_type", "credentials_username", "credentials_password"):
            self.advanced_toggle.setChecked(True)
        widget = {
            "name": self.name,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "oauth_token_url": self.token_url,
            "grant_type": self.grant,
            "credentials_username": self.username,
            "credentials_password": self.password,
        }[field]
        widget.setFocus()

    async def _validate(self, conn: Connection, before: ValidateState) -> None:
        password_kept = conn.uses_password_grant and self.password.kept
        if password_kept and self.server_validator is not None:
            # the server fills in only the stored client secret, never the password (docs/MATTERMOST.md C.2)
            password = await ask_password(self, conn)
            if password is None:
                self.validate_panel.set_idle(dirty=before == ValidateState.DIRTY)
                self._refresh()
                return
            conn, password_kept = conn.with_changes(credentials_password=password), False
        desktop_secret = bool(conn.client_secret) and not password_kept
        expectations = self.expect.value()
        if (store := store_of(self.ctx)) is not None:
            try:
                await self.expect.save(store, conn.oauth_token_url, conn.client_id)
            except OSError as exc:
                log.warning("the expectations could not be kept: %s", exc)

        async def desktop() -> ValidationResult | str:
            if not desktop_secret:
                return DESKTOP_NEEDS_SECRET if not conn.client_secret else DESKTOP_NEEDS_PASSWORD
            from mmoauth_gui.services.token.verify import check_as_integration  # joserfc: ~4 MB, when first used

            result = await validate_locally(self.ctx.http, conn, auth=AuthChoice.AUTO.value)
            return await check_as_integration(self.ctx.http, result, expectations)

        async def server() -> ValidationResult | None:
            if self.server_validator is None:
                return None
            return await self.server_validator(conn)

        try:
            desktop_outcome, server_outcome = await asyncio.gather(desktop(), server())
        finally:
            if self.validate_panel.state == ValidateState.VALIDATING:
                self.validate_panel.set_idle(dirty=True)
        self.results = {
            "desktop": desktop_outcome if isinstance(desktop_outcome, ValidationResult) else None,
            "server": server_outcome,
        }
        self.validate_panel.show_outcome(desktop_outcome, server_outcome)
        self._refresh()
        self.validation_done.emit(dict(self.results))

    def _validate_failed(self, exc: BaseException) -> None:
        log.warning("validation failed to run: %s", type(exc).__name__)
        self.validate_panel.show_outcome(f"Could not run the check: {user_text(exc)}", None)
        self._refresh()

    @property
    def validated(self) -> bool:
        return self.validate_panel.state == ValidateState.VALIDATED

    # -- saving ----------------------------------------------------------------------------------

    def save(self) -> asyncio.Task[Any] | None:
        if self._saving or not self.save_button.isEnabled():
            return None
        self._save_task = self.ctx.tasks.start(
            self._save(), owner=self, on_error=self._save_failed, name="save connection"
        )
        return self._save_task

    async def _save(self) -> None:
        if self.save_action is None:
            raise RuntimeError("this form has no save action")
        conn = self.value()
        if has_errors(self.current_problems()):
            return
        # the backstage asks unless validated, or editing with no credential typed in and no check tried
        state = self.validate_panel.state
        if state != ValidateState.VALIDATED and not (self.editing and state == ValidateState.IDLE):
            question = SAVE_REFUSED_TEXT if state == ValidateState.FAILED else SAVE_ANYWAY_TEXT
            if not await ask_async(self, SAVE_ANYWAY_TITLE, question, "Save anyway"):
                return
        if self.editing and tuple(conn.audiences) != tuple(self.original.audiences):
            if not await confirm_audience_change(self, self.affected_commands, self.original, conn):
                return
        self._set_saving(True)
        try:
            saved = await self.save_action(conn)
        finally:
            self._set_saving(False)
        self.original = saved
        self.saved.emit(saved)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        if saving:
            self.save_button.setText("Updating..." if self.editing else "Saving...")
        else:
            self.save_button.setText("Update" if self.editing else "Save")
        self.save_button.setAccessibleName(self.save_button.text())
        for widget in (self.name, self.client_id, self.client_secret, self.token_url, self.audiences, self.advanced):
            widget.setEnabled(not saving)
        self._refresh()

    def _save_failed(self, exc: BaseException) -> None:
        self.save_error.setText(user_text(exc))
        self.save_error.setStyleSheet(status_css(Look.ERROR, self))
        self.save_error.show()

    def show_save_error(self, text: str) -> None:
        self.save_error.setText(text)
        self.save_error.setStyleSheet(status_css(Look.ERROR, self))
        self.save_error.setVisible(bool(text))

    # -- cancelling ------------------------------------------------------------------------------

    def request_cancel(self) -> None:
        """Cancel, asking first when something was changed."""
        if not self.is_dirty() or self._saving:
            if not self._saving:
                self.cancelled.emit()
            return
        self.ctx.tasks.start(self._confirm_cancel(), owner=self, name="confirm cancel")

    async def _confirm_cancel(self) -> None:
        name = self.value().name or "this connection"
        if await ask_discard(self, f"You have unsaved changes to “{name}”. Discard them?"):
            self.cancelled.emit()

    def close_tasks(self) -> None:
        self.ctx.tasks.cancel_owner(self)


def _in_product_words(problem: Problem, conn: Connection) -> Problem:
    """An empty required field's error in the backstage's own sentence."""
    text = REQUIRED_TEXTS.get(problem.field)
    if text and problem.is_error and not getattr(conn, problem.field):
        return replace(problem, message=text)
    return problem
