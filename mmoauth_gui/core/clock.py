"""Timestamps: the server speaks milliseconds since the epoch; files and results keep UTC ISO 8601 strings,
always to the millisecond, so two results written in the same second still order."""

from __future__ import annotations

from datetime import UTC, datetime


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_ms(ms: int) -> datetime:
    """A server timestamp (milliseconds since the epoch) as an aware UTC datetime."""
    return datetime.fromtimestamp(ms / 1000, UTC)
