"""The Slash commands page (layout only): sync bar, problems, filters and counts, the table, details, warnings."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.core.model import IntegrationKind
from mmoauth_gui.core.preview.build import Status
from mmoauth_gui.ui.kit.icons import status_icon
from mmoauth_gui.ui.kit.state_panel import PanelState, StatePanel
from mmoauth_gui.ui.kit.style import scaled_font
from mmoauth_gui.ui.kit.widgets import page_title, progress_row, rows_table, search_field, title_bar
from mmoauth_gui.ui.preview.filter import PreviewFilter
from mmoauth_gui.ui.preview.model import (
    CONNECTION,
    DISPLAY_NAME,
    METHOD,
    SERVER,
    STATUS,
    STATUS_HELP,
    STATUS_KINDS,
    STATUS_LABELS,
    TEAM,
    TRIGGER,
    URL,
    PreviewModel,
)

HEADER_KEY = "preview/header"
SPLITTER_KEY = "preview/splitter"
BOTTOM_KEY = "preview/bottom"
ALL = "all"
KIND_CHOICES = (
    ("Commands and webhooks", None),
    ("Slash commands", IntegrationKind.COMMAND.value),
    ("Webhook callbacks", IntegrationKind.WEBHOOK.value),
)


class PreviewView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Slash commands")
        self.model = PreviewModel(self)
        self.model.set_palette_owner(self)
        self.proxy = PreviewFilter(self)
        self.proxy.setSourceModel(self.model)
        em = self.fontMetrics().horizontalAdvance("M")

        self.title = page_title(self, "Slash commands")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("previewAge")
        self.subtitle.setWordWrap(True)
        self.subtitle.setAccessibleName("Preview age")
        self.server_check = QCheckBox("Ask the server per URL")
        self.server_check.setAccessibleName("Ask the server per URL")
        self.server_check.setToolTip(
            "During the sync, also ask the server which connection it uses for each distinct command URL "
            "(one request per URL), to show its answer beside the prediction and flag mismatches."
        )
        self.sync_action = QAction("&Sync", self)
        self.sync_action.setObjectName("sync_preview")
        self.sync_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.sync_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.sync_action.setToolTip(
            "Read every team's custom slash commands and all connections from the server "
            f"({self.sync_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        self.addAction(self.sync_action)
        self.sync_button = QPushButton("Sync")
        self.sync_button.setObjectName("syncButton")
        self.sync_button.setAccessibleName("Sync")
        self.sync_button.setToolTip(self.sync_action.toolTip())
        self.sync_button.setDefault(True)
        self.export_csv_action = QAction("Export as &CSV…", self)
        self.export_csv_action.setObjectName("export_csv")
        self.export_json_action = QAction("Export as &JSON…", self)
        self.export_json_action.setObjectName("export_json")
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setAccessibleName("Export")
        self.export_button.setToolTip("Save the commands shown (filters applied) as CSV or JSON")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self.export_button)
        menu.addAction(self.export_csv_action)
        menu.addAction(self.export_json_action)
        self.export_button.setMenu(menu)

        self.progress_row, self.progress_label, self.progress, self.cancel_button = progress_row(
            "Sync progress", "Cancel sync"
        )
        self.progress_label.setObjectName("syncProgressText")
        self.progress.setTextVisible(False)

        self.problems = QLabel()
        self.problems.setObjectName("previewProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.setAccessibleName("Sync problems")
        self.problems.setFrameShape(QFrame.Shape.StyledPanel)
        self.problems.setMargin(max(4, em // 3))
        self.problems.hide()

        self.team_combo = QComboBox()
        self.team_combo.setAccessibleName("Team filter")
        self.team_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Kind filter")
        self.kind_combo.setToolTip("Slash commands, outgoing webhook callbacks (one row per callback URL), or both")
        for label, kind in KIND_CHOICES:
            self.kind_combo.addItem(label, kind)
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.try_button = QPushButton("Try…")
        self.try_button.setObjectName("tryButton")
        self.try_button.setAccessibleName("Try the selected command or webhook")
        self.try_button.setToolTip(
            "Send the selected command or webhook callback as Mattermost would, and see the token and the answer"
        )
        self.connection_combo = QComboBox()
        self.connection_combo.setAccessibleName("Connection filter")
        self.connection_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.search = search_field("Search commands and URLs", "Search commands")
        self.search.setMinimumWidth(em * 12)
        self.status_group = QButtonGroup(self)
        self.status_group.setExclusive(True)
        self.status_buttons: dict[str, QToolButton] = {}
        for key in (ALL, *Status):
            button = QToolButton()
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setObjectName(f"status_{key}")
            if key == ALL:
                button.setText("All")
                button.setToolTip("Show every status")
                button.setChecked(True)
            else:
                status = Status(key)
                button.setIcon(status_icon(STATUS_KINDS[status], self))
                button.setText(STATUS_LABELS[status])
                button.setToolTip(f"Show only {STATUS_LABELS[status].lower()} commands: {STATUS_HELP[status]}")
            button.setAccessibleName(button.text())
            self.status_group.addButton(button)
            self.status_buttons[key] = button

        self.table = rows_table("previewTable", "Slash commands", self.proxy, TEAM)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() * 3 // 2 + 2)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(URL, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (TEAM, 12),
            (TRIGGER, 8),
            (DISPLAY_NAME, 9),
            (METHOD, 5),
            (CONNECTION, 13),
            (SERVER, 10),
            (STATUS, 10),
        ):
            header.resizeSection(column, em * width)

        self.state = StatePanel()
        self.state.setObjectName("previewState")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.state)

        self.details = QTextBrowser()
        self.details.setObjectName("previewDetails")
        self.details.setAccessibleName("Selected command")
        self.details.setOpenLinks(False)
        self.details.setFrameShape(QFrame.Shape.NoFrame)
        self.details.viewport().setAutoFillBackground(False)
        self.warnings_title = QLabel("Warnings")
        self.warnings_title.setFont(scaled_font(self, 1.0, bold=True))
        self.warnings = QListWidget()
        self.warnings.setObjectName("previewWarnings")
        self.warnings.setAccessibleName("Warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setAlternatingRowColors(True)
        self.warnings.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.warnings.setToolTip("Double-click (or Enter) a warning to show the commands or connection it is about")
        self.warnings_title.setBuddy(self.warnings)
        warnings_box = QWidget()
        warnings_layout = QVBoxLayout(warnings_box)
        warnings_layout.setContentsMargins(0, 0, 0, 0)
        warnings_layout.setSpacing(2)
        warnings_layout.addWidget(self.warnings_title)
        warnings_layout.addWidget(self.warnings, 1)

        self.bottom = QSplitter(Qt.Orientation.Horizontal)
        self.bottom.addWidget(self.details)
        self.bottom.addWidget(warnings_box)
        self.bottom.setStretchFactor(0, 1)
        self.bottom.setStretchFactor(1, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(True)

        top = title_bar(
            self.title, self.subtitle, self.server_check, self.try_button, self.export_button, self.sync_button
        )

        filters = QHBoxLayout()
        team_label = QLabel("&Team")
        team_label.setBuddy(self.team_combo)
        connection_label = QLabel("C&onnection")
        connection_label.setBuddy(self.connection_combo)
        filters.addWidget(team_label)
        filters.addWidget(self.team_combo)
        kind_label = QLabel("&Kind")
        kind_label.setBuddy(self.kind_combo)
        filters.addWidget(kind_label)
        filters.addWidget(self.kind_combo)
        filters.addWidget(connection_label)
        filters.addWidget(self.connection_combo)
        filters.addWidget(self.search, 1)
        chips = QHBoxLayout()
        chips.setSpacing(0)
        for button in self.status_buttons.values():
            chips.addWidget(button)
        chips.addStretch(1)

        self.filter_bar = QWidget()
        bar_layout = QVBoxLayout(self.filter_bar)
        bar_layout.setContentsMargins(0, 0, 0, 0)
        bar_layout.addLayout(filters)
        bar_layout.addLayout(chips)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.problems)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.splitter, 1)

        self.setTabOrder(self.sync_button, self.team_combo)
        self.setTabOrder(self.team_combo, self.kind_combo)
        self.setTabOrder(self.kind_combo, self.connection_combo)
        self.setTabOrder(self.connection_combo, self.search)
        self.setTabOrder(self.search, self.table)

    # -- helpers the controller drives ---------------------------------------------------------------

    def set_content_visible(self, visible: bool) -> None:
        """Filters, counts, details and warnings: only once there is a preview to filter."""
        self.filter_bar.setVisible(visible)
        self.bottom.setVisible(visible)

    def show_table(self) -> None:
        self.stack.setCurrentWidget(self.table)

    def show_state(self, kind: PanelState, title: str, body: str = "", actions: Sequence = ()) -> None:  # type: ignore[type-arg]
        self.state.show_state(kind, title, body, actions)
        self.stack.setCurrentWidget(self.state)

    def showing_state(self) -> str:
        return self.state.kind if self.stack.currentWidget() is self.state else ""

    def kind_filter(self) -> IntegrationKind | None:
        value = self.kind_combo.currentData()
        return IntegrationKind(value) if value else None

    def status_filter(self) -> Status | None:
        for key, button in self.status_buttons.items():
            if button.isChecked():
                return None if key == ALL else Status(key)
        return None

    def set_status_filter(self, status: Status | None) -> None:
        self.status_buttons[ALL if status is None else status.value].setChecked(True)

    def set_counts(self, counts: dict[Status, int]) -> None:
        total = sum(counts.values())
        self.status_buttons[ALL].setText(f"All {total}")
        for status, n in counts.items():
            button = self.status_buttons[status.value]
            button.setText(f"{STATUS_LABELS[status]} {n}")
            button.setAccessibleName(f"{STATUS_LABELS[status]}: {n} command{'s' if n != 1 else ''}")
        self.status_buttons[ALL].setAccessibleName(f"All: {total} command{'s' if total != 1 else ''}")

    def save(self, settings: QSettings) -> None:
        settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())
        settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        settings.setValue(BOTTOM_KEY, self.bottom.saveState())

    def restore(self, settings: QSettings) -> None:
        header = settings.value(HEADER_KEY)
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
        line = self.fontMetrics().height()
        splitter = settings.value(SPLITTER_KEY)
        if splitter is None or not self.splitter.restoreState(splitter):
            self.splitter.setSizes([line * 20, line * 9])
        bottom = settings.value(BOTTOM_KEY)
        if bottom is None or not self.bottom.restoreState(bottom):
            em = self.fontMetrics().horizontalAdvance("M")
            self.bottom.setSizes([em * 45, em * 45])
