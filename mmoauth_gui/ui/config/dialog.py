"""The plan window: the changes side by side (file, server, impact), secrets to type, Apply and progress.

Only lays out widgets; ``controller.ConfigController`` fills and drives it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.ui.config.model import PlanModel
from mmoauth_gui.ui.kit.widgets import progress_row


class PlanDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("configPlanDialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(1100, 640)
        self.headline = QLabel()
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        self.model = PlanModel(self)
        self.table = QTableView()
        self.table.setObjectName("configPlanTable")
        self.table.setAccessibleName("Planned changes")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 70)
        self.table.setColumnWidth(1, 160)
        self.table.setColumnWidth(2, 240)
        self.table.setColumnWidth(3, 240)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("configPlanNotes")
        self.notes.setAccessibleName("Notes and problems")
        self.notes.setReadOnly(True)
        self.notes.setMaximumHeight(120)
        self.secrets_box = QGroupBox("Secrets to send")
        self.secrets_form = QFormLayout(self.secrets_box)
        self.secrets_box.hide()
        self.secret_fields: dict[tuple[str, str], QLineEdit] = {}
        self.progress, self.progress_label, self.progress_bar, self.cancel_button = progress_row(
            "Apply progress", "Cancel the apply"
        )
        self.buttons = QDialogButtonBox()
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("configApply")
        self.apply_button.setEnabled(False)
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.secrets_box)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

    def add_secret_field(self, key: tuple[str, str], label: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(label)
        caption = QLabel(label)
        caption.setTextFormat(Qt.TextFormat.PlainText)  # names come from a server or a file: never markup
        caption.setBuddy(field)
        self.secrets_form.addRow(caption, field)
        self.secret_fields[key] = field
        self.secrets_box.show()
        return field
