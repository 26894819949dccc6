"""The last-validation badge of a connection: valid / refused / unreachable / not checked, with its time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mmoauth_gui.core.clock import from_ms
from mmoauth_gui.core.status import Look
from mmoauth_gui.core.validation.result import ValidationResult

KIND_LABELS: dict[Look, str] = {
    Look.VALID: "Valid",
    Look.REFUSED: "Refused",
    Look.UNREACHABLE: "Unreachable",
    Look.UNCHECKED: "Not checked",
}
KIND_ORDER: dict[Look, int] = {Look.REFUSED: 0, Look.UNREACHABLE: 1, Look.UNCHECKED: 2, Look.VALID: 3}

UNREACHABLE_CATEGORIES = frozenset({"network", "tls", "timeout"})


@dataclass(frozen=True)
class Badge:
    kind: Look = Look.UNCHECKED
    checked_at: datetime | None = None
    summary: str = ""  # one line: why (the RFC error, the HTTP status, the hint)
    source: str = ""  # desktop | server

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def text(self, now: datetime | None = None) -> str:
        if self.checked_at is None:
            return self.label
        return f"{self.label} · {when(self.checked_at, now)}"


NOT_CHECKED = Badge()


def badge_kind(ok: bool, category: str) -> Look:
    if ok:
        return Look.VALID
    return Look.UNREACHABLE if category in UNREACHABLE_CATEGORIES else Look.REFUSED


def effective_ok(result: ValidationResult) -> bool:
    """A token came back *the way Mattermost asks for it* (not only with HTTP Basic)."""
    return result.ok and result.mattermost_compatible is not False


def result_kind(result: ValidationResult) -> Look:
    if result.ok and result.mattermost_compatible is False:
        return Look.REFUSED
    return badge_kind(result.ok, result.category)


def badge_for(result: ValidationResult, checked_at: str = "") -> Badge:
    """The badge for a validation result (``checked_at``: ISO 8601, defaults to the result's own)."""
    kind = result_kind(result)
    return Badge(kind, local_time(checked_at or result.checked_at), result.summary, result.source)


def local_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return from_ms(int(value)).astimezone()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value.astimezone() if value.tzinfo else value
    return None


def when(moment: datetime, now: datetime | None = None) -> str:
    """``12:04`` today, ``yesterday 12:04``, else ``2024-03-05 12:04``."""
    now = now or datetime.now(moment.tzinfo)
    day = (now.date() - moment.date()).days
    clock = moment.strftime("%H:%M")
    if day == 0:
        return clock
    if day == 1:
        return f"yesterday {clock}"
    return moment.strftime("%Y-%m-%d %H:%M")


def created_text(create_at_ms: int) -> str:
    if not create_at_ms:
        return ""
    return from_ms(create_at_ms).astimezone().strftime("%Y-%m-%d %H:%M")
