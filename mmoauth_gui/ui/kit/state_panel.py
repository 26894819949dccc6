"""A centred message standing in for a view's content: empty, loading, error, not connected."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from mmoauth_gui.core.status import Look
from mmoauth_gui.ui.kit.icons import app_icon, status_icon
from mmoauth_gui.ui.kit.style import scaled_font

StateAction = tuple[str, Callable[[], None]]


class PanelState(StrEnum):
    """What a page shows instead of its content."""

    EMPTY = "empty"
    LOADING = "loading"
    WELCOME = "welcome"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


PANEL_ICONS = {
    PanelState.EMPTY: Look.INFO,
    PanelState.ERROR: Look.ERROR,
    PanelState.WARNING: Look.WARNING,
    PanelState.INFO: Look.INFO,
}


class StatePanel(QWidget):
    """Icon, title, explanation and up to a few buttons, centred; or a busy bar for ``loading``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = ""
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.title.setObjectName("stateTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.title.setFont(scaled_font(self, 1.35, bold=True))
        self.body = QLabel()
        self.body.setObjectName("stateBody")
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName("Working")
        self.busy.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 24)
        self.buttons = QHBoxLayout()
        self._buttons: list[QPushButton] = []

        column = QVBoxLayout()
        column.addStretch(2)
        column.addWidget(self.icon)
        column.addWidget(self.title)
        column.addWidget(self.body)
        column.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(self.fontMetrics().height())
        column.addLayout(self.buttons)
        column.addStretch(3)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 4)
        outer.addStretch(1)

    def show_state(self, kind: PanelState, title: str, body: str = "", actions: Sequence[StateAction] = ()) -> None:
        self.kind = kind
        icon_kind = PANEL_ICONS.get(kind)
        size = self.fontMetrics().height() * 3
        if icon_kind is not None:
            self.icon.setPixmap(status_icon(icon_kind, self).pixmap(size, size))
            self.icon.show()
        elif kind == PanelState.WELCOME:
            self.icon.setPixmap(app_icon().pixmap(size * 2, size * 2))
            self.icon.show()
        else:
            self.icon.hide()
        self.title.setText(title)
        self.body.setText(body)
        self.body.setVisible(bool(body))
        self.busy.setVisible(kind == PanelState.LOADING)
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._buttons = []
        self.buttons.addStretch(1)
        for i, (text, callback) in enumerate(actions):
            button = QPushButton(text)
            button.setAccessibleName(text.replace("&", "").rstrip("…."))
            button.clicked.connect(callback)
            if i == 0:
                button.setDefault(True)
            self.buttons.addWidget(button)
            self._buttons.append(button)
        self.buttons.addStretch(1)
        self.setAccessibleName(title)

    def action_buttons(self) -> list[QPushButton]:
        return list(self._buttons)
