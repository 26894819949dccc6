"""A draft and the server's copy side by side, with the value at the last pull/push, and a choice per field.

The dialog only decides; the controller carries the decision out (push over, take the server's, merge).
It is opened with ``open()`` and answers through ``decided``; closing it decides nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.core.drafts.model import DRAFT_FIELDS, draft_fields
from mmoauth_gui.core.rules import FIELD_LABELS
from mmoauth_gui.core.status import Look
from mmoauth_gui.services.drafts_sync import Conflict, FieldDifference, Side
from mmoauth_gui.ui.kit.badge import local_time, when
from mmoauth_gui.ui.kit.icons import app_icon
from mmoauth_gui.ui.kit.style import scaled_font, status_css

KEEP_MINE = "keep_mine"
TAKE_THEIRS = "take_theirs"
MERGE = "merge"

KEEP_MINE_TEXT = "Keep mine (push anyway)"
TAKE_THEIRS_TEXT = "Take the server's"
MERGE_TEXT = "Merge and push"
LATER_TEXT = "Decide later"

CHANGED_BY = {
    "mine": "Changed in your draft only",
    "theirs": "Changed on the server only",
    "both": "Changed on both sides: choose",
    "unknown": "No copy from the last pull/push to compare with: choose",
}


def value_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value) if value else "(none)"
    text = str(value) if value is not None else ""
    return text if text else "(empty)"


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


class ConflictDialog(QDialog):
    decided = Signal(str, object)  # KEEP_MINE | TAKE_THEIRS | MERGE, {field: "mine" | "theirs"} for MERGE

    def __init__(self, conflict: Conflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setObjectName("draftConflictDialog")
        self.setWindowTitle(f"Conflict on “{conflict.draft_name or conflict.draft_id}”")
        self.setWindowIcon(app_icon())
        self.setAccessibleName(self.windowTitle())
        self.groups: dict[str, QButtonGroup] = {}
        self.choice_buttons: dict[str, dict[Side, QRadioButton]] = {}

        title = QLabel(self._headline())
        title.setObjectName("conflictHeadline")
        title.setWordWrap(True)
        title.setFont(scaled_font(self, 1.15, bold=True))
        explanation = QLabel(self._explanation())
        explanation.setObjectName("conflictExplanation")
        explanation.setWordWrap(True)

        grid_holder = QWidget()
        grid = QGridLayout(grid_holder)
        grid.setHorizontalSpacing(self.fontMetrics().horizontalAdvance("M") * 2)
        self._fill(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setWidget(grid_holder)

        self.same = QLabel(self._same_text())
        self.same.setObjectName("conflictSameFields")
        self.same.setWordWrap(True)
        self.same.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.same.setVisible(bool(self.same.text()))
        self.todo = QLabel()
        self.todo.setObjectName("conflictTodo")
        self.todo.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.keep_mine = self._button(KEEP_MINE_TEXT, QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_mine.setToolTip("Write your draft over the server's copy (creating it again if it was deleted)")
        self.take_theirs = self._button(TAKE_THEIRS_TEXT, QDialogButtonBox.ButtonRole.AcceptRole)
        self.take_theirs.setToolTip("Drop your draft's edits and take the server's copy")
        self.merge = self._button(MERGE_TEXT, QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge.setToolTip("Take each field from the side chosen above, then push the result")
        self.later = self._button(LATER_TEXT, QDialogButtonBox.ButtonRole.RejectRole)
        self.later.setToolTip("Close: the draft stays marked as a conflict and nothing is written")
        self.keep_mine.clicked.connect(lambda: self._decide(KEEP_MINE))
        self.take_theirs.clicked.connect(lambda: self._decide(TAKE_THEIRS))
        self.merge.clicked.connect(lambda: self._decide(MERGE))
        self.later.clicked.connect(self.reject)
        self.later.setDefault(True)  # Enter writes nothing
        if conflict.deleted:
            for button in (self.take_theirs, self.merge):
                button.setEnabled(False)
                button.setToolTip("The connection no longer exists on the server: there is no copy to take.")
            self.keep_mine.setText("Keep mine (create it again)")
            self.keep_mine.setAccessibleName(self.keep_mine.text())

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(explanation)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.same)
        layout.addWidget(self.todo)
        layout.addWidget(self.buttons)
        em = self.fontMetrics().horizontalAdvance("M")
        line = self.fontMetrics().height()
        rows = (
            len(DRAFT_FIELDS)
            if conflict.deleted
            else sum(len(value_text(d.mine).splitlines()) + 2 for d in conflict.differences)
        )
        self.resize(max(em * 64, grid_holder.sizeHint().width() + em * 3), line * (12 + 2 * rows))
        self.setSizeGripEnabled(True)
        self._update_merge()

    # -- content ---------------------------------------------------------------------------------

    def _headline(self) -> str:
        c = self.conflict
        if c.deleted:
            return f"“{c.draft_name}” was deleted on the server"
        return f"“{c.draft_name}” changed on the server since your last pull or push"

    def _explanation(self) -> str:
        c = self.conflict
        where = f"Connection {c.connection_id} on {c.server_url}"
        if c.deleted or c.theirs is None:
            return (
                f"{where} no longer exists. Nothing was written. Keep yours to create it again from the draft, or "
                "close this and delete the draft."
            )
        changed = local_time(c.theirs.update_at)
        at = f" ({when(changed)})" if changed is not None else ""
        return (
            f"{where} was updated{at}. Nothing was written: choose which value to keep for each field that "
            "differs, keep all of yours, or take all of the server's."
        )

    def _fill(self, grid: QGridLayout) -> None:
        c = self.conflict
        headers = ("Field", "Yours (draft)", "Server's copy", "At your last pull/push", "Keep")
        for col, text in enumerate(headers):
            label = QLabel(f"<b>{text}</b>")
            label.setTextFormat(Qt.TextFormat.RichText)
            grid.addWidget(label, 0, col)
        if c.deleted or c.theirs is None:
            mine = draft_fields(c.mine)
            base = draft_fields(c.base) if c.base is not None else None
            for row, name in enumerate(DRAFT_FIELDS, start=1):
                grid.addWidget(QLabel(field_label(name)), row, 0, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(self._value(mine[name]), row, 1)
                grid.addWidget(self._value("(deleted)"), row, 2)
                grid.addWidget(self._value(base[name] if base else "(unknown)"), row, 3)
            grid.setRowStretch(len(DRAFT_FIELDS) + 1, 1)
            return
        for row, diff in enumerate(c.differences, start=1):
            self._add_difference(grid, row, diff)
        grid.setRowStretch(len(c.differences) + 1, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)

    def _add_difference(self, grid: QGridLayout, row: int, diff: FieldDifference) -> None:
        name = QLabel(field_label(diff.field))
        name.setToolTip(CHANGED_BY[diff.changed_by])
        grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
        mine = self._value(diff.mine, emphasise=diff.changed_by in ("mine", "both"))
        theirs = self._value(diff.theirs, emphasise=diff.changed_by in ("theirs", "both"))
        base = self._value(diff.base if diff.base_known else "(unknown)")
        mine.setAccessibleName(f"{field_label(diff.field)}, yours")
        theirs.setAccessibleName(f"{field_label(diff.field)}, server's")
        base.setAccessibleName(f"{field_label(diff.field)}, at your last pull or push")
        grid.addWidget(mine, row, 1)
        grid.addWidget(theirs, row, 2)
        grid.addWidget(base, row, 3)

        choice = QWidget()
        column = QVBoxLayout(choice)
        column.setContentsMargins(0, 0, 0, 0)
        group = QButtonGroup(self)
        buttons: dict[Side, QRadioButton] = {}
        for side, text in (("mine", "Yours"), ("theirs", "Server's")):
            button = QRadioButton(text)
            button.setObjectName(f"choice_{diff.field}_{side}")
            button.setAccessibleName(f"Keep {text.lower()} {field_label(diff.field)}")
            group.addButton(button)
            column.addWidget(button)
            buttons[side] = button  # type: ignore[index]
        hint = QLabel(CHANGED_BY[diff.changed_by])
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column.addWidget(hint)
        if diff.suggestion is not None:
            buttons[diff.suggestion].setChecked(True)
        group.buttonToggled.connect(lambda *_: self._update_merge())
        self.groups[diff.field] = group
        self.choice_buttons[diff.field] = buttons
        grid.addWidget(choice, row, 4, Qt.AlignmentFlag.AlignTop)

    def _value(self, value: Any, *, emphasise: bool = False) -> QLabel:
        label = QLabel(value_text(value))  # not wrapped: URLs stay whole (the area scrolls sideways if need be)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        if emphasise:
            label.setFont(scaled_font(label, bold=True))
        return label

    def _same_text(self) -> str:
        c = self.conflict
        if c.deleted:
            return ""
        differing = {d.field for d in c.differences}
        same = [field_label(f) for f in DRAFT_FIELDS if f not in differing]
        if not c.differences:
            return "No visible field differs (the server's copy was saved again, perhaps with a new secret)."
        return "Same on both sides: " + ", ".join(same) + "." if same else ""

    def _button(self, text: str, role: QDialogButtonBox.ButtonRole) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        self.buttons.addButton(button, role)
        return button

    # -- choosing --------------------------------------------------------------------------------

    def choices(self) -> dict[str, Side]:
        out: dict[str, Side] = {}
        for name, buttons in self.choice_buttons.items():
            for side, button in buttons.items():
                if button.isChecked():
                    out[name] = side
        return out

    def choose(self, field: str, side: Side) -> None:
        self.choice_buttons[field][side].setChecked(True)

    def undecided(self) -> list[str]:
        chosen = self.choices()
        return [d.field for d in self.conflict.differences if d.field not in chosen]

    def _update_merge(self) -> None:
        if self.conflict.deleted:
            self.todo.hide()
            return
        missing = self.undecided()
        self.merge.setEnabled(not missing)
        if missing:
            self.todo.setText("To merge, choose yours or the server's for: " + ", ".join(map(field_label, missing)))
            self.todo.setStyleSheet(status_css(Look.WARNING, self))
        else:
            self.todo.setText("")
        self.todo.setVisible(bool(missing))

    def _decide(self, kind: str) -> None:
        if kind == MERGE and self.undecided():
            return
        self.decided.emit(kind, self.choices() if kind == MERGE else {})
        self.accept()
