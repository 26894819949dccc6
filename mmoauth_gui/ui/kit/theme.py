"""View › Theme: follow the system, or a light or dark palette of the app's own (Fusion style), applied live."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEME_KEY = "view/theme"
Role = QPalette.ColorRole
Group = QPalette.ColorGroup


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


THEME_LABELS = {Theme.SYSTEM: "&System", Theme.LIGHT: "&Light", Theme.DARK: "&Dark"}

# window, base, alternate base, text, disabled text, button, highlight, link, tooltip base
_COLOURS = {
    Theme.LIGHT: ("#efefef", "#ffffff", "#f5f5f5", "#1f1f1f", "#8a8a8a", "#e8e8e8", "#2a64c5", "#1c58d9", "#ffffdc"),
    Theme.DARK: ("#2b2b2b", "#1e1e1e", "#262626", "#e6e6e6", "#7c7c7c", "#353535", "#3d7bd9", "#8ab4ff", "#3a3a3a"),
}


class _System:
    """The style and palette the app started with, restored by ``Theme.SYSTEM``."""

    style: str | None = None
    palette: QPalette | None = None


def theme_palette(theme: Theme) -> QPalette:
    window, base, alternate, text, disabled, button, highlight, link, tip = (QColor(c) for c in _COLOURS[theme])
    palette = QPalette()
    for role, colour in (
        (Role.Window, window),
        (Role.WindowText, text),
        (Role.Base, base),
        (Role.AlternateBase, alternate),
        (Role.Text, text),
        (Role.Button, button),
        (Role.ButtonText, text),
        (Role.BrightText, QColor("#ff5555")),
        (Role.Highlight, highlight),
        (Role.HighlightedText, QColor("#ffffff")),
        (Role.Link, link),
        (Role.LinkVisited, link),
        (Role.ToolTipBase, tip),
        (Role.ToolTipText, text),
        (Role.PlaceholderText, disabled),
    ):
        palette.setColor(role, colour)
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(Group.Disabled, role, disabled)
    return palette


def apply_theme(theme: Theme) -> None:
    """Restyle every window now: a light or dark palette on the Fusion style, or back to the system's."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _System.style is None:
        if theme == Theme.SYSTEM:
            return  # never themed: the system's look is already on
        _System.style = app.style().name()
        _System.palette = QPalette(app.palette())
    if theme == Theme.SYSTEM:
        app.setStyle(_System.style)
        if _System.palette is not None:
            app.setPalette(_System.palette)
        return
    app.setStyle("Fusion")
    app.setPalette(theme_palette(theme))


def saved_theme(settings: QSettings) -> Theme:
    value = settings.value(THEME_KEY, Theme.SYSTEM.value)
    try:
        return Theme(str(value))
    except ValueError:
        return Theme.SYSTEM


def choose_theme(settings: QSettings, theme: Theme) -> None:
    settings.setValue(THEME_KEY, theme.value)
    apply_theme(theme)
