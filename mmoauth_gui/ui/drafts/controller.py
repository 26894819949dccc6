"""What the Drafts page does: list, new, duplicate, delete and validate drafts; push, pull and conflicts are in
``push_pull``, import and export in ``exchange_actions`` (both work through the ``host.DraftsHost`` protocol)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, QObject, QSettings, Signal

from mmoauth_gui.core.drafts.model import Draft, DraftStatus
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.status import Look
from mmoauth_gui.services.token.client import AuthChoice, validate_locally
from mmoauth_gui.storage.atomic import CorruptFileError
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.drafts.editor_controller import DraftEditing
from mmoauth_gui.ui.drafts.exchange_actions import DraftsExchange
from mmoauth_gui.ui.drafts.model import DraftRole
from mmoauth_gui.ui.drafts.push_pull import CONNECT_TO_PULL, CONNECT_TO_PUSH, DraftsSyncActions
from mmoauth_gui.ui.drafts.view import DraftsView
from mmoauth_gui.ui.drafts.workspace import DraftRow, DraftsIO
from mmoauth_gui.ui.kit.badge import KIND_LABELS, result_kind
from mmoauth_gui.ui.kit.confirm import ask_async
from mmoauth_gui.ui.kit.state_panel import PanelState
from mmoauth_gui.ui.kit.style import status_css
from mmoauth_gui.ui.kit.table_model import select_row
from mmoauth_gui.ui.runtime.errors import user_text
from mmoauth_gui.ui.runtime.signin import ConnectStatus
from mmoauth_gui.ui.runtime.tasks import alive, is_running

log = logging.getLogger(__name__)

OFFLINE_HINT = "Offline: drafts are written, validated, imported and exported here; push and pull need a server."
EMPTY_TITLE = "No drafts yet"
EMPTY_TEXT = (
    "A draft is a connection prepared on this computer: write it and validate it against its token URL without "
    "a server, then push it when you are ready. {secrets}"
)
SECRETS_IN_KEYRING = "Secrets stay in the system keyring, never in a file."
SECRETS_THIS_SESSION = "Secrets are kept for this session only (there is no system keyring here), never in a file."
DELETE_TITLE = "Delete draft"
NO_SECRET_TO_VALIDATE = (
    "not validated: no client secret is held here (the server never returns it). Type it in the editor first."
)

__all__ = ["CONNECT_TO_PULL", "CONNECT_TO_PUSH", "DELETE_TITLE", "DraftsController"]


class DraftsController(QObject):
    finished_action = Signal(str)  # a short name of the action that just ended (tests, screenshots)

    def __init__(self, ctx: AppContext, view: DraftsView, settings: QSettings | None = None) -> None:
        super().__init__(view)
        self.ctx = ctx
        self.view = view
        self.model = view.model
        self.proxy = view.proxy
        self.io = DraftsIO(ctx.paths, ctx.secrets, self)
        self.editing = DraftEditing(ctx, self.io, view.editor, self)
        self.set_aside: list[CorruptFileError] = []
        self.loaded = False
        self._keyring = True  # secrets go to the system keyring (read off the GUI thread at load)
        self._validate_task: asyncio.Task[Any] | None = None
        self._load_task: asyncio.Task[Any] | None = None
        self._validated = 0
        self.sync = DraftsSyncActions(self, self)
        self.exchange = DraftsExchange(self, self)

        self.io.changed.connect(self._row_changed)
        self.io.removed.connect(self._row_removed)
        view.new_button.clicked.connect(self.new)
        view.new_action.triggered.connect(self.new)
        view.duplicate_action.triggered.connect(self.duplicate)
        view.delete_action.triggered.connect(self.delete_selected)
        view.validate_action.triggered.connect(self.validate_selected)
        view.push_action.triggered.connect(self.sync.push_selected)
        view.pull_action.triggered.connect(self.sync.open_pull)
        view.import_action.triggered.connect(self.exchange.open_import)
        view.export_action.triggered.connect(self.exchange.open_export)
        view.export_server_action.triggered.connect(self.exchange.open_export_server)
        view.cancel_button.clicked.connect(self.cancel_validation)
        view.set_aside.button.clicked.connect(self._dismiss_set_aside)
        view.search.textChanged.connect(self._search)
        view.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.editing.resolve_requested.connect(self.sync.resolve)
        ctx.session_changed.connect(self._session_changed)
        ctx.connect_state_changed.connect(self._update_subtitle)
        ctx.profiles_changed.connect(self._load_server_names)
        self._show()
        self._session_changed()

    # -- loading ---------------------------------------------------------------------------------

    def reload(self) -> asyncio.Task[Any]:
        if is_running(self._load_task):
            return self._load_task
        self._load_task = self.ctx.tasks.start(
            self._load(), owner=self, on_error=self.failed("read the drafts"), name="list drafts"
        )
        return self._load_task

    async def _load(self) -> None:
        _rows, problems = await self.io.listing()
        self._keyring = await asyncio.to_thread(lambda: self.ctx.secrets.persistent)
        self.loaded = True
        if problems:
            self.set_aside.extend(problems)
            self._show_set_aside()
        self._show()
        self.finished_action.emit("load")

    def _row_changed(self, row: DraftRow) -> None:
        self.model.upsert(row)
        self._show()

    def _row_removed(self, draft_id: str) -> None:
        self.model.remove(draft_id)
        self._show()

    def _show_set_aside(self) -> None:
        if not self.set_aside:
            self.view.set_aside.hide()
            return
        count = len(self.set_aside)
        files = f"{count} draft file{'s' if count != 1 else ''}"
        lines = [f"{files} could not be read and {'were' if count != 1 else 'was'} set aside (nothing deleted):"]
        for problem in self.set_aside:
            kept = f" → kept as {problem.set_aside_as.name}" if problem.set_aside_as else ""
            lines.append(f"• {problem.path.name} ({problem.reason}){kept}")
        lines.append(f"Folder: {self.io.folder}")
        self.view.set_aside.show_message(Look.WARNING, "\n".join(lines))

    def _dismiss_set_aside(self) -> None:
        self.set_aside.clear()
        self._show_set_aside()

    # -- what the page shows ---------------------------------------------------------------------

    def _show(self) -> None:
        view = self.view
        total = self.model.rowCount()
        if not self.loaded and total == 0:
            view.show_state(PanelState.LOADING, "Reading the drafts…")
        elif total == 0:
            actions: list[tuple[str, Any]] = [("New draft", self.new), ("Import…", self.exchange.open_import)]
            if self.ctx.session is not None:
                actions.insert(1, ("Pull as draft…", self.sync.open_pull))
            secrets = SECRETS_IN_KEYRING if self._keyring else SECRETS_THIS_SESSION
            view.show_state(PanelState.EMPTY, EMPTY_TITLE, EMPTY_TEXT.format(secrets=secrets), tuple(actions))
        elif self.proxy.rowCount() == 0:
            query = view.search.text().strip()
            view.show_state(PanelState.EMPTY, f"No draft matches “{query}”", "", (("Clear search", view.search.clear),))
        else:
            view.show_table()
        self._update_subtitle()
        self._update_actions()

    def _update_subtitle(self) -> None:
        counts = self.model.status_counts()
        total = self.model.rowCount()
        parts = [f"{total} draft{'s' if total != 1 else ''}"]
        details = [f"{counts[s]} {s.label.lower()}" for s in DraftStatus if counts.get(s)]
        if details:
            parts.append(", ".join(details))
        session = self.ctx.session
        connecting = self.ctx.connect_state
        if session is None and connecting.status == ConnectStatus.CONNECTING:
            where = f"Connecting to {connecting.profile_name}…"
        elif session is None:
            where = OFFLINE_HINT
        else:
            team = f", team {session.team.label}" if session.team else ""
            where = f"Push and pull use {session.profile.name}{team}."
        self.view.subtitle.setText(" · ".join(parts) + f". {where}")
        self.view.subtitle.setToolTip(f"Drafts are kept in {self.io.folder}")

    def _update_actions(self, *_args: Any) -> None:
        view = self.view
        selected = self.selected_drafts()
        validating = is_running(self._validate_task)
        view.duplicate_action.setEnabled(len(selected) == 1)
        view.delete_action.setEnabled(bool(selected))
        view.validate_action.setEnabled(bool(selected) and not validating)
        view.push_action.setEnabled(len(selected) == 1)
        view.export_action.setEnabled(self.model.rowCount() > 0)
        view.export_server_action.setEnabled(self.ctx.session is not None)
        online = self.ctx.session is not None
        push_tip = "Create or update the selected draft's connection on the server (Ctrl+Shift+P)"
        offline_tip = "No server connected: pushes to the draft's saved target server when its token is stored here"
        view.push_action.setToolTip(push_tip if online else offline_tip)
        view.pull_action.setToolTip("Make a draft from one of the server's connections" if online else CONNECT_TO_PULL)

    def say(self, text: str, kind: Look = Look.NONE) -> None:
        """A one-line outcome under the list (and in the status bar)."""
        self.view.show_message(text, status_css(kind, self.view) if kind else "")
        if text:
            self.ctx.status_message.emit(text.split("\n", 1)[0])

    def action_finished(self, name: str) -> None:
        self.finished_action.emit(name)

    def failed(self, what: str) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            log.warning("drafts: could not %s: %s", what, type(exc).__name__)
            self.say(f"Could not {what}: {user_text(exc)}", Look.ERROR)
            self.finished_action.emit("error")

        return show

    def _search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._show()

    # -- selection -------------------------------------------------------------------------------

    def selected_drafts(self) -> list[Draft]:
        rows = self.view.table.selectionModel().selectedRows()
        drafts = [r.data(DraftRole) for r in rows]
        return [self.io.known.get(d.id, d) for d in drafts if isinstance(d, Draft)]

    def current_draft(self) -> Draft | None:
        """The draft the actions for one draft apply to: the one in the editor when it is selected."""
        selected = self.selected_drafts()
        if not selected:
            return None
        for draft in selected:
            if draft.id == self.editing.draft_id:
                return draft
        return selected[0]

    def select(self, draft_id: str) -> None:
        select_row(self.view.table, self.proxy, self.model, draft_id)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_actions()
        selected = self.selected_drafts()
        if len(selected) == 1:
            row = self.model.get(selected[0].id)
            self.editing.open(row)
        elif not selected:
            self.editing.open(None)

    # -- session ---------------------------------------------------------------------------------

    def _session_changed(self) -> None:
        self._show()
        self._load_server_names()
        session = self.ctx.session
        if session is not None and self.loaded:
            self.ctx.tasks.start(self.sync.check_conflicts(), owner=self, name="check drafts against the server")
        if session is not None and self.view.message.text() in (CONNECT_TO_PUSH, CONNECT_TO_PULL):
            self.say("")

    def _load_server_names(self) -> None:
        self.ctx.tasks.start(self._server_names(), owner=self, name="read server profiles")

    async def _server_names(self) -> None:
        profiles = await asyncio.to_thread(self.ctx.profiles.load)
        names = {p.name: p.url for p in profiles}
        session = self.ctx.session
        teams: dict[str, str] = {}
        if session is not None:
            names.setdefault(session.profile.name, session.profile.url)
            teams = {key: t.label for t in session.teams for key in (t.name, t.id) if key}  # a draft names either
        self.model.set_profiles(names, teams)
        self.editing.set_server_choices([p.name for p in profiles])

    # -- new / duplicate / delete ----------------------------------------------------------------

    def new(self) -> asyncio.Task[Any]:
        return self.ctx.tasks.start(
            self._new(), owner=self, button=self.view.new_action, on_error=self.failed("create a draft"), name="new"
        )

    async def _new(self) -> None:
        session = self.ctx.session
        target = ""
        if session is not None:
            target = session.profile.url if session.demo else session.profile.name
        row = await self.io.create(connection=Connection(), server=target)
        self.view.search.clear()
        self.select(row.id)
        await self.editing.wait_open()
        self.view.editor.form.name.setFocus()
        self.say("New draft: it is saved as you type, also when incomplete.")
        self.finished_action.emit("new")

    def duplicate(self) -> asyncio.Task[Any] | None:
        draft = self.current_draft()
        if draft is None:
            return None
        return self.ctx.tasks.start(
            self._duplicate(draft),
            owner=self,
            button=self.view.duplicate_action,
            on_error=self.failed("duplicate the draft"),
            name="duplicate",
        )

    async def _duplicate(self, draft: Draft) -> None:
        await self.editing.flush()
        source = self.io.known.get(draft.id, draft)
        name = f"Copy of {source.name}"[:64] if source.name else ""
        row = await self.io.create(source.edit(name=name))
        self.select(row.id)
        await self.editing.wait_open()
        self.say(f"Duplicated “{source.name}” as a new draft (not on any server yet).")
        self.finished_action.emit("duplicate")

    def delete_selected(self) -> asyncio.Task[Any] | None:
        drafts = self.selected_drafts()
        if not drafts:
            return None
        return self.ctx.tasks.start(
            self._delete(drafts),
            owner=self,
            button=self.view.delete_action,
            on_error=self.failed("delete"),
            name="delete drafts",
        )

    async def _delete(self, drafts: list[Draft]) -> None:
        names = [d.name or "(no name)" for d in drafts]
        what = f"“{names[0]}”" if len(drafts) == 1 else f"{len(drafts)} drafts"
        pushed = [d for d in drafts if d.origin is not None]
        informative = "The draft file and its stored secret are removed from this computer."
        if pushed:
            informative += " Connections already on a server are not touched."
        if not await ask_async(
            self.view,
            DELETE_TITLE,
            f"Delete {what}?",
            "Delete",
            informative=informative,
            details=names if len(drafts) > 1 else (),
            destructive=True,
        ):
            return
        for draft in drafts:
            await self.io.delete(draft.id)
        self.say(f"Deleted {what}.")
        self.finished_action.emit("delete")

    # -- validate (desktop, offline) -------------------------------------------------------------

    def validate_selected(self) -> asyncio.Task[Any] | None:
        drafts = self.selected_drafts()
        if not drafts or is_running(self._validate_task):
            return None
        view = self.view
        view.progress.setRange(0, len(drafts))
        view.progress.setValue(0)
        view.progress_label.setText(f"Validating 0 of {len(drafts)}…")
        view.cancel_button.setEnabled(True)
        view.progress_row.show()
        self._validated = 0
        task = self.ctx.tasks.start(
            self._validate(drafts),
            owner=self,
            button=view.validate_action,
            on_error=self.failed("validate"),
            name="validate drafts",
        )
        task.add_done_callback(lambda t: self._validation_ended(t, len(drafts)))  # also when cancelled unstarted
        self._validate_task = task
        self._update_actions()
        return task

    async def _validate(self, drafts: list[Draft]) -> None:
        tally: dict[Look, int] = {}
        skipped = 0
        last = ""
        await self.editing.flush()
        for draft in drafts:
            current = self.io.known.get(draft.id)
            if current is None:
                continue
            secret, password = await self.io.secret_values(current)
            if not secret:  # nothing to send: not a refusal, and nothing to record
                skipped += 1
                self._validated += 1
                last = f"“{current.name or '(no name)'}”: {NO_SECRET_TO_VALIDATE}"
                continue
            conn = current.to_connection(client_secret=secret, credentials_password=password)
            result = await validate_locally(self.ctx.http, conn, auth=AuthChoice.POST.value)
            await self.io.record_validation(current.connection, current.id, result)
            kind = result_kind(result)
            tally[kind] = tally.get(kind, 0) + 1
            self._validated += 1
            last = f"“{current.name or '(no name)'}”: {result.summary}"
            self.view.progress.setValue(self._validated)
            self.view.progress_label.setText(f"Validating {self._validated} of {len(drafts)}…")
        self.view.progress.setValue(self._validated)
        if len(drafts) == 1:
            kind = next(iter(tally), Look.UNCHECKED)
            self.say(last, Look.NONE if kind == Look.VALID else Look.WARNING)
        else:
            parts = [f"{n} {KIND_LABELS.get(k, k.value).lower()}" for k, n in tally.items()]
            summary = ", ".join(parts + ([f"{skipped} skipped (no secret)"] if skipped else []))
            self.say(f"Validated {self._validated} drafts from this computer: {summary}.")
        self.finished_action.emit("validate")

    def _validation_ended(self, task: asyncio.Task[Any], total: int) -> None:
        if not alive(self.view):
            return
        self.view.progress_row.hide()
        if task.cancelled():
            self.say(f"Validation cancelled after {self._validated} of {total}.")
        self._update_actions()

    def cancel_validation(self) -> None:
        if is_running(self._validate_task):
            self.view.cancel_button.setEnabled(False)
            self._validate_task.cancel()

    # -- closing ---------------------------------------------------------------------------------

    def close(self) -> None:
        self.editing.close_now()
        self.ctx.tasks.cancel_owner(self.editing)
        self.ctx.tasks.cancel_owner(self)
