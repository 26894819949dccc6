"""What the app's tables share: a flat list of rows under fixed columns, read-only and selectable cells."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QTableView

from mmoauth_gui.ui.kit.plain_text import tooltip_text

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)


class RowsTableModel(QAbstractTableModel, Generic[T]):
    """Rows of ``T`` under ``columns``. A subclass names the columns and gives a row's key (for ``row_of``),
    its cell texts (``_display``), tooltips (``_tooltip``) and every other role (``_role_data``)."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    # -- Qt model API ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns) and role in TEXT_ROLES:
            return self.columns[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in TEXT_ROLES:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self._tooltip(row, column)
            return tooltip_text(tip) if isinstance(tip, str) else tip
        return self._role_data(row, column, role, index.row())

    # -- what a subclass gives -------------------------------------------------------------------

    def _key(self, row: T) -> str:
        raise NotImplementedError

    def _display(self, row: T, column: int) -> str:
        raise NotImplementedError

    def _tooltip(self, row: T, column: int) -> str | None:
        return None

    def _role_data(self, row: T, column: int, role: int, position: int) -> Any:
        return None

    # -- content ---------------------------------------------------------------------------------

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_of(self, key: str) -> int:
        return next((i for i, r in enumerate(self._rows) if self._key(r) == key), -1)

    def _reset_rows(self, rows: Iterable[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def _upsert(self, item: T) -> int:
        """Replace the row with ``item``'s key, or add ``item`` at the end (always when it has no key yet)."""
        key = self._key(item)
        row = self.row_of(key) if key else -1
        if row >= 0:
            self._rows[row] = item
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))
            return row
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(item)
        self.endInsertRows()
        return row

    def _remove(self, key: str) -> bool:
        """Drop the row with ``key``; False when there is none."""
        row = self.row_of(key)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        return True

    def _column_changed(self, column: int) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))


def select_row(table: QTableView, proxy: QSortFilterProxyModel, model: RowsTableModel[Any], key: str) -> bool:
    """Select only the row whose key is ``key`` and show it; False when it is not in the model or filtered out.
    The keys held down (a shortcut's Ctrl+Shift) do not extend the selection, as ``selectRow`` lets them."""
    row = model.row_of(key)
    if row < 0:
        return False
    index = proxy.mapFromSource(model.index(row, 0))
    if not index.isValid():
        return False
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    table.selectionModel().setCurrentIndex(index, flags)
    table.scrollTo(index)
    return True
