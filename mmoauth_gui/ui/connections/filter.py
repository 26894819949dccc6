"""Search and sort over the connections table: every word must appear in name, client ID, token URL or an audience."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from mmoauth_gui.ui.connections.model import NAME, SearchRole, SortRole


class ConnectionsFilter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._terms: tuple[str, ...] = ()
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)
        self.sort(NAME, Qt.SortOrder.AscendingOrder)

    @property
    def terms(self) -> tuple[str, ...]:
        return self._terms

    def set_search(self, text: str) -> None:
        terms = tuple(text.casefold().split())
        if terms == self._terms:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            self._terms = terms
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._terms = terms
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._terms:
            return True
        model = self.sourceModel()
        haystack = model.data(model.index(source_row, 0, source_parent), SearchRole) or ""
        return all(term in haystack for term in self._terms)
