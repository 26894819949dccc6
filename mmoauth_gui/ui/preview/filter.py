"""Filters over the preview table: team, kind, connection, status and words, in the order of the model below."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from mmoauth_gui.core.model import IntegrationKind
from mmoauth_gui.core.preview.build import PreviewRow, Status
from mmoauth_gui.ui.preview.model import PreviewModel, RowRole, SearchRole


class PreviewFilter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.team_id: str | None = None
        self.connection_id: str | None = None
        self.status: Status | None = None
        self.kind: IntegrationKind | None = None
        self.terms: tuple[str, ...] = ()
        self.setDynamicSortFilter(True)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The table's header asks here; the rows are put in order by the model below (see
        :meth:`PreviewModel.sort`), and this filter keeps its order."""
        source = self.sourceModel()
        if isinstance(source, PreviewModel):
            source.sort(column, order)
        else:
            super().sort(column, order)

    def set_filters(
        self,
        *,
        team_id: str | None = None,
        connection_id: str | None = None,
        status: Status | None = None,
        search: str = "",
        kind: IntegrationKind | None = None,
    ) -> None:
        terms = tuple(search.casefold().split())
        wanted = (team_id, connection_id, status, terms, kind)
        if wanted == (self.team_id, self.connection_id, self.status, self.terms, self.kind):
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            self.team_id, self.connection_id, self.status, self.terms, self.kind = wanted
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.team_id, self.connection_id, self.status, self.terms, self.kind = wanted
            self.invalidateRowsFilter()

    @property
    def filtering(self) -> bool:
        return any(v is not None for v in (self.team_id, self.connection_id, self.status, self.kind)) or bool(
            self.terms
        )

    def accepts(self, row: PreviewRow, haystack: str, *, ignore_status: bool = False) -> bool:
        """Whether ``row`` passes the filters (``ignore_status``: all but the status, for the counts)."""
        if self.team_id is not None and row.team_id != self.team_id:
            return False
        if self.kind is not None and row.kind is not self.kind:
            return False
        if self.connection_id is not None and not (
            self.connection_id in row.matches or row.server_connection_id == self.connection_id
        ):
            return False
        if not ignore_status and self.status is not None and row.status is not self.status:
            return False
        return all(term in haystack for term in self.terms)

    def counted_rows(self) -> list[PreviewRow]:
        """Source rows passing every filter but the status: what the per-status counts count."""
        model = self.sourceModel()
        if not isinstance(model, PreviewModel):
            return []
        if not self.terms:  # no words to look for: the rows' text is not needed
            return [r for r in model.rows() if self.accepts(r, "", ignore_status=True)]
        pairs = zip(model.rows(), model.haystacks_view(), strict=True)
        return [r for r, h in pairs if self.accepts(r, h, ignore_status=True)]

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self.filtering:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        row = index.data(RowRole)
        haystack = (index.data(SearchRole) or "") if self.terms else ""
        return isinstance(row, PreviewRow) and self.accepts(row, haystack)
