"""The Add / Edit Outgoing OAuth Connection dialog: the form in a scrollable window, Esc asks before dropping.

After an Add it turns to the "Setup Successful" page, as the backstage does; after an Edit it closes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QFrame, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from mmoauth_gui.core.model import Connection
from mmoauth_gui.ui.connection_form.demo_fill import demo_fill_bar
from mmoauth_gui.ui.connection_form.form import ConnectionForm
from mmoauth_gui.ui.connection_form.setup_successful import SetupSuccessful
from mmoauth_gui.ui.kit.icons import app_icon
from mmoauth_gui.ui.preview.what_if import with_what_if

ADD_TITLE = "Add Outgoing OAuth Connection"
EDIT_TITLE = "Edit Outgoing OAuth Connection"


class ConnectionDialog(QDialog):
    def __init__(self, ctx: Any, parent: QWidget | None = None, *, editing: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("connectionDialog")
        self.setWindowTitle(EDIT_TITLE if editing else ADD_TITLE)
        self.setWindowIcon(app_icon())
        self.setAccessibleName(self.windowTitle())
        self.form = ConnectionForm(ctx)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.form)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.demo_fill = None if editing else demo_fill_bar(ctx, self.form)
        if self.demo_fill is not None:
            layout.addWidget(self.demo_fill)
        self.what_if, body = with_what_if(ctx, self.form, scroll)  # what saving would do to slash commands
        layout.addWidget(body, 1)
        margin = self.fontMetrics().height() // 2
        self.form.footer.setContentsMargins(margin, margin // 2, margin, margin)
        layout.addWidget(self.form.footer)  # Save and Cancel stay in view however long the validation details
        self.success = SetupSuccessful()
        self.pages = QStackedWidget()
        self.pages.addWidget(body)
        self.pages.addWidget(self.success)
        layout.addWidget(self.pages)
        self.editing = editing
        self.form.cancelled.connect(self._close_now)
        self.form.saved.connect(self._saved)
        self.success.done.connect(self.accept)
        em = self.fontMetrics().horizontalAdvance("M")
        line = self.fontMetrics().height()
        self.resize(em * (62 if self.what_if is None else 100), line * 40)
        self.setSizeGripEnabled(True)
        self._closing = False

    @property
    def showing_success(self) -> bool:
        return self.pages.currentWidget() is self.success

    def _saved(self, saved: Connection) -> None:
        if self.editing:
            self.accept()
            return
        self.success.show_connection(saved)
        self.pages.setCurrentWidget(self.success)
        self.success.done_button.setFocus()

    def reject(self) -> None:
        """Esc and the close button ask first when something was changed."""
        if self._closing or self.showing_success:
            super().reject()
        else:
            self.form.request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._closing or self.showing_success:
            super().closeEvent(event)
            return
        event.ignore()
        self.form.request_cancel()

    def _close_now(self) -> None:
        self._closing = True
        self.form.close_tasks()
        super().reject()

    def done(self, result: int) -> None:
        self._closing = True
        self.form.close_tasks()
        super().done(result)
