"""What the Slash commands page does: show the preview and its problems, filter it, explain a row, export it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QObject, QSettings, Qt, QTimer, QUrl
from PySide6.QtWidgets import QFileDialog, QListWidgetItem

from mmoauth_gui.core.audience import audience_matches
from mmoauth_gui.core.preview.build import PreviewRow, Status
from mmoauth_gui.core.preview.report import PreviewWarning, WarningKind, sync_problems
from mmoauth_gui.core.status import Look
from mmoauth_gui.core.webhooks import WebhookCallback
from mmoauth_gui.services.preview_fetch import SyncProgress
from mmoauth_gui.ui.kit.confirm import notify
from mmoauth_gui.ui.kit.icons import status_icon
from mmoauth_gui.ui.kit.state_panel import PanelState
from mmoauth_gui.ui.kit.style import status_color
from mmoauth_gui.ui.kit.table_model import select_row
from mmoauth_gui.ui.preview.export import FORMATS, export_dialog, write_export
from mmoauth_gui.ui.preview.model import STATUS_KINDS, STATUS_LABELS, RowRole, method_text, webhook_summary
from mmoauth_gui.ui.preview.refresh import PreviewSync
from mmoauth_gui.ui.preview.state import PreviewData, PreviewState
from mmoauth_gui.ui.preview.try_dialog import TryDialog
from mmoauth_gui.ui.preview.view import PreviewView
from mmoauth_gui.ui.runtime.errors import user_text
from mmoauth_gui.ui.runtime.signin import ConnectStatus

if TYPE_CHECKING:
    from mmoauth_gui.ui.connections.model import ConnectionsModel
    from mmoauth_gui.ui.context import AppContext

log = logging.getLogger(__name__)

SERVER_CHECK_KEY = "preview/server_check"
WarningRole = Qt.ItemDataRole.UserRole + 1
WARNING_KINDS = {
    WarningKind.UNUSED_AUDIENCE: Look.INFO,
    WarningKind.UNUSED_CONNECTION: Look.INFO,
    WarningKind.AMBIGUOUS_OVERLAP: Look.WARNING,
    WarningKind.INSECURE_URL: Look.ERROR,
}
CONNECT_TITLE = "Connect to a server, then Sync"
CONNECT_TEXT = (
    "The preview reads every team's custom slash commands and the outgoing OAuth connections, then shows which "
    "connection's token each command will carry. No server at hand? Try the demo sandbox."
)
NO_PREVIEW_TITLE = "No preview yet"
NO_PREVIEW_TEXT = (
    "Sync reads every team's custom slash commands and all connections from {server}, then predicts which "
    "connection's token each command will carry."
)
NO_COMMANDS_TEXT = (
    "Commands added by plugins and built-in commands never fetch a token, so they are not listed. Add a custom "
    "slash command in Integrations › Slash Commands, then Sync."
)
PARTIAL_SYNC = (
    "Some commands could not be read (see above): an audience or connection reported below as matching no "
    "command may match one of them."
)
NO_WARNINGS = "No warnings: every audience matches a command, no connections overlap, no token goes over http://."


class PreviewController(QObject):
    def __init__(
        self,
        ctx: AppContext,
        view: PreviewView,
        state: PreviewState,
        syncer: PreviewSync,
        *,
        settings: QSettings | None = None,
        add_server: Callable[[], Any] | None = None,
        start_demo: Callable[[], Any] | None = None,
        connections_model: ConnectionsModel | None = None,
    ) -> None:
        super().__init__(view)
        self.ctx = ctx
        self.view = view
        self.state = state
        self.syncer = syncer
        self.settings = settings
        self.add_server = add_server
        self.start_demo = start_demo
        self.connections_model = connections_model
        self.model = view.model
        self.proxy = view.proxy
        self.export_dialog: QFileDialog | None = None
        self._filling = False
        self._refiltering = False
        self._chosen: str | None = None  # the command id the person selected, kept across filters
        self._shown_data: PreviewData | None = None

        checked = settings.value(SERVER_CHECK_KEY, True, type=bool) if settings is not None else True
        view.server_check.setChecked(bool(checked))
        syncer.server_check = view.server_check.isChecked()
        view.server_check.toggled.connect(self._server_check_toggled)
        view.sync_button.clicked.connect(self.sync)
        view.sync_action.triggered.connect(self.sync)
        view.cancel_button.clicked.connect(syncer.cancel)
        view.export_csv_action.triggered.connect(lambda: self.export("csv"))
        view.export_json_action.triggered.connect(lambda: self.export("json"))
        view.team_combo.currentIndexChanged.connect(self._filters_changed)
        view.connection_combo.currentIndexChanged.connect(self._filters_changed)
        view.kind_combo.currentIndexChanged.connect(self._filters_changed)
        view.try_button.clicked.connect(self.try_selected)
        self.try_dialog: TryDialog | None = None
        view.search.textChanged.connect(self._filters_changed)
        view.status_group.buttonToggled.connect(self._status_toggled)
        view.table.selectionModel().selectionChanged.connect(self._selection_changed)
        view.details.anchorClicked.connect(self._link_clicked)
        view.warnings.itemActivated.connect(self._warning_activated)
        syncer.progress.connect(self._progress)
        syncer.running_changed.connect(self._running_changed)
        syncer.finished.connect(self._sync_finished)
        state.changed.connect(self._data_changed)
        ctx.session_changed.connect(self._show)
        ctx.connect_state_changed.connect(self._show)
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(30_000)
        self._age_timer.timeout.connect(self._show_subtitle)
        self._age_timer.start()
        self._data_changed()

    # -- actions -----------------------------------------------------------------------------------

    def sync(self) -> asyncio.Task[Any] | None:
        return self.syncer.sync()

    def _server_check_toggled(self, on: bool) -> None:
        self.syncer.server_check = on
        if self.settings is not None:
            self.settings.setValue(SERVER_CHECK_KEY, on)
        self._show_subtitle()

    def show_connection(self, key: str) -> None:
        """Show every command of one connection: the other filters are cleared."""
        self._filling = True
        self.view.team_combo.setCurrentIndex(0)
        index = self.view.connection_combo.findData(key)
        self.view.connection_combo.setCurrentIndex(max(0, index))
        self.view.search.clear()
        self.view.set_status_filter(None)
        self._filling = False
        self._filters_changed()

    def refresh_age(self) -> None:
        self._show_subtitle()

    def clear_filters(self) -> None:
        self._filling = True
        self.view.team_combo.setCurrentIndex(0)
        self.view.kind_combo.setCurrentIndex(0)
        self.view.connection_combo.setCurrentIndex(0)
        self.view.search.clear()
        self.view.set_status_filter(None)
        self._filling = False
        self._filters_changed()

    def close(self) -> None:
        self._age_timer.stop()
        self.syncer.cancel()
        self.ctx.tasks.cancel_owner(self)

    # -- the data ----------------------------------------------------------------------------------

    def _data_changed(self) -> None:
        data = self.state.data
        if data is not self._shown_data:
            self._shown_data = data
            selected = self.selected()
            if data is None:
                self.model.set_preview(None)
            else:
                self.model.set_preview(data.preview, data.rows, data.team_label, data.result.channel_label)
            self._fill_filters(data)
            self._fill_warnings(data)
            self._publish_usage(data)
            if selected is not None:
                self.select(selected.command_id)
        self._filters_changed()

    def _publish_usage(self, data: PreviewData | None) -> None:
        model = self.connections_model
        if model is None or not hasattr(model, "set_usage"):
            return
        if data is None:
            model.set_usage(None)
        else:
            model.set_usage(data.usage, data.age_line())

    def _fill_filters(self, data: PreviewData | None) -> None:
        view = self.view
        team = view.team_combo.currentData()
        connection = view.connection_combo.currentData()
        self._filling = True
        view.team_combo.clear()
        view.team_combo.addItem("All teams", None)
        view.connection_combo.clear()
        view.connection_combo.addItem("All connections", None)
        if data is not None:
            errors = data.result.team_errors
            for t in sorted(data.result.teams, key=lambda t: t.label.casefold()):
                label = t.label + (" (could not be read)" if t.id in errors else "")
                view.team_combo.addItem(label, t.id)
            connections = sorted(data.preview.connections.items(), key=lambda kv: (kv[1].name.casefold(), kv[0]))
            for key, conn in connections:
                view.connection_combo.addItem(f"{conn.name or key} ({data.usage.get(key, 0)})", key)
        view.team_combo.setCurrentIndex(max(0, view.team_combo.findData(team)))
        view.connection_combo.setCurrentIndex(max(0, view.connection_combo.findData(connection)))
        self._filling = False

    def _fill_warnings(self, data: PreviewData | None) -> None:
        view = self.view
        view.warnings.clear()
        warnings = data.warnings if data is not None else ()
        for warning in warnings:
            item = QListWidgetItem(status_icon(WARNING_KINDS.get(warning.kind, Look.WARNING), view), warning.message)
            item.setData(WarningRole, warning)
            item.setToolTip(warning.message)
            view.warnings.addItem(item)
        if data is not None and not warnings:
            item = QListWidgetItem(status_icon(Look.VALID, view), NO_WARNINGS)
            view.warnings.addItem(item)
        elif data is not None and (data.result.team_errors or data.result.team_notes):
            item = QListWidgetItem(status_icon(Look.UNCHECKED, view), PARTIAL_SYNC)
            item.setToolTip(PARTIAL_SYNC)
            view.warnings.insertItem(0, item)
        view.warnings_title.setText(f"Warnings ({len(warnings)})" if warnings else "Warnings")

    # -- filters and counts ------------------------------------------------------------------------

    def _status_toggled(self, _button: Any, on: bool) -> None:
        if on:
            self._filters_changed()

    def _filters_changed(self, *_args: Any) -> None:
        if self._filling:
            return
        view = self.view
        self._refiltering = True
        try:
            self.proxy.set_filters(
                team_id=view.team_combo.currentData(),
                connection_id=view.connection_combo.currentData(),
                status=view.status_filter(),
                search=view.search.text(),
                kind=view.kind_filter(),
            )
            self._keep_choice()
        finally:
            self._refiltering = False
        data = self.state.data
        counted = self.proxy.counted_rows() if data is not None else []
        view.set_counts(data.preview.counts(counted) if data is not None else dict.fromkeys(Status, 0))
        self._show()

    def _keep_choice(self) -> None:
        """The row the person chose stays selected while shown; hidden, nothing else takes its place."""
        selected = self.selected()
        if selected is not None and selected.command_id == self._chosen:
            return
        table = self.view.table
        table.selectionModel().clear()
        if self._chosen is not None:
            self.select(self._chosen)

    def shown_rows(self) -> list[PreviewRow]:
        """The rows the table shows, in its order."""
        return [self.proxy.index(i, 0).data(RowRole) for i in range(self.proxy.rowCount())]

    # -- what the page shows -----------------------------------------------------------------------

    def _show(self) -> None:
        self.view.set_content_visible(self.state.data is not None)
        self._show_subtitle()
        self._show_problems()
        self._show_body()
        self._update_actions()
        if self.selected() is None:
            self._show_details()

    def _show_subtitle(self) -> None:
        data = self.state.data
        view = self.view
        if data is None:
            view.subtitle.setText("Syncing…" if self.syncer.running else "")
            return
        parts = [data.age_line(), data.result.server_url]
        if data.offline and self.ctx.session is None:
            parts.append("not connected")
        text = " · ".join(parts)
        if not data.result.server_checked:
            text += (
                "\nThe server was not asked per URL: statuses are predictions. Tick “Ask the server per URL” "
                "and Sync to compare with its answers."
                if not view.server_check.isChecked()
                else "\nThe server was not asked per URL in this sync: Sync again to compare with its answers."
            )
        view.subtitle.setText(text)

    def _show_problems(self) -> None:
        data = self.state.data
        lines = []
        if self.syncer.error and not self.syncer.running:
            shown = "; the preview shown is the previous one" if data is not None else ""
            lines.append((Look.ERROR, f"Sync failed{shown}: {self.syncer.error}"))
        if self.state.problem:
            lines.append((Look.WARNING, self.state.problem))
        if data is not None:
            for problem in sync_problems(data.result):
                kind = Look.ERROR if problem["kind"] == "team_error" else Look.WARNING
                lines.append((kind, problem["message"]))
        label = self.view.problems
        if not lines:
            label.clear()
            label.hide()
            return
        html = "<br>".join(
            f'<span style="color:{status_color(kind, label).name()}">{"✖" if kind == Look.ERROR else "⚠"}</span>'
            f"&nbsp;{escape(text)}"
            for kind, text in lines
        )
        label.setText(html)
        label.setAccessibleDescription("\n".join(text for _k, text in lines))
        label.show()

    def _show_body(self) -> None:
        view = self.view
        data = self.state.data
        session = self.ctx.session
        if data is None:
            if self.syncer.running or self.state.loading:
                what = "Reading the slash commands…" if self.syncer.running else "Opening the offline copy…"
                view.show_state(PanelState.LOADING, what)
            elif session is None:
                connect = self.ctx.connect_state
                if connect.status == ConnectStatus.CONNECTING:
                    view.show_state(PanelState.LOADING, connect.message or "Connecting…")
                else:
                    actions = []
                    if self.add_server is not None:
                        actions.append(("Add server…", self.add_server))
                    if self.start_demo is not None:
                        actions.append(("Try the demo sandbox", self.start_demo))
                    view.show_state(PanelState.WELCOME, CONNECT_TITLE, CONNECT_TEXT, tuple(actions))
            elif self.syncer.error:
                view.show_state(
                    PanelState.ERROR,
                    "The slash commands could not be read",
                    self.syncer.error,
                    (("Sync again", self.sync),),
                )
            else:
                body = NO_PREVIEW_TEXT.format(server=session.profile.url)
                view.show_state(PanelState.EMPTY, NO_PREVIEW_TITLE, body, (("Sync now", self.sync),))
            return
        if self.model.rowCount() == 0:
            if data.result.unavailable:
                view.show_state(
                    PanelState.ERROR, "The preview is not available on this server", data.result.unavailable
                )
            elif not data.result.teams:
                view.show_state(
                    PanelState.EMPTY,
                    "This account is in no team",
                    "The preview lists the custom slash commands of the teams the account belongs to: join a team, "
                    "or sign in with an account that is a member of the teams to check.",
                    (("Sync again", self.sync),),
                )
            else:
                where = "this server's teams" if len(data.result.teams) != 1 else "this team"
                body = NO_COMMANDS_TEXT
                if data.result.team_errors:
                    body = "Some teams could not be read (see above). " + body
                view.show_state(
                    PanelState.EMPTY, f"No custom slash commands on {where}", body, (("Sync again", self.sync),)
                )
            return
        if self.proxy.rowCount() == 0:
            self._show_filtered_empty(data)
            return
        view.show_table()

    def _show_filtered_empty(self, data: PreviewData) -> None:
        view = self.view
        proxy = self.proxy
        clear = (("Clear filters", self.clear_filters),)
        if proxy.team_id is not None and proxy.connection_id is None and not proxy.terms and proxy.status is None:
            label = data.team_label(proxy.team_id)
            error = data.result.team_errors.get(proxy.team_id)
            if error:
                view.show_state(PanelState.ERROR, f"{label}: the slash commands could not be read", error, clear)
            else:
                view.show_state(PanelState.EMPTY, "No custom slash commands on this team", NO_COMMANDS_TEXT, clear)
            return
        if proxy.connection_id is not None and proxy.team_id is None and not proxy.terms and proxy.status is None:
            name = data.preview.quoted(proxy.connection_id)
            view.show_state(
                PanelState.EMPTY,
                f"No slash command uses {name}",
                "None of its audiences matches a command URL synced from the server: check them for a typo, a "
                "missing * or a trailing-slash difference (see the warnings).",
                clear,
            )
            return
        view.show_state(PanelState.EMPTY, "No command matches these filters", "", clear)

    def _update_actions(self) -> None:
        view = self.view
        session = self.ctx.session is not None
        running = self.syncer.running
        view.sync_button.setEnabled(session and not running)
        view.sync_action.setEnabled(session and not running)
        has_rows = self.state.data is not None and self.proxy.rowCount() > 0
        view.export_button.setEnabled(has_rows)
        view.export_csv_action.setEnabled(has_rows)
        view.export_json_action.setEnabled(has_rows)
        for widget in (view.team_combo, view.kind_combo, view.connection_combo, view.search):
            widget.setEnabled(self.state.data is not None)
        view.try_button.setEnabled(session and self.selected() is not None)

    # -- sync progress -----------------------------------------------------------------------------

    def _progress(self, p: SyncProgress) -> None:
        view = self.view
        view.progress.setRange(0, max(1, p.total))
        view.progress.setValue(min(p.done, p.total))
        view.progress_label.setText(f"Syncing {p.done} of {p.total}: {p.what}…" if p.what != "done" else "Done")

    def _running_changed(self, running: bool) -> None:
        view = self.view
        if running:
            view.progress.setRange(0, 0)
            view.progress_label.setText("Syncing…")
        view.progress_row.setVisible(running)
        view.cancel_button.setEnabled(running)
        self._show()

    def _sync_finished(self, error: str) -> None:
        data = self.state.data
        if error:
            self.ctx.status_message.emit(f"Sync failed: {error}")
        elif data is not None:
            counts = data.preview.counts()
            tally = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
            self.ctx.status_message.emit(f"Synced {len(data.rows)} slash commands: {tally or 'none'}.")
        self._show()

    # -- selection and details ---------------------------------------------------------------------

    def selected(self) -> PreviewRow | None:
        rows = self.view.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].data(RowRole)
        return row if isinstance(row, PreviewRow) else None

    def select(self, command_id: str) -> bool:
        return select_row(self.view.table, self.proxy, self.model, command_id)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._refiltering:
            selected = self.selected()
            self._chosen = selected.command_id if selected is not None else None
        self._show_details()
        self._update_actions()

    def try_selected(self) -> TryDialog | None:
        """Open the Try dialog for the selected command or webhook callback (not modal)."""
        row = self.selected()
        if row is None or self.ctx.session is None:
            return None
        if self.try_dialog is not None:
            self.try_dialog.close()
            self.try_dialog.deleteLater()
        self.try_dialog = TryDialog(self.ctx, row, self.view)
        self.try_dialog.open()
        return self.try_dialog

    def _show_details(self) -> None:
        row = self.selected()
        data = self.state.data
        details = self.view.details
        if row is None or data is None:
            if data is None:
                details.setHtml("")
            else:
                details.setHtml(
                    "<p>Select a command to see why it has its status and which audience matches its URL. "
                    "Click a status above to see only those commands.</p>"
                )
            return
        preview = data.preview
        color = status_color(STATUS_KINDS[row.status], details).name()
        cmd = row.command
        label = STATUS_LABELS[row.status]
        explanation = row.explanation.removeprefix(f"{label}: ")
        explanation = explanation[:1].upper() + explanation[1:]
        explanation += preview.near_miss_note(row.verdict)
        if isinstance(cmd, WebhookCallback):
            head = f"<b>{escape(cmd.label)}</b> — outgoing webhook"
            summary = webhook_summary(cmd, data.result.channel_label(cmd.hook.channel_id))
            request = f"POST {escape(cmd.url)}</p><p style='margin-top:0'>{escape(summary)}"
        else:
            head = f"<b>/{escape(cmd.trigger)}</b>" + (f" — {escape(cmd.display_name)}" if cmd.display_name else "")
            request = f"{method_text(cmd.method)} {escape(cmd.url)}"
        lines = [
            f"<p style='margin-bottom:4px'>{head} <span>({escape(data.team_label(cmd.team_id))})</span></p>",
            f"<p style='margin-top:0'>{request}</p>",
            f"<p><b><span style='color:{color}'>{label}</span></b> — {escape(explanation)}</p>",
        ]
        if row.matches:
            items = []
            for key in row.matches:
                conn = preview.connections.get(key)
                audience = next((a for a in (conn.audiences if conn else ()) if audience_matches(a, cmd.url)), "")
                items.append(
                    f"<li><a href='connection:{escape(key)}'>{escape(preview.name_of(key))}</a>"
                    + (f" — audience {escape(audience)}" if audience else "")
                    + "</li>"
                )
            lines.append("<p style='margin-bottom:0'><b>Matching connections</b></p><ul>" + "".join(items) + "</ul>")
        if row.verdict.server_known:
            answer = row.server_connection_id
            shown = (
                f"<a href='connection:{escape(answer)}'>{escape(preview.name_of(answer))}</a>"
                if answer is not None
                else "no connection"
            )
            lines.append(f"<p><b>The server's answer:</b> {shown}</p>")
        else:
            lines.append(
                "<p><b>The server's answer:</b> not asked — tick “Ask the server per URL” and Sync to compare.</p>"
            )
        details.setHtml("".join(lines))

    def _link_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("connection:"):
            self.show_connection(text.split(":", 1)[1])

    # -- warnings ----------------------------------------------------------------------------------

    def _warning_activated(self, item: QListWidgetItem) -> None:
        warning = item.data(WarningRole)
        if not isinstance(warning, PreviewWarning):
            return
        if warning.kind is WarningKind.AMBIGUOUS_OVERLAP and warning.connection_ids:
            self.show_connection(warning.connection_ids[0])
            self.view.set_status_filter(Status.AMBIGUOUS)
        elif warning.kind is WarningKind.INSECURE_URL and warning.url:
            self.clear_filters()
            self.view.search.setText(warning.url)
        elif warning.connection_ids:
            self.show_connection(warning.connection_ids[0])
        if warning.command_ids:
            self.select(warning.command_ids[0])

    # -- export ------------------------------------------------------------------------------------

    def export(self, fmt: str) -> QFileDialog | None:
        data = self.state.data
        if data is None or fmt not in FORMATS:
            return None
        self.export_dialog = export_dialog(self.view, data, fmt, lambda path: self.export_to(path, fmt))
        return self.export_dialog

    def export_to(self, path: Path, fmt: str) -> asyncio.Task[Any] | None:
        data = self.state.data
        if data is None:
            return None
        rows = self.shown_rows()
        team_id = self.proxy.team_id
        return self.ctx.tasks.start(
            self._export(path, data, rows, fmt, team_id), owner=self, on_error=self._export_failed, name="export"
        )

    async def _export(self, path: Path, data: PreviewData, rows: list[PreviewRow], fmt: str, team_id: Any) -> None:
        await asyncio.to_thread(write_export, path, data, rows, fmt, team_id)
        total = len(data.rows)
        what = f"{len(rows)} of {total}" if len(rows) != total else f"{total}"
        self.ctx.status_message.emit(f"Exported {what} slash commands to {path}.")

    def _export_failed(self, exc: BaseException) -> None:
        log.warning("export failed: %s", type(exc).__name__)
        text = f"{exc.strerror}: {exc.filename}" if isinstance(exc, OSError) and exc.strerror else user_text(exc)
        notify(self.view, "The export was not written", text)
