"""The preflight checks as a table: status, what it is about, what was found, what to do."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from mmoauth_gui.core.diagnosis.checks import Check, CheckStatus
from mmoauth_gui.ui.kit.icons import status_icon
from mmoauth_gui.ui.kit.table_model import RowsTableModel

STATUS_TEXT = {
    CheckStatus.OK: "OK",
    CheckStatus.WARN: "Warning",
    CheckStatus.FAIL: "Failure",
    CheckStatus.UNKNOWN: "Unknown",
}
STATUS_ORDER = {CheckStatus.FAIL: 0, CheckStatus.WARN: 1, CheckStatus.UNKNOWN: 2, CheckStatus.OK: 3}
STATUS, SUBJECT, FOUND, TODO = range(4)


class ChecksModel(RowsTableModel[Check]):
    columns = ("Status", "About", "What was found", "What to do")

    def set_checks(self, checks: list[Check]) -> None:
        ordered = sorted(enumerate(checks), key=lambda pair: (STATUS_ORDER[pair[1].status], pair[0]))
        self._reset_rows(check for _, check in ordered)

    def _key(self, row: Check) -> str:
        return f"{row.id}\x00{row.subject}"

    def _display(self, row: Check, column: int) -> str:
        if column == STATUS:
            return STATUS_TEXT[row.status]
        if column == SUBJECT:
            return row.subject
        if column == FOUND:
            return row.message
        return row.hint

    def _tooltip(self, row: Check, column: int) -> str | None:
        if column in (FOUND, TODO):
            return f"{row.message}\n\n{row.hint}".strip()
        return row.subject if column == SUBJECT else None

    def _role_data(self, row: Check, column: int, role: int, position: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS:
            return status_icon(row.status.look)
        return None
