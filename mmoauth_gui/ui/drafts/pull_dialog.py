"""Pick one of the server's connections to pull as a draft (opened with ``open()``; answers with ``chosen``)."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.status import Look
from mmoauth_gui.ui.context import AppContext
from mmoauth_gui.ui.kit.icons import app_icon
from mmoauth_gui.ui.kit.style import status_css
from mmoauth_gui.ui.runtime.errors import user_text

ConnectionRole = Qt.ItemDataRole.UserRole + 1
PULL_TEXT = "Pull as draft"


class PullDialog(QDialog):
    chosen = Signal(object)  # Connection

    def __init__(self, ctx: AppContext, pulled_ids: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pulled_ids = pulled_ids
        self.setObjectName("pullDialog")
        self.setWindowTitle("Pull a connection as a draft")
        self.setWindowIcon(app_icon())
        self.setAccessibleName(self.windowTitle())
        session = ctx.session
        where = f"{session.profile.name} ({session.profile.url})" if session else "the server"
        intro = QLabel(
            f"Choose a connection of {where}. The draft keeps its fields (the server never returns the secret: "
            "an update keeps the server's own unless you type a new one)."
        )
        intro.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search connections")
        self.search.setAccessibleName("Search connections")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setObjectName("pullList")
        self.list.setAccessibleName("Connections on the server")
        self.list.itemDoubleClicked.connect(lambda _i: self._accept_current())
        self.list.currentItemChanged.connect(lambda *_: self._update_button())
        self.status = QLabel("Loading the server's connections…")
        self.status.setObjectName("pullStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.pull_button = self.buttons.addButton(PULL_TEXT, QDialogButtonBox.ButtonRole.AcceptRole)
        self.pull_button.setAccessibleName(PULL_TEXT)
        self.pull_button.setEnabled(False)
        self.buttons.accepted.connect(self._accept_current)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 48, self.fontMetrics().height() * 26)
        self.task: asyncio.Task[Any] | None = ctx.tasks.start(
            self._load(), owner=self, on_error=self._failed, name="list connections to pull"
        )

    async def _load(self) -> None:
        session = self.ctx.session
        if session is None:
            self._failed_text("Connect to a server to pull its connections.")
            return
        connections = await session.client.list_connections(session.team_id)
        self.show_connections(connections)

    def show_connections(self, connections: list[Connection]) -> None:
        self.list.clear()
        for conn in sorted(connections, key=lambda c: c.name.casefold()):
            already = " — already a draft (pulling refreshes it)" if conn.id in self.pulled_ids else ""
            item = QListWidgetItem(f"{conn.name}{already}\n{conn.oauth_token_url}")
            item.setData(ConnectionRole, conn)
            item.setToolTip(f"Connection {conn.id}\nAudiences:\n" + "\n".join(conn.audiences))
            self.list.addItem(item)
        count = len(connections)
        self.status.setText(f"{count} connection{'s' if count != 1 else ''}." if count else "No connections.")
        self.status.setStyleSheet("")
        if count:
            self.list.setCurrentRow(0)
        self._update_button()

    def _failed(self, exc: BaseException) -> None:
        self._failed_text(f"The connections could not be listed: {user_text(exc)}")

    def _failed_text(self, text: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(status_css(Look.ERROR, self))

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for i in range(self.list.count()):
            item = self.list.item(i)
            conn = item.data(ConnectionRole)
            haystack = "\n".join((conn.name, conn.oauth_token_url, conn.client_id, *conn.audiences)).casefold()
            item.setHidden(not all(w in haystack for w in words))
        self._update_button()

    def _update_button(self) -> None:
        item = self.list.currentItem()
        self.pull_button.setEnabled(item is not None and not item.isHidden())

    def select(self, connection_id: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(ConnectionRole).id == connection_id:
                self.list.setCurrentRow(i)
                return

    def _accept_current(self) -> None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return
        self.chosen.emit(item.data(ConnectionRole))
        self.accept()
