"""The servers dialog's HTML: a server test's findings, one coloured mark per line (server text escaped)."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QWidget

from mmoauth_gui.core.status import Look
from mmoauth_gui.services.profile_check import ProfileTestResult
from mmoauth_gui.ui.kit.style import status_color

MARKS = {Look.VALID: "✔", Look.REFUSED: "✖", Look.WARNING: "⚠", Look.UNREACHABLE: "⚠"}


def test_results_html(result: ProfileTestResult, widget: QWidget) -> str:
    lines = []
    for kind, text in result.lines:
        color = status_color(kind, widget).name()
        lines.append(f'<span style="color:{color}">{MARKS.get(kind, "•")}</span>&nbsp;{escape(text)}')
    return "<br>".join(lines)
