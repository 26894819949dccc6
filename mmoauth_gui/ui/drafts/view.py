"""The Drafts page (layout only): the list of drafts with its actions on the left, the editor on the right."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.ui.drafts.editor_view import Banner, DraftEditor
from mmoauth_gui.ui.drafts.model import MODIFIED, NAME, SECRET, STATUS, TARGET, VALIDATION, DraftsModel, SortRole
from mmoauth_gui.ui.kit.state_panel import PanelState, StatePanel
from mmoauth_gui.ui.kit.widgets import action_button, page_title, progress_row, rows_table, search_field, title_bar

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None
HEADER_KEY = "drafts/header"
SPLITTER_KEY = "drafts/splitter"


class DraftsView(QWidget):
    def __init__(self, ctx: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Drafts")
        self.model = DraftsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self.title = page_title(self, "Drafts")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("draftsSubtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.new_button = QPushButton("New draft")
        self.new_button.setObjectName("newDraftButton")
        self.new_button.setAccessibleName("New draft")

        self.search = search_field("Search drafts", "Search drafts")

        self.table = rows_table(
            "draftsTable", "Drafts", self.proxy, NAME, QAbstractItemView.SelectionMode.ExtendedSelection
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (STATUS, VALIDATION, SECRET, MODIFIED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        em = self.fontMetrics().horizontalAdvance("M")
        header.resizeSection(TARGET, em * 13)
        header.setMinimumSectionSize(em * 4)

        self.state = StatePanel()
        self.state.setObjectName("draftsState")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.state)

        self.set_aside = Banner("draftsSetAside", "Dismiss")
        self.message = QLabel()
        self.message.setObjectName("draftsMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Drafts message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        self.progress_row, self.progress_label, self.progress, self.cancel_button = progress_row(
            "Validation progress", "Cancel validation"
        )

        self.editor = DraftEditor(ctx)
        self._make_actions()

        top = title_bar(self.title, self.subtitle, self.new_button)

        tools = QHBoxLayout()
        tools.setSpacing(max(2, em // 4))
        self.tool_buttons: dict[str, QToolButton] = {}
        for action in (
            self.duplicate_action,
            self.delete_action,
            self.validate_action,
            self.push_action,
            self.pull_action,
            self.import_action,
        ):
            tools.addWidget(self._tool(action))
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setAccessibleName("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_menu = QMenu(self.export_button)
        export_menu.addAction(self.export_action)
        export_menu.addAction(self.export_server_action)
        self.export_button.setMenu(export_menu)
        tools.addWidget(self.export_button)
        tools.addStretch(1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addLayout(tools)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.set_aside)
        left_layout.addWidget(self.stack, 1)
        left_layout.addWidget(self.progress_row)
        left_layout.addWidget(self.message)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("draftsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self.setTabOrder(self.new_button, self.search)
        self.setTabOrder(self.search, self.table)

    def _tool(self, action: QAction) -> QToolButton:
        button = action_button(action)
        self.tool_buttons[action.objectName()] = button
        return button

    def _make_actions(self) -> None:
        def action(name: str, text: str, shortcut: Shortcut, tip: str, *, on_table: bool = False) -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                tip += f" ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
            act.setToolTip(tip)
            act.setStatusTip(tip)
            if on_table:
                act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.table.addAction(act)
            else:
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.addAction(act)
            return act

        self.new_action = action("new_draft", "&New draft", "Ctrl+Shift+N", "Start a new draft (works offline)")
        self.duplicate_action = action(
            "duplicate_draft", "D&uplicate", "Ctrl+D", "Copy the selected draft, secret included", on_table=True
        )
        self.delete_action = action(
            "delete_draft", "&Delete…", QKeySequence.StandardKey.Delete, "Delete the selected drafts", on_table=True
        )
        self.validate_action = action(
            "validate_drafts",
            "&Validate",
            "Ctrl+Return",
            "Ask each selected draft's token URL for a token from this computer (no server needed)",
            on_table=True,
        )
        self.push_action = action(
            "push_draft", "&Push", "Ctrl+Shift+P", "Create or update the selected draft's connection on the server"
        )
        self.pull_action = action(
            "pull_draft", "Pu&ll as draft…", None, "Make a draft from one of the server's connections"
        )
        self.import_action = action("import_drafts", "&Import…", None, "Add the drafts of an export file")
        self.export_action = action(
            "export_drafts", "&Export drafts…", None, "Write the selected drafts (or all) to a file, without secrets"
        )
        self.export_server_action = action(
            "export_server",
            "Export the &server's connections…",
            None,
            "Write every connection of the server to a file as drafts (backup, or to move them to another server)",
        )
        self.new_button.setToolTip(self.new_action.toolTip())

    def show_table(self) -> None:
        self.stack.setCurrentWidget(self.table)

    def show_state(self, kind: PanelState, title: str, body: str = "", actions: tuple = ()) -> None:  # type: ignore[type-arg]
        self.state.show_state(kind, title, body, actions)
        self.stack.setCurrentWidget(self.state)

    def showing_state(self) -> str:
        return self.state.kind if self.stack.currentWidget() is self.state else ""

    def show_message(self, text: str, css: str = "") -> None:
        self.message.setText(text)
        self.message.setStyleSheet(css)
        self.message.setVisible(bool(text))

    def save(self, settings: QSettings) -> None:
        settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())
        settings.setValue(SPLITTER_KEY, self.splitter.saveState())

    def restore(self, settings: QSettings) -> None:
        header = settings.value(HEADER_KEY)
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
        splitter = settings.value(SPLITTER_KEY)
        if splitter is None or not self.splitter.restoreState(splitter):
            em = self.fontMetrics().horizontalAdvance("M")
            self.splitter.setSizes([em * 62, em * 44])
