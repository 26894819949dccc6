"""The drafts table: name, target, status, last validation, secret, modified time — one row per draft."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt

from mmoauth_gui.core.drafts.model import Draft, DraftStatus, SecretState, meant_profile
from mmoauth_gui.core.status import Look
from mmoauth_gui.storage.secrets import SESSION_ONLY_MESSAGE
from mmoauth_gui.ui.drafts.workspace import DraftRow
from mmoauth_gui.ui.kit.badge import KIND_LABELS, local_time, result_kind, when
from mmoauth_gui.ui.kit.icons import status_icon
from mmoauth_gui.ui.kit.style import status_color
from mmoauth_gui.ui.kit.table_model import RowsTableModel

DraftRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
KindRole = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("Name", "Target", "Status", "Validation", "Secret", "Modified")
NAME, TARGET, STATUS, VALIDATION, SECRET, MODIFIED = range(len(COLUMNS))

# status -> (glyph and colour kind of ui.style / ui.icons, explanation)
STATUS_LOOK: dict[DraftStatus, tuple[Look, str]] = {
    DraftStatus.NEW: (Look.INFO, "Not on any server yet: Push creates the connection."),
    DraftStatus.MODIFIED: (Look.WARNING, "Changed since the last pull or push: Push updates the server's copy."),
    DraftStatus.IN_SYNC: (Look.VALID, "Same as the server's copy at the last pull or push."),
    DraftStatus.CONFLICT: (Look.ERROR, "The server's copy changed since the last pull or push: resolve it first."),
}
SECRET_LOOK: dict[SecretState, tuple[str, Look, str]] = {
    SecretState.STORED: ("Stored", Look.VALID, "The secret is in the system keyring."),
    SecretState.SESSION: (
        "Not stored",
        Look.WARNING,
        SESSION_ONLY_MESSAGE,
    ),
    SecretState.MISSING: ("Missing", Look.REFUSED, "Type the client secret: creating the connection needs it."),
    SecretState.NOT_NEEDED: (
        "On the server",
        Look.UNCHECKED,
        "No secret typed: an update keeps the one the server has.",
    ),
}
STALE_TEXT = "Stale"
STALE_TIP = "The credentials changed since this validation: validate again."


def validation_kind(draft: Draft) -> Look:
    """valid / refused / unreachable / unchecked, or ``stale`` when the credential fields changed since."""
    result = draft.validation_result
    if result is None:
        return Look.UNCHECKED
    if not draft.validation_current:
        return Look.STALE
    return result_kind(result)


def validation_text(draft: Draft) -> str:
    kind = validation_kind(draft)
    result = draft.validation_result
    checked = local_time(result.checked_at) if result is not None else None
    if kind == Look.STALE and result is not None:
        return f"{STALE_TEXT} (was {KIND_LABELS.get(result_kind(result), '').lower()})"
    label = KIND_LABELS.get(kind, kind.value)
    return f"{label} · {when(checked)}" if checked is not None else label


def target_text(draft: Draft, profiles: dict[str, str] | None = None, team_names: dict[str, str] | None = None) -> str:
    """Where the draft goes: the profile it is meant for when known (``profiles``: name → URL), else the server it
    came from or its target as typed; its team."""
    shown = meant_profile(draft, profiles or {}) or (draft.origin.server_url if draft.origin else draft.server)
    team = (team_names or {}).get(draft.team, draft.team)
    return " / ".join(part for part in (shown, team) if part)


class DraftsModel(RowsTableModel[DraftRow]):
    columns = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.profiles: dict[str, str] = {}  # profile name -> server URL, for the Target column
        self.team_names: dict[str, str] = {}  # team id -> display name (the session's teams)

    def _key(self, row: DraftRow) -> str:
        return row.id

    def _role_data(self, row: DraftRow, column: int, role: int, position: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column in (STATUS, VALIDATION, SECRET):
            return status_icon(self._kind(row, column))
        if role == Qt.ItemDataRole.ForegroundRole and column in (STATUS, SECRET):
            kind = self._kind(row, column)
            if kind in (Look.ERROR, Look.REFUSED, Look.WARNING):
                return status_color(kind)
            return None
        if role == DraftRole:
            return row.draft
        if role == KindRole:
            return self._kind(row, column)
        if role == SortRole:
            return self._sort_key(row, column)
        return None

    # -- content ---------------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[DraftRow]) -> None:
        self._reset_rows(rows)

    def draft(self, row: int) -> Draft:
        return self._rows[row].draft

    def get(self, draft_id: str) -> DraftRow | None:
        row = self.row_of(draft_id)
        return self._rows[row] if row >= 0 else None

    def upsert(self, item: DraftRow) -> int:
        return self._upsert(item)

    def remove(self, draft_id: str) -> None:
        self._remove(draft_id)

    def set_profiles(self, profiles: dict[str, str], teams: dict[str, str] | None = None) -> None:
        self.profiles = dict(profiles)
        if teams is not None:
            self.team_names = dict(teams)
        self._column_changed(TARGET)

    def status_counts(self) -> dict[DraftStatus, int]:
        counts: dict[DraftStatus, int] = {}
        for row in self._rows:
            counts[row.draft.status] = counts.get(row.draft.status, 0) + 1
        return counts

    # -- cells -----------------------------------------------------------------------------------

    def _kind(self, row: DraftRow, column: int) -> Look:
        if column == STATUS:
            return STATUS_LOOK[row.draft.status][0]
        if column == VALIDATION:
            kind = validation_kind(row.draft)
            return Look.WARNING if kind == Look.STALE else kind
        if column == SECRET:
            return SECRET_LOOK[row.secret][1]
        return Look.NONE

    def _display(self, row: DraftRow, column: int) -> str:
        draft = row.draft
        if column == NAME:
            return draft.name or "(no name)"
        if column == TARGET:
            return target_text(draft, self.profiles, self.team_names) or "—"
        if column == STATUS:
            return draft.status.label
        if column == VALIDATION:
            return validation_text(draft)
        if column == SECRET:
            return SECRET_LOOK[row.secret][0]
        if column == MODIFIED:
            moment = local_time(draft.modified_at)
            return when(moment) if moment is not None else ""
        return ""

    def _tooltip(self, row: DraftRow, column: int) -> str | None:
        draft = row.draft
        if column == NAME:
            return f"{draft.name or '(no name)'} — draft {draft.id}" + (f"\n{draft.note}" if draft.note else "")
        if column == TARGET:
            if draft.origin is not None:
                return f"Connection {draft.origin.connection_id} on {draft.origin.server_url}"
            return "Meant for this server" if draft.server else "No target: Push sends it to the server you are on."
        if column == STATUS:
            return STATUS_LOOK[draft.status][1]
        if column == VALIDATION:
            result = draft.validation_result
            if result is None:
                return "Not validated yet: select it and choose Validate (works without a server)."
            if validation_kind(draft) == Look.STALE:
                return f"{STALE_TIP}\nLast result: {result.summary}"
            return result.summary + (f"\n{result.hint}" if result.hint and not result.ok else "")
        if column == SECRET:
            return SECRET_LOOK[row.secret][2]
        if column == MODIFIED and draft.modified_at:
            moment = local_time(draft.modified_at)
            return f"Saved {moment.strftime('%Y-%m-%d %H:%M:%S')}" if moment is not None else None
        return None

    def _sort_key(self, row: DraftRow, column: int) -> str:
        draft = row.draft
        name = (draft.name or "").casefold()
        if column == MODIFIED:
            return f"{draft.modified_at}\x00{name}"
        if column == STATUS:
            order = list(DraftStatus).index(draft.status)
            return f"{order}\x00{name}"
        return f"{self._display(row, column).casefold()}\x00{name}"
