"""What the Connections page does: load, search, add, edit, duplicate, delete, validate one or all."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSettings, QTimer, Signal

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.status import Look
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.mattermost.errors import MattermostError, NotAuthenticated
from mmoauth_gui.services.session import NOT_REACHED_LABEL, feature_available, feature_from_error, server_not_reached
from mmoauth_gui.services.validation.bulk import SERVER_CONCURRENCY, BulkValidation, bulk_on_server
from mmoauth_gui.services.validation.server import mattermost_not_reached, validate_stored_on_server
from mmoauth_gui.storage.validations import StoredValidation, server_key
from mmoauth_gui.ui.connection_form.dialog import ConnectionDialog
from mmoauth_gui.ui.connection_form.password_prompt import ask_password
from mmoauth_gui.ui.connections.editing import ConnectionEditing
from mmoauth_gui.ui.connections.model import ConnectionRole
from mmoauth_gui.ui.connections.render import NO_SELECTION_HTML, details_html
from mmoauth_gui.ui.connections.view import ConnectionsView
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.kit.badge import KIND_LABELS, badge_for
from mmoauth_gui.ui.kit.confirm import notify
from mmoauth_gui.ui.kit.impact_confirm import confirm_impact, impact_of
from mmoauth_gui.ui.kit.state_panel import PanelState
from mmoauth_gui.ui.kit.style import status_color
from mmoauth_gui.ui.kit.table_model import select_row
from mmoauth_gui.ui.runtime.errors import user_text
from mmoauth_gui.ui.runtime.signin import ConnectStatus
from mmoauth_gui.ui.runtime.tasks import alive, is_running

log = logging.getLogger(__name__)

WELCOME_TITLE = "Connect to a Mattermost server"
WELCOME_TEXT = (
    "Add a server with a personal access token, or your username and password. No server at hand? "
    "The demo sandbox is a simulated Mattermost server with sample connections and a token endpoint, "
    "running inside the app."
)
EMPTY_TITLE = "No Outgoing OAuth Connections found"
EMPTY_TEXT = (
    "Add one with “Add Outgoing OAuth Connection” (Ctrl+N): Mattermost then fetches an OAuth token from its "
    "token URL before calling the slash commands whose URL matches one of its audiences."
)
DELETE_TITLE = "Delete Integration"  # the backstage's title (docs/MATTERMOST.md Appendix F.3)
DELETE_WARNING = "Deleting this connection will break any integrations using it."
# "Validate all" shows its results at most this often: a QProgressBar repaints synchronously (1.4-3.5 ms),
# and each refresh also recounts the badges, so one refresh per result would stall the loop at high concurrency.
BULK_REFRESH_MS = 50


class ConnectionsController(QObject):
    profiles_requested = Signal(str)
    demo_requested = Signal()
    reconnect_requested = Signal()
    loaded = Signal()
    bulk_finished = Signal(object)  # dict id -> ValidationResult

    def __init__(self, ctx: AppContext, view: ConnectionsView, settings: QSettings | None = None) -> None:
        super().__init__(view)
        self.ctx = ctx
        self.view = view
        self.model = view.model
        self.proxy = view.proxy
        self.editing = ConnectionEditing(self, self)
        self.load_error: BaseException | None = None
        self.loading = False
        self.bulk: BulkValidation[str] | None = None
        self.bulk_concurrency = SERVER_CONCURRENCY
        self._bulk_task: asyncio.Task[Any] | None = None
        self._bulk_skipped = 0
        self._load_task: asyncio.Task[Any] | None = None
        self._stored: dict[str, StoredValidation] = {}
        self._emitting = False
        self._bulk_badges: dict[str, ValidationResult] = {}  # results not shown yet
        self._bulk_done_count: tuple[int, int] | None = None  # (done, total) not shown yet
        self._bulk_refresh = QTimer(self)
        self._bulk_refresh.setSingleShot(True)
        self._bulk_refresh.setInterval(BULK_REFRESH_MS)
        self._bulk_refresh.timeout.connect(self._flush_bulk_progress)

        view.add_button.clicked.connect(self.add)
        view.add_action.triggered.connect(self.add)
        view.edit_action.triggered.connect(self.edit_selected)
        view.duplicate_action.triggered.connect(self.duplicate_selected)
        view.delete_action.triggered.connect(self.delete_selected)
        view.validate_action.triggered.connect(self.validate_selected)
        view.validate_all_action.triggered.connect(self.validate_all)
        view.refresh_action.triggered.connect(self.reload)
        view.cancel_button.clicked.connect(self.cancel_bulk)
        view.search.textChanged.connect(self._search)
        view.table.doubleClicked.connect(lambda _i: self.edit_selected())
        view.table.selectionModel().selectionChanged.connect(self._rows_changed)
        # A reset drops the selection without selectionChanged: the pane would keep the previous server's row.
        for signal in (self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.dataChanged):
            signal.connect(self._rows_changed)
        ctx.session_changed.connect(self._session_changed)
        ctx.connect_state_changed.connect(self._show)
        ctx.connections_changed.connect(self._external_change)
        self._session_key: tuple[str, str | None] | None = None
        self._session_changed()

    # -- loading ---------------------------------------------------------------------------------

    def _session_changed(self) -> None:
        session = self.ctx.session
        key = (session.profile.url, session.team_id) if session else None
        if key == self._session_key:
            self._show()
            return
        self._session_key = key
        self.cancel_bulk()
        self._drop_bulk_progress()
        self.model.set_connections([])
        self.load_error = None
        if session is None:
            self._show()
        else:
            self.model.current_user_id = session.user.id
            self.reload()

    def _external_change(self) -> None:
        if not self._emitting and self.ctx.session is not None:
            self.reload()

    def _announce_change(self) -> None:
        self._emitting = True
        try:
            self.ctx.connections_changed.emit()
        finally:
            self._emitting = False

    def reload(self) -> asyncio.Task[Any] | None:
        if self.ctx.session is None:
            return None
        if is_running(self._load_task):
            self._load_task.cancel()
        self.loading = True
        self._show()
        self._load_task = self.ctx.tasks.start(
            self._load(),
            owner=self,
            button=self.view.refresh_action,
            on_error=self._load_failed,
            name="load connections",
        )
        return self._load_task

    async def _load(self) -> None:
        session = self.ctx.session
        if session is None:
            return
        try:
            connections = await session.client.list_connections(session.team_id)
        except MattermostError as exc:
            self.ctx.set_feature(feature_from_error(exc))
            self._load_failed(exc)
            return
        stored = await asyncio.to_thread(self.ctx.validations.all)
        if self.ctx.session is not session:
            return
        self._stored = {c.id: stored[k] for c in connections if (k := server_key(session.profile.url, c.id)) in stored}
        self.loading = False
        self.load_error = None
        if not session.feature.available:
            self.ctx.set_feature(feature_available(session.user))
        self.model.set_connections(connections)
        self.model.set_badges({cid: badge_for(s.result, s.checked_at) for cid, s in self._stored.items()})
        self._show()
        self.view.fit_columns()
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        """The rows of an earlier load are dropped: nothing the page no longer shows can be edited or counted."""
        self.loading = False
        self.load_error = exc
        if not isinstance(exc, MattermostError):
            log.error("loading connections failed", exc_info=exc)
        self.model.set_connections([])
        self._show()

    # -- what the page shows -------------------------------------------------------------------------

    def _show(self) -> None:
        view = self.view
        session = self.ctx.session
        state = self.ctx.connect_state
        if session is None:
            view.subtitle.setText("")
            if state.status == ConnectStatus.CONNECTING:
                view.show_state(PanelState.LOADING, state.message or "Connecting…")
            elif state.status == ConnectStatus.FAILED:
                servers = ("Servers…", lambda: self.profiles_requested.emit(state.profile_name))
                demo = ("Try the demo sandbox", self.demo_requested.emit)
                # refused sign-in: a token or password must be typed again, Reconnect alone cannot help
                signed_out = isinstance(state.error, NotAuthenticated)
                view.show_state(
                    PanelState.ERROR,
                    f"Could not connect to “{state.profile_name}”",
                    state.message,
                    (servers, demo) if signed_out else (("Reconnect", self.reconnect_requested.emit), servers, demo),
                )
            else:
                view.show_state(
                    PanelState.WELCOME,
                    WELCOME_TITLE,
                    WELCOME_TEXT,
                    (
                        ("Add server…", lambda: self.profiles_requested.emit("")),
                        ("Try the demo sandbox", self.demo_requested.emit),
                    ),
                )
        elif self.loading and self.model.rowCount() == 0:
            view.show_state(
                PanelState.LOADING, "Loading connections…", f"Reading every page from {session.profile.url}."
            )
        elif self.load_error is not None:
            actions: list[tuple[str, Any]] = [("Refresh", self.reload)]
            if isinstance(self.load_error, NotAuthenticated):
                actions.append(("Servers…", lambda: self.profiles_requested.emit(session.profile.name)))
            view.show_state(
                PanelState.ERROR, "The connections could not be loaded", user_text(self.load_error), tuple(actions)
            )
        elif self.model.rowCount() == 0:
            view.show_state(PanelState.EMPTY, EMPTY_TITLE, EMPTY_TEXT, (("Add Outgoing OAuth Connection", self.add),))
        elif self.proxy.rowCount() == 0:
            query = view.search.text().strip()
            view.show_state(
                PanelState.EMPTY,
                f"No connection matches “{query}”",
                "The search looks at names, client IDs, token URLs and audience URLs; every word must match.",
                (("Clear search", view.search.clear),),
            )
        else:
            view.show_table()
        self._update_subtitle()
        self._update_actions()

    def _update_subtitle(self) -> None:
        session = self.ctx.session
        if session is None:
            return
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        where = f"on {session.profile.name}" + (f", team {session.team.label}" if session.team else "")
        count = f"{total} connection{'s' if total != 1 else ''}"
        if self.load_error is not None or (self.loading and total == 0):
            count = "Connections"  # no count: none was read
        elif shown != total:
            count = f"{shown} of {count}"
        self.view.subtitle.setText(f"{count} {where}")
        counts = self.model.badge_counts()
        parts = []
        for kind in (Look.VALID, Look.REFUSED, Look.UNREACHABLE, Look.UNCHECKED):
            if counts.get(kind):
                color = status_color(kind, self.view).name()
                parts.append(f'<span style="color:{color}">{counts[kind]} {KIND_LABELS[kind].lower()}</span>')
        self.view.summary.setText(" · ".join(parts))

    def _update_actions(self, *_args: Any) -> None:
        view = self.view
        session = self.ctx.session is not None
        selected = self.selected() is not None
        bulk_running = is_running(self._bulk_task)
        feature = self.ctx.session.feature if self.ctx.session is not None else None
        can_add = feature is not None and feature.allows_adding
        view.add_action.setEnabled(can_add)
        view.add_button.setEnabled(can_add)
        view.add_button.setToolTip(f"Not possible on this server: {feature.label}." if feature and not can_add else "")
        for action in (view.edit_action, view.duplicate_action, view.delete_action, view.validate_action):
            action.setEnabled(session and selected)
        view.validate_all_action.setEnabled(session and self.model.rowCount() > 0 and not bulk_running)
        if not is_running(self._load_task):
            view.refresh_action.setEnabled(session)
        view.search.setEnabled(session)
        self._update_subtitle()

    def _search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._show()

    def _rows_changed(self, *_args: Any) -> None:
        self._update_actions()
        self._show_details()

    def selected(self) -> Connection | None:
        rows = self.view.table.selectionModel().selectedRows()
        if not rows:
            return None
        conn = rows[0].data(ConnectionRole)
        return conn if isinstance(conn, Connection) else None

    def select(self, connection_id: str) -> None:
        select_row(self.view.table, self.proxy, self.model, connection_id)

    def _show_details(self) -> None:
        conn = self.selected()
        if conn is None:
            self.view.details.setHtml(NO_SELECTION_HTML)
            return
        badge = self.model.badge(conn)
        color = status_color(badge.kind, self.view).name()
        self.view.details.setHtml(details_html(conn, badge, self._stored.get(conn.id), color))

    # -- add / edit / duplicate (ui/connections/editing.py) ---------------------------------------------

    @property
    def dialog(self) -> ConnectionDialog | None:
        return self.editing.dialog

    def add(self) -> ConnectionDialog | None:
        return self.editing.add()

    def edit_selected(self) -> ConnectionDialog | None:
        return self.editing.edit_selected()

    def duplicate_selected(self) -> ConnectionDialog | None:
        return self.editing.duplicate_selected()

    def form_validated(self, conn: Connection, results: dict[str, ValidationResult | None]) -> None:
        if conn.id:
            self._remember(conn.id, results)

    def _about_connection(self, result: ValidationResult) -> bool:
        """False for a result that only says the Mattermost server did not answer: that is the server's state
        (shown beside "Outgoing OAuth"), never a connection's badge, and the last real result is kept."""
        session = self.ctx.session
        if mattermost_not_reached(result):
            self.ctx.set_feature(server_not_reached(result.hint))
            return False
        if session is not None and session.feature.label == NOT_REACHED_LABEL:
            self.ctx.set_feature(feature_available(session.user))
        return True

    def _remember(self, connection_id: str, results: dict[str, ValidationResult | None]) -> None:
        server = results.get("server")
        result = server if server is not None and self._about_connection(server) else results.get("desktop")
        session = self.ctx.session
        if result is None or session is None:
            return
        self._record(connection_id, result)
        key = server_key(session.profile.url, connection_id)
        self.ctx.tasks.start(
            asyncio.to_thread(self.ctx.validations.put, key, result), owner=self, name="store validation"
        )

    def _record(self, connection_id: str, result: ValidationResult) -> None:
        self._keep(connection_id, result)
        self.model.set_badge(connection_id, badge_for(result))
        if (selected := self.selected()) is not None and selected.id == connection_id:
            self._show_details()
        self._update_subtitle()

    def _keep(self, connection_id: str, result: ValidationResult) -> None:
        self._stored[connection_id] = StoredValidation(result.without_token(), result.checked_at)

    def connection_saved(self, saved: Connection, results: dict[str, ValidationResult | None], editing: bool) -> None:
        self.model.upsert(saved)
        if any(results.values()):
            self._remember(saved.id, results)
        self.select(saved.id)
        self._show()
        self._announce_change()
        verb = "Updated" if editing else "Saved"
        self.ctx.status_message.emit(f"{verb} “{saved.name}”.")

    # -- delete ----------------------------------------------------------------------------------

    def delete_selected(self) -> asyncio.Task[Any] | None:
        conn = self.selected()
        if conn is None or self.ctx.session is None:
            return None
        return self.ctx.tasks.start(
            self._delete(conn), owner=self, button=self.view.delete_action, on_error=self._action_failed, name="delete"
        )

    async def _delete(self, conn: Connection) -> None:
        session = self.ctx.session
        if session is None:
            return
        impact = await impact_of(self.ctx.affected_commands_provider, conn, None)
        if not await confirm_impact(
            self.view,
            DELETE_TITLE,
            f"Are you sure you want to delete {conn.name}?",
            "Yes, delete it",
            impact,
            warning=DELETE_WARNING,
            destructive=True,
        ):
            return
        await session.client.delete_connection(conn.id)
        self.model.remove(conn.id)
        self._stored.pop(conn.id, None)
        await asyncio.to_thread(self.ctx.validations.remove, server_key(session.profile.url, conn.id))
        self._show()
        self._announce_change()
        self.ctx.status_message.emit(f"Deleted “{conn.name}”.")

    def _action_failed(self, exc: BaseException) -> None:
        log.warning("connection action failed: %s", type(exc).__name__)
        notify(self.view, "The action did not complete", user_text(exc))

    # -- validation ------------------------------------------------------------------------------

    def validate_selected(self) -> asyncio.Task[Any] | None:
        conn = self.selected()
        if conn is None or self.ctx.session is None:
            return None
        return self.ctx.tasks.start(
            self._validate_one(conn),
            owner=self,
            button=self.view.validate_action,
            on_error=self._action_failed,
            name="validate one",
        )

    async def _validate_one(self, conn: Connection) -> None:
        session = self.ctx.session
        if session is None:
            return
        if conn.uses_password_grant:  # the server fills in the stored secret, not the password
            password = await ask_password(self.view, conn)
            if password is None:
                return
            conn = conn.with_changes(credentials_password=password)
        self.ctx.status_message.emit(f"Validating “{conn.name}” on the server…")
        result = await validate_stored_on_server(session.client, conn, session.team_id)
        self._remember(conn.id, {"server": result})
        if mattermost_not_reached(result):
            self.ctx.status_message.emit(f"“{conn.name}” was not validated: {result.hint}")
        else:
            self.ctx.status_message.emit(f"“{conn.name}”: {result.summary}")

    def validate_all(self) -> asyncio.Task[Any] | None:
        session = self.ctx.session
        everything = self.model.connections()
        if session is None or not everything or is_running(self._bulk_task):
            return None
        # the server fills in a stored secret but never a stored password: those are checked one by one
        connections = [c for c in everything if not c.uses_password_grant]
        self._bulk_skipped = len(everything) - len(connections)
        view = self.view
        bulk = bulk_on_server(
            session.client,
            {c.id: c for c in connections},
            team_id=session.team_id,
            stored_secret=True,
            concurrency=self.bulk_concurrency,
            on_progress=self._bulk_progress,
        )
        self.bulk = bulk
        view.progress.setRange(0, bulk.total)
        view.progress.setValue(0)
        view.progress_label.setText(f"Validating 0 of {bulk.total}…")
        view.progress_row.show()
        view.cancel_button.setEnabled(True)
        self._bulk_task = self.ctx.tasks.start(
            self._run_bulk(bulk, session.profile.url),
            owner=self,
            button=view.validate_all_action,
            on_error=self._action_failed,
            name="validate all",
        )
        self._bulk_task.add_done_callback(lambda task: self._bulk_done(task, bulk))
        self._update_actions()
        return self._bulk_task

    def _bulk_progress(self, done: int, total: int, key: str, result: ValidationResult) -> None:
        """Keep the result at once; show it (badge, counts, progress) with the others of the next refresh."""
        if self._about_connection(result):
            self._keep(key, result)
            self._bulk_badges[key] = result
        self._bulk_done_count = (done, total)
        if not self._bulk_refresh.isActive():
            self._bulk_refresh.start()

    def _flush_bulk_progress(self) -> None:
        if not alive(self.view):
            return
        self._bulk_refresh.stop()
        badges, self._bulk_badges = self._bulk_badges, {}
        progress, self._bulk_done_count = self._bulk_done_count, None
        for key, result in badges.items():
            self.model.set_badge(key, badge_for(result))
        selected = self.selected()
        if selected is not None and selected.id in badges:
            self._show_details()
        if badges:
            self._update_subtitle()
        if progress is not None:
            done, total = progress
            self.view.progress.setValue(done)
            self.view.progress_label.setText(f"Validating {done} of {total}…")

    def _drop_bulk_progress(self) -> None:
        self._bulk_refresh.stop()
        self._bulk_badges.clear()
        self._bulk_done_count = None

    async def _run_bulk(self, bulk: BulkValidation[str], server_url: str) -> None:
        try:
            await bulk.run()
        finally:
            results = {k: r for k, r in bulk.results.items() if not mattermost_not_reached(r)}
            if results:
                await asyncio.to_thread(
                    self.ctx.validations.put_many, {server_key(server_url, k): r for k, r in results.items()}
                )

    def _bulk_done(self, task: asyncio.Task[Any], bulk: BulkValidation[str]) -> None:
        if not alive(self.view):
            return
        if bulk is self.bulk:
            self._flush_bulk_progress()
        self.view.progress_row.hide()
        results = dict(bulk.results)
        counts: dict[Look, int] = {}
        for result in results.values():
            kind = Look.NONE if mattermost_not_reached(result) else badge_for(result).kind
            counts[kind] = counts.get(kind, 0) + 1
        not_validated = {Look.NONE: "not validated (the Mattermost server was not reached)"}
        tally = ", ".join(f"{n} {not_validated.get(k) or KIND_LABELS[k].lower()}" for k, n in counts.items())
        if task.cancelled():
            message = f"Validation cancelled after {len(results)} of {bulk.total}" + (f": {tally}." if tally else ".")
        else:
            message = f"Validated {len(results)} connections: {tally}."
        if self._bulk_skipped:
            message += f" {self._bulk_skipped} not checked (password grant: Validate it alone to type the password)."
        self.ctx.status_message.emit(message)
        self.view.progress_label.setText(message)
        self._update_actions()
        self.bulk_finished.emit(results)

    def cancel_bulk(self) -> None:
        if is_running(self._bulk_task):
            self.view.cancel_button.setEnabled(False)
            self._bulk_task.cancel()

    def bulk_running(self) -> bool:
        return is_running(self._bulk_task)

    def close(self) -> None:
        self.ctx.tasks.cancel_owner(self)
        if self.dialog is not None:
            self.dialog.form.close_tasks()

    def index_of(self, connection_id: str) -> QModelIndex:
        row = self.model.row_of(connection_id)
        return self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
