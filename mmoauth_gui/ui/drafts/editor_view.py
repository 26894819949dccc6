"""The draft editor pane (layout only): what the draft is, the shared connection form, note and target."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.core.status import Look
from mmoauth_gui.ui.connection_form.form import ConnectionForm
from mmoauth_gui.ui.kit.icons import status_icon
from mmoauth_gui.ui.kit.style import scaled_font, status_css

NOTHING_SELECTED = "Select a draft to edit it, or create one with New draft (Ctrl+Shift+N)."


class Banner(QFrame):
    """An icon, a sentence and an optional button, for something the reader must act on."""

    def __init__(self, object_name: str, button_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.icon = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton(button_text)
        self.button.setAccessibleName(button_text.rstrip("…"))
        self.button.setVisible(bool(button_text))
        row = QHBoxLayout(self)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, kind: Look, text: str) -> None:
        size = self.fontMetrics().height()
        self.icon.setPixmap(status_icon(kind, self).pixmap(size, size))
        self.text.setText(text)
        self.setAccessibleName(text)
        self.show()


class DraftEditor(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Draft editor")

        self.title = QLabel()
        self.title.setObjectName("draftTitle")
        self.title.setFont(scaled_font(self, 1.25, bold=True))
        self.title.setWordWrap(True)
        self.status_icon = QLabel()
        self.status = QLabel()
        self.status.setObjectName("draftStatus")
        self.status.setAccessibleName("Draft status")
        self.origin = QLabel()
        self.origin.setObjectName("draftOrigin")
        self.origin.setWordWrap(True)
        self.origin.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.origin.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.secret_state = QLabel()
        self.secret_state.setObjectName("draftSecretState")
        self.secret_state.setWordWrap(True)
        self.secret_state.setAccessibleName("Secret")
        self.validation = QLabel()
        self.validation.setObjectName("draftValidation")
        self.validation.setWordWrap(True)
        self.validation.setTextFormat(Qt.TextFormat.RichText)
        self.validation.setAccessibleName("Last validation")
        self.conflict = Banner("draftConflict", "Resolve…")
        self.conflict.button.setToolTip("Compare your draft with the server's copy and choose, field by field")

        self.form = ConnectionForm(ctx)
        self.form.setObjectName("draftForm")
        # A draft is saved as it is typed: the form's Save / Cancel row does not apply.
        for widget in (self.form.save_button, self.form.cancel_button, self.form.todo):
            widget.hide()
        for shortcut in self.form.findChildren(QShortcut):
            if shortcut.key() == QKeySequence(QKeySequence.StandardKey.Save):
                shortcut.setEnabled(False)

        self.note = QPlainTextEdit()
        self.note.setObjectName("draftNote")
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("Why this connection, who asked for it, when to push it…")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.server = QComboBox()
        self.server.setObjectName("draftServer")
        self.server.setEditable(True)
        self.server.setAccessibleName("Target server")
        self.server.setToolTip("A server profile name or a server URL (optional): where this draft is meant to go")
        self.server.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.server.lineEdit()
        if line is not None:
            line.setPlaceholderText("Server profile or URL (optional)")
        self.team = QLineEdit()
        self.team.setObjectName("draftTeam")
        self.team.setAccessibleName("Target team")
        self.team.setPlaceholderText("Team name or id (optional)")
        for field in (self.note, self.server, self.team):  # Ctrl+Return validates here too, as in the form
            for keys in ("Ctrl+Return", "Ctrl+Enter"):
                QShortcut(QKeySequence(keys), field, self.form.validate).setContext(
                    Qt.ShortcutContext.WidgetWithChildrenShortcut
                )
        extra = QFormLayout()
        extra.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        note_label = QLabel("&Note")
        note_label.setBuddy(self.note)
        extra.addRow(note_label, self.note)
        server_label = QLabel("Target se&rver")
        server_label.setBuddy(self.server)
        extra.addRow(server_label, self.server)
        team_label = QLabel("Target &team")
        team_label.setBuddy(self.team)
        extra.addRow(team_label, self.team)

        self.problems = QLabel()
        self.problems.setObjectName("draftPushBlockers")
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("What blocks pushing")
        self.saved = QLabel()
        self.saved.setObjectName("autosaveStatus")
        self.saved.setAccessibleName("Autosave")
        self.saved.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.what_if_slot = QVBoxLayout()
        self.what_if_slot.setContentsMargins(0, 0, 0, 0)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.status_icon)
        header.addWidget(self.status)

        content = QWidget()
        column = QVBoxLayout(content)
        column.addLayout(header)
        column.addWidget(self.origin)
        column.addWidget(self.conflict)
        column.addWidget(self.secret_state)
        column.addWidget(self.validation)
        column.addWidget(self.form)
        column.addLayout(extra)
        column.addLayout(self.what_if_slot)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("draftScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)

        footer = QHBoxLayout()
        footer.addWidget(self.problems, 1)
        footer.addWidget(self.saved, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        editing = QWidget()
        editing_layout = QVBoxLayout(editing)
        editing_layout.setContentsMargins(0, 0, 0, 0)
        editing_layout.addWidget(scroll, 1)
        editing_layout.addLayout(footer)

        self.empty = QLabel(NOTHING_SELECTED)
        self.empty.setObjectName("draftEditorEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(editing)
        self._editing = editing
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self.setTabOrder(self.form.password.pencil, self.note)
        self.setTabOrder(self.note, self.server)
        self.setTabOrder(self.server, self.team)

    def show_editing(self, editing: bool) -> None:
        self.stack.setCurrentWidget(self._editing if editing else self.empty)

    @property
    def editing(self) -> bool:
        return self.stack.currentWidget() is self._editing

    def show_status(self, kind: Look, text: str, tip: str) -> None:
        size = self.fontMetrics().height()
        self.status_icon.setPixmap(status_icon(kind, self).pixmap(size, size))
        self.status.setText(text)
        self.status.setToolTip(tip)
        self.status_icon.setToolTip(tip)

    def show_secret_state(self, kind: Look, text: str) -> None:
        self.secret_state.setText(text)
        self.secret_state.setStyleSheet(
            status_css(kind, self) if kind in (Look.WARNING, Look.REFUSED, Look.ERROR) else ""
        )
        self.secret_state.setVisible(bool(text))

    def show_problems(self, text: str) -> None:
        self.problems.setText(text)
        self.problems.setStyleSheet(status_css(Look.UNCHECKED, self))
