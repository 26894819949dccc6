"""The Connections page (layout only): header, search, actions, the table or a state, progress, details."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.ui.connections.filter import ConnectionsFilter
from mmoauth_gui.ui.connections.model import (
    AUDIENCES,
    CLIENT_ID,
    CREATED,
    NAME,
    TOKEN_URL,
    USED_BY,
    VALIDATION,
    ConnectionsModel,
)
from mmoauth_gui.ui.kit.state_panel import PanelState, StatePanel
from mmoauth_gui.ui.kit.widgets import action_button, page_title, progress_row, rows_table, search_field, title_bar

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None
HEADER_KEY = "connections/header"
SPLITTER_KEY = "connections/splitter"


class ConnectionsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Outgoing OAuth Connections")
        self.model = ConnectionsModel(self)
        self.proxy = ConnectionsFilter(self)
        self.proxy.setSourceModel(self.model)

        self.title = page_title(self, "Outgoing OAuth Connections")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("subtitle")
        self.subtitle.setWordWrap(True)
        self.add_button = QPushButton("Add Outgoing OAuth Connection")
        self.add_button.setAccessibleName("Add Outgoing OAuth Connection")
        self.add_button.setDefault(True)

        self.search = search_field(
            "Search Outgoing OAuth Connections",
            "Search Outgoing OAuth Connections",
            "Matches the name, client ID, token URL and audience URLs (Ctrl+F)",
        )

        self.table = rows_table("connectionsTable", "Connections", self.proxy, NAME)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # What tells connections apart first (name, audiences); the rest scrolls sideways when the window is narrow.
        for visual, column in enumerate((NAME, AUDIENCES, TOKEN_URL, CLIENT_ID, VALIDATION, USED_BY, CREATED)):
            header.moveSection(header.visualIndex(column), visual)
        em = self.fontMetrics().horizontalAdvance("M")
        for column, width in ((NAME, 16), (AUDIENCES, 24), (CLIENT_ID, 14), (TOKEN_URL, 22), (VALIDATION, 13)):
            header.resizeSection(column, em * width)
        self._header_restored = False

        self.state = StatePanel()
        self.state.setObjectName("connectionsState")
        self.state_scroll = QScrollArea()  # lets the window shrink (200% scaling, small screens)
        self.state_scroll.setWidgetResizable(True)
        self.state_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.state_scroll.setWidget(self.state)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.state_scroll)

        self.details = QTextBrowser()
        self.details.setObjectName("connectionDetails")
        self.details.setAccessibleName("Selected connection")
        self.details.setOpenExternalLinks(False)
        self.details.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.details.viewport().setAutoFillBackground(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(True)

        self.progress_row, self.progress_label, self.progress, self.cancel_button = progress_row(
            "Validation progress", "Cancel validation"
        )
        self.summary = QLabel()
        self.summary.setObjectName("badgeSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self._make_actions()

        top = title_bar(self.title, self.subtitle, self.add_button)

        tools = QHBoxLayout()
        tools.addWidget(self.search, 1)
        for action in (
            self.edit_action,
            self.duplicate_action,
            self.delete_action,
            self.validate_action,
            self.validate_all_action,
            self.refresh_action,
        ):
            tools.addWidget(action_button(action))

        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(tools)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.progress_row)
        layout.addLayout(bottom)

        self.setTabOrder(self.add_button, self.search)
        self.setTabOrder(self.search, self.table)

    def _make_actions(self) -> None:
        def action(text: str, shortcut: Shortcut, tip: str, *, on_table: bool = False) -> QAction:
            act = QAction(text, self)
            act.setObjectName(text.replace("&", "").replace("…", "").replace(" ", "_").lower())
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.setToolTip(
                tip
                + (
                    f" ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
                    if shortcut is not None
                    else ""
                )
            )
            act.setStatusTip(tip)
            if on_table:
                act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.table.addAction(act)
            return act

        self.add_action = action("&New connection…", "Ctrl+N", "Add an outgoing OAuth connection")
        self.edit_action = action("&Edit…", "Return", "Edit the selected connection", on_table=True)
        self.duplicate_action = action(
            "D&uplicate…", "Ctrl+D", "Start a new connection from the selected one", on_table=True
        )
        self.delete_action = action(
            "&Delete…", QKeySequence.StandardKey.Delete, "Delete the selected connection", on_table=True
        )
        self.validate_action = action(
            "&Validate", "Ctrl+Return", "Ask the server to get a token with the selected connection", on_table=True
        )
        self.validate_all_action = action(
            "Validate &all", "Ctrl+Shift+Return", "Validate every connection on the server, one after another"
        )
        self.find_action = action("&Find", QKeySequence.StandardKey.Find, "Search the connections")
        self.refresh_action = action("&Refresh", QKeySequence.StandardKey.Refresh, "Reload the connections")
        for page_action in (self.add_action, self.validate_all_action, self.find_action, self.refresh_action):
            page_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(page_action)
        self.find_action.triggered.connect(self.focus_search)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def show_table(self) -> None:
        self.stack.setCurrentWidget(self.table)
        self.details.show()

    def show_state(self, kind: PanelState, title: str, body: str = "", actions: tuple = ()) -> None:  # type: ignore[type-arg]
        self.state.show_state(kind, title, body, actions)
        self.stack.setCurrentWidget(self.state_scroll)
        self.details.hide()  # nothing selected to detail: the state gets the whole page

    def showing_state(self) -> str:
        return self.state.kind if self.stack.currentWidget() is self.state_scroll else ""

    def fit_columns(self) -> None:
        """Size the short columns to their content (once, when no saved layout exists)."""
        if self._header_restored:
            return
        header = self.table.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("M")
        caps = {AUDIENCES: 36, TOKEN_URL: 24, NAME: 20, CLIENT_ID: 16}
        for column in range(self.model.columnCount()):
            self.table.resizeColumnToContents(column)
            cap = em * caps.get(column, 18)
            width = header.sectionSize(column) + em
            if column == AUDIENCES:  # never squeezed to a few letters: it elides in the middle instead
                width = max(width, em * 24)
            if column == VALIDATION:  # room for the longest badge once validated
                icon = self.table.iconSize().width() or self.fontMetrics().height()
                width = max(width, self.fontMetrics().horizontalAdvance("Unreachable · 00:00") + icon + 3 * em)
            header.resizeSection(column, min(width, cap))

    def save(self, settings: QSettings) -> None:
        settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())
        settings.setValue(SPLITTER_KEY, self.splitter.saveState())

    def restore(self, settings: QSettings) -> None:
        header = settings.value(HEADER_KEY)
        if header is not None:
            self._header_restored = self.table.horizontalHeader().restoreState(header)
        splitter = settings.value(SPLITTER_KEY)
        if splitter is None or not self.splitter.restoreState(splitter):
            line = self.fontMetrics().height()
            self.splitter.setSizes([line * 20, line * 11])
