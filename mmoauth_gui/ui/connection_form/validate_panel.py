"""The Validate Connection control (the product's states) and, below it, why: desktop and server side by side."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mmoauth_gui.core.status import Look
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.ui.connection_form.validation_details import ValidationDetails
from mmoauth_gui.ui.kit.badge import effective_ok, result_kind
from mmoauth_gui.ui.kit.icons import status_icon
from mmoauth_gui.ui.kit.spinner import Spinner
from mmoauth_gui.ui.kit.style import status_css

VALIDATE_TEXT = "Validate Connection"
VALIDATING_TEXT = "Validating..."
VALIDATED_TEXT = "Validated connection"
# The product says "Please check the server logs for details or try again": the reason is shown below
# instead (docs/MATTERMOST.md F.5), so only its "try again" link is kept.
TRY_AGAIN_LINK = "#try-again"
NOT_VALIDATED_TEXT = "Connection not validated."
NOT_VALIDATED_HTML = f'Connection not validated. <a href="{TRY_AGAIN_LINK}">Try again</a>.'

SIDE_BY_SIDE_EMS = 56  # narrower than this, the desktop and server details stack

Outcome = ValidationResult | str | None  # a result, a note saying why it did not run, or not shown


class ValidateState(StrEnum):
    """The product's states of Validate Connection: the button shows in IDLE (nothing typed yet) and DIRTY."""

    IDLE = "idle"
    DIRTY = "dirty"
    VALIDATING = "validating"
    VALIDATED = "validated"
    FAILED = "failed"


class ValidatePanel(QWidget):
    validate_requested = Signal()
    try_again = Signal()  # the "try again" link: back to the button, as the backstage does

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = ValidateState.IDLE
        self.button = QPushButton(VALIDATE_TEXT)
        self.button.setObjectName("validateButton")
        self.button.setAccessibleName(VALIDATE_TEXT)
        self.button.setToolTip("Ask the token endpoint for a token with these settings (Ctrl+Return)")
        self.button.clicked.connect(self.validate_requested)
        self.spinner = Spinner()
        self.icon = QLabel()
        self.icon.hide()
        self.status = QLabel()
        self.status.setObjectName("validateStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Validation status")
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.status.linkActivated.connect(self._link)
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.reason = QLabel()
        self.reason.setObjectName("validateReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.setAccessibleName("Why")
        self.reason.hide()
        self.toggle = QToolButton()
        self.toggle.setObjectName("detailsToggle")
        self.toggle.setCheckable(True)
        self.toggle.setText("Details")
        self.toggle.setAccessibleName("Show validation details")
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.toggled.connect(self.set_details_visible)
        self.toggle.hide()

        self.desktop = ValidationDetails("desktop")
        self.server = ValidationDetails("server")
        self.details = QWidget()
        self.details.setObjectName("validationDetails")
        self.side = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.details)
        self.side.setContentsMargins(0, 0, 0, 0)
        self.side.addWidget(self.desktop, 1, Qt.AlignmentFlag.AlignTop)
        self.side.addWidget(self.server, 1, Qt.AlignmentFlag.AlignTop)
        self.details.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.spinner)
        row.addWidget(self.icon)
        row.addWidget(self.status, 1)
        row.addWidget(self.toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.reason)
        layout.addWidget(self.details)

    # -- states ----------------------------------------------------------------------------------

    @property
    def offers_validate(self) -> bool:
        """Whether the Validate Connection button is on offer (the backstage's initial and dirty states)."""
        return self.state in (ValidateState.IDLE, ValidateState.DIRTY)

    def set_idle(self, *, dirty: bool = False) -> None:
        """Back to the button: ``dirty`` once a credential field was typed in or "try again" clicked."""
        self.state = ValidateState.DIRTY if dirty else ValidateState.IDLE
        self.button.show()
        self.spinner.stop()
        self.icon.hide()
        self.status.clear()
        self.status.setStyleSheet("")
        self.reason.hide()
        self.reason.clear()
        self.button.setText(VALIDATE_TEXT)
        self.toggle.hide()
        self.toggle.setChecked(False)
        self.details.hide()

    def set_validating(self) -> None:
        self.state = ValidateState.VALIDATING
        self.icon.hide()
        self.spinner.start()
        self.button.setText(VALIDATING_TEXT)
        self.status.setText(escape(VALIDATING_TEXT))
        self.status.setStyleSheet("")
        self.reason.hide()

    def show_outcome(self, desktop: Outcome, server: Outcome) -> None:
        """Show both sides; validated when every check that ran got a token Mattermost's way."""
        ran = [r for r in (desktop, server) if isinstance(r, ValidationResult)]
        self.spinner.stop()
        self.button.setText(VALIDATE_TEXT)
        ok = bool(ran) and all(effective_ok(r) for r in ran)
        self.state = ValidateState.VALIDATED if ok else ValidateState.FAILED
        kind = Look.VALID if ok else (Look.REFUSED if ran else Look.UNCHECKED)
        if not ok:
            failing = [r for r in ran if not effective_ok(r)]
            if failing:
                kind = result_kind(failing[0])
        size = self.fontMetrics().height()
        self.icon.setPixmap(
            status_icon(Look.VALID if ok else (Look.WARNING if kind == Look.UNREACHABLE else Look.ERROR), self).pixmap(
                size, size
            )
        )
        self.icon.show()
        self.button.hide()  # the outcome takes the button's place until a credential changes or "try again"
        self.status.setText(escape(VALIDATED_TEXT) if ok else NOT_VALIDATED_HTML)
        self.status.setStyleSheet(status_css(Look.VALID if ok else Look.ERROR, self))
        self.reason.setText(self._reason_text(desktop, server))
        for box, outcome in ((self.desktop, desktop), (self.server, server)):
            box.setVisible(outcome is not None)
            if isinstance(outcome, ValidationResult):
                box.show_result(outcome)
            elif isinstance(outcome, str):
                box.show_note(outcome)
        self.toggle.show()
        self.toggle.setChecked(True)
        self.set_details_visible(True)

    def _link(self, target: str) -> None:
        if target == TRY_AGAIN_LINK:
            self.set_idle(dirty=True)
            self.button.setFocus()
            self.try_again.emit()

    def _reason_text(self, desktop: Outcome, server: Outcome) -> str:
        lines = []
        for label, outcome in (("This computer", desktop), ("Server", server)):
            if isinstance(outcome, ValidationResult):
                lines.append(f"{label}: {outcome.summary}")
            elif isinstance(outcome, str) and outcome:
                lines.append(f"{label}: {outcome}")
        return "\n".join(lines)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Side by side when there is room for two readable columns, one above the other otherwise."""
        super().resizeEvent(event)
        wide = event.size().width() >= self.fontMetrics().horizontalAdvance("M") * SIDE_BY_SIDE_EMS
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.side.direction() != direction:
            self.side.setDirection(direction)

    def set_details_visible(self, on: bool) -> None:
        """The details, or else their one-line summary (``reason``): the same refusal is said once."""
        self.details.setVisible(on)
        self.reason.setVisible(not on and bool(self.reason.text()))
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.toggle.setAccessibleName("Hide validation details" if on else "Show validation details")
