"""The connections table: one row per connection, with its last-validation badge."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt

from mmoauth_gui.core.model import Connection
from mmoauth_gui.ui.kit.badge import KIND_ORDER, NOT_CHECKED, Badge, created_text
from mmoauth_gui.ui.kit.icons import status_icon
from mmoauth_gui.ui.kit.table_model import RowsTableModel

ConnectionRole = Qt.ItemDataRole.UserRole + 1
SearchRole = Qt.ItemDataRole.UserRole + 2
SortRole = Qt.ItemDataRole.UserRole + 3
BadgeRole = Qt.ItemDataRole.UserRole + 4

COLUMNS = ("Name", "Client ID", "Token URL", "Audiences", "Last validation", "Created", "Used by")
NAME, CLIENT_ID, TOKEN_URL, AUDIENCES, VALIDATION, CREATED, USED_BY = range(len(COLUMNS))
NOT_SYNCED = "Not synced yet"
SYNC_NEEDED = "Sync needed"


class ConnectionsModel(RowsTableModel[Connection]):
    columns = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._badges: dict[str, Badge] = {}
        self.current_user_id = ""
        self._usage: dict[str, int] | None = None  # "Used by N commands", from the slash-command preview
        self._usage_note = ""
        self._failure_badges: dict[str, str] = {}  # "3 token failures in the last hour", from the Health page

    def _key(self, row: Connection) -> str:
        return row.id

    def _role_data(self, conn: Connection, column: int, role: int, position: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == VALIDATION:
            return status_icon(self.badge(conn).kind)
        if role == ConnectionRole:
            return conn
        if role == BadgeRole:
            return self.badge(conn)
        if role == SearchRole:
            return "\n".join((conn.name, conn.client_id, conn.oauth_token_url, *conn.audiences)).casefold()
        if role == SortRole:
            return self._sort_key(conn, column)
        return None

    # -- content ---------------------------------------------------------------------------------

    def set_connections(self, connections: Iterable[Connection]) -> None:
        self._reset_rows(connections)

    def connections(self) -> list[Connection]:
        return self.rows()

    def connection(self, row: int) -> Connection:
        return self._rows[row]

    def upsert(self, conn: Connection) -> int:
        return self._upsert(conn)

    def remove(self, connection_id: str) -> None:
        if self._remove(connection_id):
            self._badges.pop(connection_id, None)

    def badge(self, conn: Connection) -> Badge:
        return self._badges.get(conn.id, NOT_CHECKED)

    def set_badges(self, badges: dict[str, Badge]) -> None:
        self._badges = dict(badges)
        self._column_changed(VALIDATION)

    def set_badge(self, connection_id: str, badge: Badge) -> None:
        self._badges[connection_id] = badge
        row = self.row_of(connection_id)
        if row >= 0:
            index = self.index(row, VALIDATION)
            self.dataChanged.emit(index, index)

    def set_usage(self, usage: dict[str, int] | None, note: str = "") -> None:
        """Commands per connection id from the slash-command preview (None: no preview yet)."""
        self._usage = dict(usage) if usage is not None else None
        self._usage_note = note
        self._column_changed(USED_BY)

    def set_failure_badges(self, badges: dict[str, str]) -> None:
        """The server's own recent token failures per connection id, read from its log (Health page)."""
        self._failure_badges = dict(badges)
        self._column_changed(VALIDATION)

    def failure_badge(self, conn: Connection) -> str:
        return self._failure_badges.get(conn.id, "")

    def usage(self, conn: Connection) -> int | None:
        return self._usage.get(conn.id) if self._usage is not None else None

    def badge_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for conn in self._rows:
            kind = self.badge(conn).kind
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    # -- cells -----------------------------------------------------------------------------------

    def _display(self, conn: Connection, column: int) -> str:
        if column == NAME:
            return conn.name
        if column == CLIENT_ID:
            return conn.client_id or "(not returned by the server)"
        if column == TOKEN_URL:
            return conn.oauth_token_url
        if column == AUDIENCES:
            return _audiences_text(conn.audiences)
        if column == VALIDATION:
            failures = self.failure_badge(conn)
            return self.badge(conn).text() + (f" — {failures}" if failures else "")
        if column == CREATED:
            return created_text(conn.create_at)
        if column == USED_BY:
            used = self.usage(conn)
            if used is None:  # no sync yet, or one from before this connection existed (ids change on a new server)
                return NOT_SYNCED if self._usage is None else SYNC_NEEDED
            return f"{used} command{'s' if used != 1 else ''}"
        return ""

    def _tooltip(self, conn: Connection, column: int) -> str | None:
        if column == AUDIENCES and conn.audiences:
            return "\n".join(conn.audiences)
        if column == VALIDATION:
            badge = self.badge(conn)
            failures = self.failure_badge(conn)
            logged = f"\nThe server logged {failures} (Health page)." if failures else ""
            if badge.checked_at is None:
                return "Not validated from this app yet: select it and choose Validate, or Validate all." + logged
            where = {"desktop": " from this computer", "server": " by the server"}.get(badge.source, "")
            stamp = badge.checked_at.strftime("%Y-%m-%d %H:%M:%S")
            summary = f"\n{badge.summary}" if badge.summary else ""
            return f"Checked{where} at {stamp}: {badge.label}{summary}{logged}"
        if column == CREATED and conn.create_at:
            who = "you" if conn.creator_id and conn.creator_id == self.current_user_id else conn.creator_id
            return f"Created {created_text(conn.create_at)}" + (f" by {who}" if who else "")
        if column == USED_BY:
            used = self.usage(conn)
            if self._usage is None:
                return "Sync on the Slash commands tab to count the slash commands using each connection."
            if used is None:
                return "Not in the last slash-command sync: Sync on the Slash commands tab."
            return (
                f"{used} slash command{'s' if used != 1 else ''} would carry this connection's token "
                f"({self._usage_note or 'last sync'}). Connection › Show slash commands lists them."
            )
        if column == NAME and conn.grant_type == "password":
            return f"{conn.name} — password grant (user {conn.credentials_username or 'not returned'})"
        return None

    def _sort_key(self, conn: Connection, column: int) -> Any:
        if column == VALIDATION:
            badge = self.badge(conn)
            stamp = badge.checked_at.timestamp() if badge.checked_at else 0.0
            return f"{KIND_ORDER.get(badge.kind, 9)}:{stamp:020.3f}:{conn.name.casefold()}"
        if column == CREATED:
            return f"{conn.create_at:020d}"
        if column == USED_BY:
            used = self.usage(conn)
            return f"{-1 if used is None else used:010d}:{conn.name.casefold()}"
        text = self._display(conn, column) if column != AUDIENCES else " ".join(conn.audiences)
        return f"{text.casefold()}\x00{conn.name.casefold()}"


def _audiences_text(audiences: Sequence[str]) -> str:
    if not audiences:
        return ""
    if len(audiences) == 1:
        return audiences[0]
    return f"{audiences[0]}  (+{len(audiences) - 1} more)"
