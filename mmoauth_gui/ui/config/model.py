"""The plan as a table: one row per change, the file's side, the server's side, and the routing impact."""

from __future__ import annotations

from typing import Any

from mmoauth_gui.core.config.plan import Action, Change, FieldChange, Plan
from mmoauth_gui.ui.kit.table_model import RowsTableModel

ACTION_TEXT = {Action.CREATE: "Create", Action.UPDATE: "Update", Action.DELETE: "Delete"}


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return "—" if value is None or value == "" else str(value)


def file_side(change: Change) -> str:
    if change.action is Action.DELETE:
        return "(not in the file)"
    lines = [f"{f.field}: {_value(f.after)}" for f in change.fields]
    if change.secret:
        lines.append("secret: will be sent")
    return "\n".join(lines)


def server_side(change: Change) -> str:
    if change.action is Action.CREATE:
        return "(not on the server)"
    if change.action is Action.DELETE:
        return "deleted (--prune)"
    fields: tuple[FieldChange, ...] = change.fields
    lines = [f"{f.field}: {_value(f.before)}" for f in fields]
    if change.secret:
        lines.append("secret: the stored one")
    return "\n".join(lines)


def impact_text(change: Change) -> str:
    lines = []
    for kind, items in change.impact.by_kind().items():
        lines += [f"{kind.value}: {item.describe()}" for item in items]
    return "\n".join(lines) or "no command changes connection"


class PlanModel(RowsTableModel[Change]):
    columns = ("Action", "Connection", "In the file", "On the server", "Impact")

    def set_plan(self, plan: Plan) -> None:
        self._reset_rows(plan.changes)

    def _key(self, row: Change) -> str:
        return row.key

    def _display(self, row: Change, column: int) -> str:
        if column == 0:
            return ACTION_TEXT[row.action]
        if column == 1:
            return row.name
        if column == 2:
            return file_side(row)
        if column == 3:
            return server_side(row)
        return impact_text(row)

    def _tooltip(self, row: Change, column: int) -> str | None:
        return self._display(row, column) if column >= 2 else None
