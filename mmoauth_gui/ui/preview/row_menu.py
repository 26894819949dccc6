"""The Slash commands table's context menu: what-ifs started from a command, without going to the dialogs first.

"What if I change “X”…" opens the connection's Edit dialog, whose what-if panel follows every keystroke (nothing
is saved before Update); "What if “X” were deleted" shows the deletion's what-if on its own; on a command no
connection covers, "What if a new connection covered this URL…" opens Add with the URL as its audience.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QVBoxLayout, QWidget

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.preview.build import PreviewRow
from mmoauth_gui.ui.pages import WindowHost
from mmoauth_gui.ui.preview.model import RowRole
from mmoauth_gui.ui.preview.state import PreviewState
from mmoauth_gui.ui.preview.what_if import WhatIfPanel

DELETE_WHAT_IF_TITLE = "What deleting “{name}” would change"


def row_actions(window: WindowHost, state: PreviewState, row: PreviewRow, parent: QWidget) -> list[QAction]:
    """The what-if actions for ``row``: per connection it uses (when that connection is on the server shown)."""
    connections = window.connections
    known = {c.id: c for c in connections.model.connections()}
    keys = list(dict.fromkeys([*row.matches, row.server_connection_id]))
    used = [known[k] for k in keys if k in known]
    actions: list[QAction] = []
    for conn in used:
        change = QAction(f"What if I change “{conn.name}”…", parent)
        change.setToolTip("Open the Edit dialog: its what-if follows what you type; nothing is saved before Update")
        change.triggered.connect(lambda _c=False, c=conn: _edit(window, c))
        delete = QAction(f"What if “{conn.name}” were deleted", parent)
        delete.triggered.connect(lambda _c=False, c=conn: deletion_what_if(state, c, parent))
        actions += [change, delete]
    if not used and window.connections_view.add_action.isEnabled():
        cover = QAction("What if a new connection covered this URL…", parent)
        cover.triggered.connect(lambda _c=False: _add_for(window, row.url))
        actions.append(cover)
    return actions


def install_row_menu(window: WindowHost, state: PreviewState, table: Any) -> None:
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(pos: QPoint) -> None:
        row = table.indexAt(pos).data(RowRole)
        if not isinstance(row, PreviewRow):
            return
        menu = QMenu(table)
        menu.setObjectName("previewRowMenu")
        menu.addActions(row_actions(window, state, row, menu))
        menu.aboutToHide.connect(menu.deleteLater)
        if not menu.isEmpty():
            menu.popup(table.viewport().mapToGlobal(pos))

    table.customContextMenuRequested.connect(show)


def _edit(window: WindowHost, conn: Connection) -> None:
    window.connections.select(conn.id)
    dialog = window.connections.edit_selected()
    if dialog is not None:
        dialog.form.audiences.setFocus()


def _add_for(window: WindowHost, url: str) -> None:
    dialog = window.connections.add()
    if dialog is not None:
        dialog.form.audiences.setPlainText(url)


class DeletionWhatIf(QDialog):
    """What deleting a connection would change, before anyone asks to delete it."""

    def __init__(self, state: PreviewState, conn: Connection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deleteWhatIf")
        self.setWindowTitle(DELETE_WHAT_IF_TITLE.format(name=conn.name))
        self.what_if = WhatIfPanel(state)
        self.what_if.title.setText(self.windowTitle())
        self.what_if.show_change(conn, None)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what_if, 1)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 48, self.fontMetrics().height() * 24)


def deletion_what_if(state: PreviewState, conn: Connection, parent: QWidget) -> DeletionWhatIf:
    dialog = DeletionWhatIf(state, conn, parent)
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    return dialog
