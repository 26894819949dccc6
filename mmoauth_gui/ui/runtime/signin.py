"""Where signing in to a server stands (light: the window's shell reads it before the rest is imported)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ConnectStatus(StrEnum):
    IDLE = "idle"  # no profile chosen
    CONNECTING = "connecting"
    CONNECTED = "connected"
    FAILED = "failed"


@dataclass(frozen=True)
class ConnectState:
    """Where signing in stands."""

    status: ConnectStatus = ConnectStatus.IDLE
    profile_name: str = ""
    message: str = ""
    error: BaseException | None = None
