"""The rule problems of one form field, shown right under it: errors and warnings styled apart."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from mmoauth_gui.core.rules import Problem
from mmoauth_gui.core.status import Look
from mmoauth_gui.ui.kit.style import status_color


class FieldProblems(QLabel):
    def __init__(self, field: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setObjectName(f"problems_{field}")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems: list[Problem] = []
        self.hide()

    def show_problems(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        if not problems:
            self.clear()
            self.setAccessibleName("")
            self.hide()
            return
        error = status_color(Look.ERROR, self).name()
        warning = status_color(Look.WARNING, self).name()
        lines = []
        for p in problems:
            color, mark = (error, "✖") if p.is_error else (warning, "⚠")
            lines.append(f'<span style="color:{color}">{mark}&nbsp;{escape(p.message)}</span>')
        self.setText("<br>".join(lines))
        self.setAccessibleName("; ".join(p.message for p in problems))
        self.show()

    def messages(self) -> list[str]:
        return [p.message for p in self.problems]
