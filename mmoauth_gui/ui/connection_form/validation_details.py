"""Why a validation came out as it did: category, RFC error, hint, HTTP status, time, decoded claims."""

from __future__ import annotations

import json
from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGroupBox, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from mmoauth_gui.core.status import Look
from mmoauth_gui.core.validation.jwt_inspect import NOT_VERIFIED, format_duration
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.ui.kit.badge import local_time, result_kind
from mmoauth_gui.ui.kit.style import status_color

SOURCE_TITLES = {"desktop": "From this computer", "server": "By the Mattermost server"}


def _row(name: str, value: str, *, code: bool = False) -> str:
    shown = f"<code>{escape(value)}</code>" if code else escape(value)
    return (
        f'<tr><td style="padding-right:12px; white-space:nowrap" valign="top"><b>{escape(name)}</b></td>'
        f"<td>{shown}</td></tr>"
    )


def result_html(result: ValidationResult, widget: QWidget | None = None) -> str:
    """The whole explanation of ``result`` as rich text (palette colours only, plus status colours)."""
    kind = result_kind(result)
    color = status_color(kind, widget).name()
    mark = {Look.VALID: "✔", Look.REFUSED: "✖", Look.UNREACHABLE: "⚠"}.get(kind, "•")
    checked = local_time(result.checked_at)
    when = checked.strftime("%H:%M:%S") if checked else ""
    meta = " · ".join(x for x in (f"checked at {when}" if when else "", f"{result.elapsed_ms} ms") if x)
    parts = [
        f'<p style="margin:0"><span style="color:{color}; font-weight:bold">{mark} {escape(result.label)}</span>'
        f"<br><span>{escape(meta)}</span></p>"
    ]
    if result.hint:
        parts.append(f'<p style="margin-top:6px; margin-bottom:6px">{escape(result.hint)}</p>')

    rows: list[str] = [_row("Category", result.category, code=True)]
    if result.error:
        rows.append(_row("RFC 6749 error", result.error, code=True))
    if result.error_description:
        rows.append(_row("Description", result.error_description))
    if result.error_uri:
        rows.append(_row("Error URI", result.error_uri))
    if result.http_status is not None:
        rows.append(_row("HTTP status", str(result.http_status)))
    if result.detailed_error:
        rows.append(_row("Server detail", result.detailed_error))
    if result.auth_method:
        rows.append(_row("Client auth", result.auth_method, code=True))
    if result.mattermost_compatible is not None:
        rows.append(
            _row(
                "Mattermost's request",
                "works" if result.mattermost_compatible else "would fail (form-body credentials)",
            )
        )
    if result.token_type:
        rows.append(_row("Token type", result.token_type))
    if result.expires_in is not None:
        rows.append(_row("Expires in", format_duration(result.expires_in)))
    if result.scope:
        rows.append(_row("Scope", result.scope, code=True))
    if result.token_preview:
        rows.append(_row("Access token", result.token_preview, code=True))
    if result.www_authenticate:
        rows.append(_row("WWW-Authenticate", result.www_authenticate, code=True))
    if result.redirect_location:
        rows.append(_row("Redirects to", result.redirect_location))
    parts.append(f'<table cellspacing="0" cellpadding="1">{"".join(rows)}</table>')

    parts += _integration_parts(result, widget)
    if result.claims:
        verified = result.verification is not None and result.verification.status == "verified"
        note = "" if verified else f"<br><i>{escape(result.jwt_note or NOT_VERIFIED)}</i>"
        title = "signature verified" if verified else "not verified"
        parts.append(
            f'<p style="margin-top:8px; margin-bottom:2px"><b>Decoded access-token claims — {title}</b>{note}</p>'
        )
        parts.append(f'<table cellspacing="0" cellpadding="1">{"".join(_claim_rows(result))}</table>')
    if result.response_excerpt:
        parts.append(f"<p><b>Response began with</b></p><pre>{escape(result.response_excerpt)}</pre>")
    if result.warnings:
        warn = status_color(Look.WARNING, widget).name()
        lines = "<br>".join(f"⚠ {escape(w)}" for w in result.warnings)
        parts.append(f'<p style="color:{warn}; margin-top:8px">{lines}</p>')
    if result.claims and result.jwt_header:
        header = ", ".join(f"{k}: {v}" for k, v in result.jwt_header.items())
        parts.append(f"<p><b>JWT header</b> <code>{escape(header)}</code></p>")
    if not result.claims and result.jwt_note and result.ok:
        parts.append(f"<p><i>{escape(result.jwt_note)}</i></p>")
    if result.attempts and len(result.attempts) > 1:
        tries = "".join(
            f"<li>{escape(str(a.get('auth_method', '')))}: {escape(str(a.get('error') or a.get('category', '')))}</li>"
            for a in result.attempts
        )
        parts.append(f"<p><b>Attempts</b></p><ul style='margin-top:0'>{tries}</ul>")
    return "".join(parts)


