"""The slash-command preview table: one row per command, with its predicted and server-side connection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette

from mmoauth_gui.core.model import Command, IntegrationKind
from mmoauth_gui.core.preview.build import Preview, PreviewRow, Status
from mmoauth_gui.core.preview.report import METHOD_NAMES
from mmoauth_gui.core.status import Look
from mmoauth_gui.core.webhooks import TRIGGER_WHEN_TEXT, WebhookCallback
from mmoauth_gui.ui.kit.icons import status_icon
from mmoauth_gui.ui.kit.style import palette_of, status_color
from mmoauth_gui.ui.kit.table_model import RowsTableModel

RowRole = Qt.ItemDataRole.UserRole + 1
SearchRole = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("Team", "Command", "Display name", "Method", "URL", "Connection", "Server's answer", "Status")
TEAM, TRIGGER, DISPLAY_NAME, METHOD, URL, CONNECTION, SERVER, STATUS = range(len(COLUMNS))

STATUS_LABELS = {
    Status.LINKED: "Linked",
    Status.UNLINKED: "Unlinked",
    Status.AMBIGUOUS: "Ambiguous",
    Status.MISMATCH: "Mismatch",
}
STATUS_KINDS = {  # ui.style / ui.icons kinds: colour and glyph
    Status.LINKED: Look.VALID,
    Status.UNLINKED: Look.UNCHECKED,
    Status.AMBIGUOUS: Look.WARNING,
    Status.MISMATCH: Look.ERROR,
}
STATUS_HELP = {
    Status.LINKED: "Exactly one connection's audience matches: its token replaces the command token.",
    Status.UNLINKED: "No connection matches: the command is sent with its own token, without OAuth.",
    Status.AMBIGUOUS: "Several connections match: the server picks one by a rule that is not public.",
    Status.MISMATCH: "The server's own answer differs from the prediction.",
}
STATUS_ORDER = {Status.MISMATCH: 0, Status.AMBIGUOUS: 1, Status.UNLINKED: 2, Status.LINKED: 3}
NOT_ASKED = "not asked"
NO_CONNECTION = "—"


def method_text(method: str) -> str:
    return METHOD_NAMES.get(method, method)


def webhook_summary(cb: WebhookCallback, channel: str = "") -> str:
    """What a webhook row is, in words: trigger words and when, channel, which callback, body type."""
    hook = cb.hook
    words = ", ".join(hook.trigger_words) or "none"
    when = TRIGGER_WHEN_TEXT[1 if hook.trigger_when == 1 else 0] if hook.trigger_words else "every post"
    where = channel or (f"channel {hook.channel_id}" if hook.channel_id else "any public channel of the team")
    return (
        f"Outgoing webhook “{hook.display_name or hook.id}”: trigger words {words} ({when}); {where}; "
        f"callback {cb.index + 1} of {len(hook.callback_urls)}; sends {hook.body_content_type}. "
        "If its token cannot be fetched, this callback is not sent."
    )


class PreviewModel(RowsTableModel[PreviewRow]):
    columns = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._preview: Preview | None = None
        self._team_label: Callable[[str], str] = str
        self._channel_label: Callable[[str], str] = str
        self._search: list[str] | None = None  # built on the first search: 10,000 rows' text is 2 MB
        self._palette_owner: Any = None
        self._sorted_by: tuple[int, Qt.SortOrder] = (TEAM, Qt.SortOrder.AscendingOrder)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if section == SERVER:
                return "The connection the server itself names for the command's URL (when asked during the sync)"
            if section == CONNECTION:
                return "The connections whose audiences match the command's URL: the prediction"
        return super().headerData(section, orientation, role)

    def _key(self, row: PreviewRow) -> str:
        return row.row_key

    def _role_data(self, row: PreviewRow, column: int, role: int, position: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS:
            return status_icon(STATUS_KINDS[row.status], self._palette_owner)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and row.status is Status.MISMATCH:
            color = QColor(status_color(Look.ERROR, self._palette_owner))
            color.setAlpha(40)  # a tint: readable over light and dark bases
            return color
        if role == Qt.ItemDataRole.FontRole and row.status is Status.MISMATCH and column in (SERVER, STATUS):
            font = QFont()
            font.setBold(True)
            return font
        if role == RowRole:
            return row
        if role == SearchRole:
            return self.haystacks_view()[position]
        return None

    # -- order -----------------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Put the rows themselves in order, by a key computed once per row; the filter above keeps this
        order (a proxy's own sort asks Python for two keys on each of its n·log n comparisons)."""
        self._sorted_by = (column, order)
        if len(self._rows) < 2:
            return
        order_ = self._order(self._rows)
        if order_ == list(range(len(order_))):
            return
        self.layoutAboutToBeChanged.emit()
        new_row = [0] * len(order_)
        for new, old in enumerate(order_):
            new_row[old] = new
        self._rows = [self._rows[i] for i in order_]
        if self._search is not None:
            self._search = [self._search[i] for i in order_]
        before = self.persistentIndexList()
        self.changePersistentIndexList(before, [self.index(new_row[i.row()], i.column()) for i in before])
        self.layoutChanged.emit()

    def _order(self, rows: Sequence[PreviewRow]) -> list[int]:
        column, order = self._sorted_by
        keys = [self._sort_key(r, column) for r in rows]
        return sorted(range(len(keys)), key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)

    # -- content ---------------------------------------------------------------------------------

    def set_preview(
        self,
        preview: Preview | None,
        rows: Sequence[PreviewRow] = (),
        team_label: Callable[[str], str] = str,
        channel_label: Callable[[str], str] = str,
    ) -> None:
        self.beginResetModel()
        self._preview = preview
        self._team_label = team_label
        self._channel_label = channel_label
        self._rows = [rows[i] for i in self._order(rows)]
        self._search = None
        self.endResetModel()

    def set_palette_owner(self, widget: Any) -> None:
        """The widget whose palette decides light or dark colours."""
        self._palette_owner = widget

    @property
    def preview(self) -> Preview | None:
        return self._preview

    def haystacks(self) -> list[str]:
        return list(self.haystacks_view())

    def haystacks_view(self) -> list[str]:
        """Each row's searchable text, casefolded (the model's own list: do not change it)."""
        if self._search is None:
            self._search = [self._haystack(r) for r in self._rows]
        return self._search

    def row(self, index: int) -> PreviewRow:
        return self._rows[index]

    def team_label(self, team_id: str) -> str:
        return self._team_label(team_id)

    # -- cells -----------------------------------------------------------------------------------

    def names(self, keys: Sequence[str]) -> str:
        preview = self._preview
        if not keys:
            return NO_CONNECTION
        return ", ".join(preview.name_of(k) if preview else k for k in keys)

    def server_text(self, row: PreviewRow) -> str:
        if not row.verdict.server_known:
            return NOT_ASKED
        if row.server_connection_id is None:
            return "none"
        return self._preview.name_of(row.server_connection_id) if self._preview else row.server_connection_id

    def _display(self, row: PreviewRow, column: int) -> str:
        if column == TEAM:
            return self._team_label(row.team_id)
        cmd = row.command
        if column == TRIGGER:
            if isinstance(cmd, Command):
                return f"/{row.trigger}"
            channel = self._channel_label(cmd.hook.channel_id)
            return f"{row.trigger} · webhook" + (f" in {channel}" if channel else "")
        if column == DISPLAY_NAME:
            return cmd.display_name if isinstance(cmd, Command) else cmd.label
        if column == METHOD:
            return method_text(cmd.method) if isinstance(cmd, Command) else "POST"
        if column == URL:
            return row.url
        if column == CONNECTION:
            return self.names(row.matches)
        if column == SERVER:
            return self.server_text(row)
        if column == STATUS:
            return STATUS_LABELS[row.status]
        return ""

    def _tooltip(self, row: PreviewRow, column: int) -> str | None:
        if column in (CONNECTION, SERVER, STATUS):
            return row.explanation
        if column == URL:
            return row.url
        cmd = row.command
        if column in (TRIGGER, DISPLAY_NAME) and isinstance(cmd, WebhookCallback):
            return webhook_summary(cmd, self._channel_label(cmd.hook.channel_id))
        if column == TRIGGER and isinstance(cmd, Command) and cmd.description:
            return cmd.description
        return None

    def _foreground(self, row: PreviewRow, column: int) -> QColor | None:
        if column == STATUS:
            return status_color(STATUS_KINDS[row.status], self._palette_owner)
        dim = (column == SERVER and not row.verdict.server_known) or (column == CONNECTION and not row.matches)
        if dim:
            return palette_of(self._palette_owner).color(QPalette.ColorRole.PlaceholderText)
        return None

    def _sort_key(self, row: PreviewRow, column: int) -> str:
        tail = f"{self._team_label(row.team_id).casefold()}\x00{row.kind.value}\x00{row.label.casefold()}"
        if column == STATUS:
            return f"{STATUS_ORDER[row.status]}\x00{tail}"
        if column == TEAM:
            return tail
        return f"{self._display(row, column).casefold()}\x00{tail}"

    def _haystack(self, row: PreviewRow) -> str:
        parts = (
            self._team_label(row.team_id),
            "/" + row.trigger if row.kind is IntegrationKind.COMMAND else f"webhook {row.trigger}",
            row.command.display_name,
            row.url,
            self.names(row.matches),
            self.server_text(row),
        )
        return "\n".join(parts).casefold()
