"""Text from servers, files and the user shown as text: never as HTML, never as a link the desktop opens.

Qt guesses: a ``QLabel``, a message box or a tooltip whose text *looks* like HTML (``Qt.mightBeRichText``)
is rendered as HTML, so a connection name, a username or a server's error message holding
``<a href="file://…">`` or ``<img src=…>`` would draw markup and offer links. ``install(app)`` puts one event
filter on the application that, for every label as it is polished, turns Qt's guess (``AutoText``) into
``PlainText`` and stops links opening outside the app; labels the app fills with HTML it builds (every
dynamic part ``html.escape``d) say so with ``setTextFormat(RichText)`` and are left alone. Tooltips are
shown through ``tooltip_text``, which escapes text Qt would otherwise read as HTML.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QWidget


def tooltip_text(text: str) -> str:
    """``text`` as a tooltip shows it literally: escaped inside ``<qt>`` when Qt would take it for HTML."""
    if not text or not GuiQt.mightBeRichText(text):
        return text
    return f"<qt>{html.escape(text).replace(chr(10), '<br>')}</qt>"


def plain_label(label: QLabel) -> QLabel:
    """``label`` showing its text as text (what the guard does to every label not marked rich)."""
    if label.textFormat() == Qt.TextFormat.AutoText:
        label.setTextFormat(Qt.TextFormat.PlainText)
    label.setOpenExternalLinks(False)
    return label


class PlainTextGuard(QObject):
    """The application's event filter: labels plain unless marked rich, tooltips escaped."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, QLabel):
            plain_label(watched)
        elif kind == QEvent.Type.ToolTip and isinstance(watched, QWidget) and isinstance(event, QHelpEvent):
            text = watched.toolTip()
            if text and GuiQt.mightBeRichText(text) and not text.startswith("<qt>"):
                QToolTip.showText(event.globalPos(), tooltip_text(text), watched)
                return True
        return False


_guard: PlainTextGuard | None = None


def install(app: QApplication) -> PlainTextGuard:
    """Put the guard on ``app`` (once), and make the labels that already exist plain as it would have.

    The app installs it once the window's shell has painted: until then every event of every widget would
    cross into Python, and PySide6 would build the Python types of each on the way (about 35 ms).
    """
    global _guard
    if _guard is None:
        _guard = PlainTextGuard(app)
        app.installEventFilter(_guard)
        for widget in app.allWidgets():
            if isinstance(widget, QLabel):
                plain_label(widget)
    return _guard