SIGNATURE_WORDS = {
    "verified": (Look.VALID, "✔ Signature verified"),
    "failed": (Look.ERROR, "✖ Signature check failed"),
    "not_verifiable": (Look.WARNING, "• Signature cannot be verified"),
    "not_jwt": (Look.UNCHECKED, "• Opaque token"),
}


def _integration_parts(result: ValidationResult, widget: QWidget | None) -> list[str]:
    """The token as the integration will check it: the signature, then each recorded expectation."""
    if result.verification is None and not result.expectations:
        return []
    lines: list[str] = []
    if result.integration_would_refuse:
        red = status_color(Look.ERROR, widget).name()
        lines.append(f'<span style="color:{red}; font-weight:bold">The integration would refuse this token.</span>')
    if result.verification is not None:
        look, words = SIGNATURE_WORDS.get(result.verification.status, (Look.UNCHECKED, result.verification.status))
        color = status_color(look, widget).name()
        lines.append(f'<span style="color:{color}">{escape(words)}</span>: {escape(result.verification.reason)}')
    for check in result.expectations:
        marks: dict[bool | None, tuple[Look, str]] = {True: (Look.VALID, "✔"), False: (Look.ERROR, "✖")}
        look, mark = marks.get(check.ok, (Look.UNCHECKED, "?"))
        color = status_color(look, widget).name()
        why = f" — {escape(check.why)}" if check.why else ""
        lines.append(
            f'<span style="color:{color}">{mark}</span> expects {escape(check.what)} '
            f"<code>{escape(check.expected)}</code>{why}"
        )
    title = '<p style="margin-top:8px; margin-bottom:2px"><b>Checked as the integration will</b></p>'
    return [title, f'<p style="margin-top:0">{"<br>".join(lines)}</p>']


def _claim_rows(result: ValidationResult) -> list[str]:
    rows = []
    for name, value in (result.claims or {}).items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        if name in result.jwt_dates:
            shown = f"{shown}  ({result.jwt_dates[name]})"
        rows.append(_row(name, shown, code=True))
    if result.jwt_time_left_s is not None:
        left = result.jwt_time_left_s
        rows.append(_row("time left", "expired" if left <= 0 else format_duration(left)))
    return rows


class FitBrowser(QTextBrowser):
    """A read-only rich-text view as tall as its text (up to ``max_lines``), then scrolling."""

    def __init__(self, max_lines: int = 44, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_lines = max_lines
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        doc = self.document().clone()
        margins = self.contentsMargins()
        doc.setTextWidth(max(1, width - margins.left() - margins.right() - 2 * int(doc.documentMargin())))
        text_height = int(doc.size().height()) + margins.top() + margins.bottom()
        line = self.fontMetrics().lineSpacing()
        return max(line * 2, min(text_height, line * self.max_lines))

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        return QSize(hint.width(), self.heightForWidth(max(self.width(), hint.width())))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        # As tall as the text at the current width: the form scrolls instead of squeezing the details.
        return QSize(super().minimumSizeHint().width(), self.heightForWidth(max(self.width(), 100)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()

    def setHtml(self, text: str) -> None:  # noqa: N802
        super().setHtml(text)
        self.updateGeometry()


class ValidationDetails(QGroupBox):
    """One side of the details panel: this computer's check, or the server's."""

    def __init__(self, source: str, parent: QWidget | None = None) -> None:
        super().__init__(SOURCE_TITLES.get(source, source), parent)
        self.source = source
        self.setObjectName(f"details_{source}")
        self.browser = FitBrowser()
        self.browser.setObjectName(f"detailsText_{source}")
        self.browser.setAccessibleName(f"Validation details, {SOURCE_TITLES.get(source, source).lower()}")
        self.browser.setOpenExternalLinks(False)
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.browser.viewport().setAutoFillBackground(False)
        self.browser.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.browser)
        self.result: ValidationResult | None = None
        self.note = ""

    def show_result(self, result: ValidationResult) -> None:
        self.result = result
        self.note = ""
        self.browser.setHtml(result_html(result, self))

    def show_note(self, text: str, kind: Look = Look.UNCHECKED) -> None:
        self.result = None
        self.note = text
        color = status_color(kind, self).name()
        self.browser.setHtml(f'<p style="color:{color}">{escape(text)}</p>')

    def text(self) -> str:
        return self.browser.toPlainText()
