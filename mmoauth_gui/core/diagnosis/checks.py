"""One preflight check: what was checked, how it went, and what to do. The ``doctor --json`` contract."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mmoauth_gui.core.status import Look


class CheckStatus(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    UNKNOWN = "unknown"

    @property
    def look(self) -> Look:
        return {
            CheckStatus.OK: Look.VALID,
            CheckStatus.WARN: Look.WARNING,
            CheckStatus.FAIL: Look.ERROR,
            CheckStatus.UNKNOWN: Look.UNCHECKED,
        }[self]


@dataclass(frozen=True)
class Check:
    id: str  # stable: what kind of check (e.g. "outbound.internal")
    status: CheckStatus
    subject: str  # what it is about: the server, a setting, a URL
    message: str  # what was found
    hint: str = ""  # what to do ("" when nothing needs doing)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status.value,
            "subject": self.subject,
            "message": self.message,
            "hint": self.hint,
        }
