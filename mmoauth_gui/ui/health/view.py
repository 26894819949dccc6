"""The Health page's widgets: the preflight checks over the server's own failures. Only lays them out;
``controller.HealthController`` fills and drives them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget

from mmoauth_gui.ui.health.checks_model import ChecksModel
from mmoauth_gui.ui.health.failures_model import FailuresModel
from mmoauth_gui.ui.kit.widgets import page_title, rows_table, title_bar

INTRO = (
    "Why a connection that validates here may fail on the server: the server's settings, licence and outgoing "
    "rules, and the failures the server itself logged."
)


def _wrapping(table: QTableView, widths: tuple[int, ...]) -> None:
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideNone)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


class HealthView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("healthPage")
        self.title = page_title(self, "Server health")
        self.subtitle = QLabel(INTRO)
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setWordWrap(True)
        self.run_button = QPushButton("&Run checks")
        self.run_button.setObjectName("runHealthChecks")
        self.run_button.setToolTip(
            "Read the server's settings and licence, resolve every integration host, time the token endpoints"
        )
        self.refresh_button = QPushButton("Refresh &failures")
        self.refresh_button.setObjectName("refreshFailures")
        self.refresh_button.setToolTip("Read the server log lines written since the last read (system admins)")
        self.refresh_button.setEnabled(False)
        self.status = QLabel("Not checked yet.")
        self.status.setObjectName("healthStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        self.checks_model = ChecksModel(self)
        self.checks = rows_table("healthChecks", "Server checks", self.checks_model, 0)
        self.checks.setSortingEnabled(False)
        _wrapping(self.checks, (90, 260, 420))
        self.failures_model = FailuresModel(self)
        self.failures = rows_table("serverFailures", "The server's own failures", self.failures_model, 0)
        self.failures.setSortingEnabled(False)
        _wrapping(self.failures, (280, 200, 60))
        self.failures_label = QLabel("The server's own failures (from its log, newest first)")
        self.failures_label.setTextFormat(Qt.TextFormat.PlainText)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.failures_label)
        lower_layout.addWidget(self.failures)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.checks)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(title_bar(self.title, self.subtitle, self.refresh_button, self.run_button))
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)
