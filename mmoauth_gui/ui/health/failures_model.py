"""The server's own failures as a table, grouped (connection, then command, then webhook), newest first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mmoauth_gui.core.diagnosis.server_log import Failure, Group, group
from mmoauth_gui.ui.kit.table_model import RowsTableModel

WHAT = {"connection": "Connection", "command": "Command", "webhook": "Webhook", "other": "Other:"}


@dataclass(frozen=True)
class FailureRow:
    about: str
    failure: Failure


def group_title(g: Group, names: Mapping[str, str]) -> str:
    name = names.get(g.key, "")
    return f"{WHAT[g.what]} {name} ({g.key})" if name else f"{WHAT[g.what]} {g.key}"


class FailuresModel(RowsTableModel[FailureRow]):
    columns = ("About", "Time", "Level", "Message")

    def set_failures(self, failures: list[Failure], names: Mapping[str, str]) -> None:
        """``names``: connection and webhook ids → names, for the group titles."""
        rows = [FailureRow(group_title(g, names), f) for g in group(failures) for f in g.failures]
        self._reset_rows(rows)

    def _key(self, row: FailureRow) -> str:
        return f"{row.about}\x00{row.failure.raw}"

    def _display(self, row: FailureRow, column: int) -> str:
        if column == 0:
            return row.about
        if column == 1:
            return row.failure.time
        if column == 2:
            return row.failure.level
        return row.failure.text

    def _tooltip(self, row: FailureRow, column: int) -> str | None:
        return row.failure.text if column == 3 else None
