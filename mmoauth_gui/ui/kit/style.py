"""Colours and fonts derived from the system palette, so light and dark themes both read well."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from mmoauth_gui.core.status import Look

# (light theme, dark theme): each passes WCAG AA contrast against the usual window colours.
_STATUS: dict[Look, tuple[str, str]] = {
    Look.VALID: ("#1a7f37", "#57d98a"),
    Look.REFUSED: ("#c62828", "#ff8a80"),
    Look.ERROR: ("#c62828", "#ff8a80"),
    Look.UNREACHABLE: ("#9a5b00", "#f5b950"),
    Look.WARNING: ("#9a5b00", "#f5b950"),
    Look.UNCHECKED: ("#5f6368", "#a8adb4"),
    Look.INFO: ("#1c58d9", "#8ab4ff"),
}


def palette_of(widget: QWidget | None = None) -> QPalette:
    if widget is not None:
        return widget.palette()
    return QApplication.palette()


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_color(kind: Look, widget: QWidget | None = None) -> QColor:
    """The colour for a status ``kind`` (valid, refused, unreachable, unchecked, warning, error, info)."""
    light, dark = _STATUS.get(kind, _STATUS[Look.UNCHECKED])
    return QColor(dark if is_dark(palette_of(widget)) else light)


def status_css(kind: Look, widget: QWidget | None = None) -> str:
    return f"color: {status_color(kind, widget).name()};"


def scaled_font(widget: QWidget, factor: float = 1.0, *, bold: bool = False) -> QFont:
    """The widget's font, scaled relative to the system size (never a fixed pixel size)."""
    font = QFont(widget.font())
    if factor != 1.0:
        size = font.pointSizeF()
        if size > 0:
            font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def monospace_font(widget: QWidget) -> QFont:
    font = QFont(widget.font())
    font.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font
