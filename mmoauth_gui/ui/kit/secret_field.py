"""A secret input that, on edit, shows the stored secret as a row of bullets with a pencil to replace it.

Untouched, ``value()`` is "" (the server keeps the stored secret); after the pencil, it is what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QStackedWidget, QToolButton, QWidget

from mmoauth_gui.core.status import Look
from mmoauth_gui.ui.kit.icons import status_icon

BULLETS = "••••••••••••"


class SecretField(QWidget):
    changed = Signal()
    replace_started = Signal()

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAccessibleName(label)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self._reveal = QAction("Show", self.edit)
        self._reveal.setCheckable(True)
        self._reveal.setToolTip(f"Show the {label.lower()} while typing")
        self._reveal.toggled.connect(self._toggle_reveal)
        self.edit.addAction(self._reveal, QLineEdit.ActionPosition.TrailingPosition)
        self._reveal.setIcon(status_icon(Look.SHOW, self))

        self.masked = QLabel(BULLETS)
        self.masked.setAccessibleName(f"{label}: stored on the server, hidden")
        self.masked.setToolTip(f"The stored {label.lower()} is never shown. Click the pencil to replace it.")
        self.pencil = QToolButton()
        self.pencil.setIcon(status_icon(Look.EDIT, self))
        self.pencil.setToolTip(f"Replace the {label.lower()}")
        self.pencil.setAccessibleName(f"Replace the {label.lower()}")
        self.pencil.clicked.connect(self.start_replacing)
        masked_row = QWidget()
        row = QHBoxLayout(masked_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.masked)
        row.addWidget(self.pencil)
        row.addStretch(1)

        self.keep_button = QPushButton("Keep the stored secret")
        self.keep_button.setAccessibleName(f"Keep the stored {label.lower()}")
        self.keep_button.setFlat(True)
        self.keep_button.clicked.connect(self.keep_stored)
        typed_row = QWidget()
        typed = QHBoxLayout(typed_row)
        typed.setContentsMargins(0, 0, 0, 0)
        typed.addWidget(self.edit, 1)
        typed.addWidget(self.keep_button)

        self.stack = QStackedWidget()
        self.stack.addWidget(typed_row)
        self.stack.addWidget(masked_row)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._stored = False
        self.set_stored(False)
        self.setFocusProxy(self.edit)

    def set_stored(self, stored: bool) -> None:
        """``stored``: a secret exists on the server; start masked, untouched."""
        self._stored = stored
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self.keep_button.setVisible(stored)
        self.stack.setCurrentIndex(1 if stored else 0)
        self.setFocusProxy(self.pencil if stored else self.edit)

    @property
    def kept(self) -> bool:
        """True while the stored secret is kept (masked and untouched)."""
        return self._stored and self.stack.currentIndex() == 1

    def value(self) -> str:
        return "" if self.kept else self.edit.text()

    def set_value(self, text: str) -> None:
        self.stack.setCurrentIndex(0)
        self.edit.setText(text)

    def start_replacing(self) -> None:
        self.edit.clear()
        self.stack.setCurrentIndex(0)
        self.setFocusProxy(self.edit)
        self.edit.setFocus()
        self.replace_started.emit()
        self.changed.emit()

    def keep_stored(self) -> None:
        if not self._stored:
            return
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self.stack.setCurrentIndex(1)
        self.setFocusProxy(self.pencil)
        self.pencil.setFocus()
        self.changed.emit()

    def _toggle_reveal(self, on: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        self._reveal.setText("Hide" if on else "Show")
