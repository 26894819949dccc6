"""The server's own failures, read from its log: which lines matter, whom they are about, and a feed that
grows by increments without keeping more than a cap (docs/MATTERMOST.md Appendix E, G).

Lines are the server's JSON file log: ``timestamp`` ("2006-01-02 15:04:05.000 Z07:00"), ``level``, ``msg``,
``caller`` and the logger's fields. Messages are matched by their exact text (they are not translated);
anything unreadable is skipped. Webhook lines name their ``outgoing_webhook_id``; slash command lines name
neither the command nor the connection, so those are attributed only when the error text carries a known
connection id, and are otherwise grouped as "slash command (unidentified)".
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mmoauth_gui.core.audience import AudienceIndex

TOKEN_FAILED = "Failed to retrieve token for outgoing oauth connection"
LOOKUP_FAILED = "Failed to find an outgoing oauth connection for the webhook"
VALIDATE_FAILED = "Failed to retrieve token while validating outgoing oauth connection"
COMMAND_TIMEOUT = (
    "Outgoing Command request timed out. Consider increasing ServiceSettings.OutgoingIntegrationRequestsTimeout."
)
WEBHOOK_TIMEOUT = (
    "Outgoing Webhook POST timed out. Consider increasing ServiceSettings.OutgoingIntegrationRequestsTimeout."
)
WEBHOOK_FAILED = "Outgoing Webhook POST failed"
KINDS = {
    TOKEN_FAILED: "token",
    LOOKUP_FAILED: "lookup",
    VALIDATE_FAILED: "validate",
    COMMAND_TIMEOUT: "command_timeout",
    WEBHOOK_TIMEOUT: "webhook_timeout",
    WEBHOOK_FAILED: "webhook_failed",
}
TOKEN_KINDS = ("token", "lookup", "validate")
MAX_FAILURES = 500  # the feed keeps at most this many, newest first
MAX_ERROR_CHARS = 500
UNIDENTIFIED_COMMAND = "slash command (unidentified)"
UNTIED = "validations through the server (connection not named in the log)"
_ID = re.compile(r"\b[a-z0-9]{26}\b")


def parse_time(text: str) -> datetime | None:
    """``2006-01-02 15:04:05.000 Z07:00`` (mlog's default), also with ``T`` and an ISO offset."""
    value = text.strip().replace("T", " ", 1)
    if value.endswith(" Z") or value.endswith("Z"):
        value = value.rstrip("Z").rstrip() + " +00:00"
    for layout in ("%Y-%m-%d %H:%M:%S.%f %z", "%Y-%m-%d %H:%M:%S %z"):
        try:
            return datetime.strptime(value, layout).astimezone(UTC)
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Failure:
    raw: str = field(repr=False)  # the line as the server wrote it: the feed's identity for a line
    time: str
    at: datetime | None
    level: str
    kind: str
    message: str
    error: str = ""
    connection_id: str | None = None
    command_id: str | None = None
    webhook_id: str | None = None

    @property
    def text(self) -> str:
        return f"{self.message}: {self.error}" if self.error else self.message

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"time": self.time, "level": self.level}
        for key in ("connection_id", "command_id", "webhook_id"):
            value = getattr(self, key)
            if value:
                out[key] = value
        out["message"] = self.text
        return out


@dataclass(frozen=True)
class Attribution:
    """What lets a line be tied to a connection: the connections' audiences and the webhooks' callbacks."""

    audiences: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # connection id → audiences
    callbacks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # webhook id → callback URLs

    def connection_for_webhook(self, hook_id: str) -> str | None:
        index = AudienceIndex(self.audiences.items())
        found = {cid for url in self.callbacks.get(hook_id, ()) for cid in index.match(url)}
        return found.pop() if len(found) == 1 else None

    def connection_in(self, text: str) -> str | None:
        known = [m for m in _ID.findall(text) if m in self.audiences]
        return known[0] if len(set(known)) == 1 else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_line(raw: str, attribution: Attribution = Attribution()) -> Failure | None:
    """A failure about connections, commands or webhooks, or ``None`` for any other or unreadable line."""
    try:
        entry = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(entry, dict):
        return None
    message = _text(entry.get("msg"))
    kind = KINDS.get(message)
    if kind is None:
        return None
    error = _text(entry.get("error"))[:MAX_ERROR_CHARS]
    stamp = _text(entry.get("timestamp"))
    webhook_id = _text(entry.get("outgoing_webhook_id")) or None
    connection_id = _text(entry.get("connection_id")) or _text(entry.get("outgoing_oauth_connection_id")) or None
    if connection_id is None and webhook_id:
        connection_id = attribution.connection_for_webhook(webhook_id)
    if connection_id is None:
        connection_id = attribution.connection_in(error)
    return Failure(
        raw=raw,
        time=stamp,
        at=parse_time(stamp),
        level=_text(entry.get("level")) or "error",
        kind=kind,
        message=message,
        error=error,
        connection_id=connection_id,
        command_id=_text(entry.get("command_id")) or None,
        webhook_id=webhook_id,
    )


class FailureFeed:
    """The failures seen so far, newest first, capped; ``add_page`` takes one page of the log (oldest first,
    as ``GET /api/v4/logs`` returns it) and says whether the page reached lines already seen."""

    def __init__(self, cap: int = MAX_FAILURES) -> None:
        self.cap = cap
        self._failures: OrderedDict[str, Failure] = OrderedDict()  # raw line → failure, newest first
        self._seen_lines: set[str] = set()  # every line read (failures or not), to find the overlap
        self.lines_read = 0

    @property
    def failures(self) -> list[Failure]:
        return list(self._failures.values())

    def add_page(self, lines: Iterable[str], attribution: Attribution = Attribution()) -> bool:
        """Add the new lines of one page; True when it overlapped what was read before (stop paging)."""
        page = list(lines)
        overlap = any(line in self._seen_lines for line in page)
        fresh = [line for line in page if line not in self._seen_lines]
        self.lines_read += len(fresh)
        new: list[Failure] = []
        for line in fresh:
            failure = parse_line(line, attribution)
            if failure is not None:
                new.append(failure)
        self._seen_lines.update(fresh)
        if len(self._seen_lines) > self.cap * 20:
            self._seen_lines = set(page)  # the newest page is all the overlap test needs
        merged = sorted(
            [*new, *self._failures.values()],
            key=lambda f: f.at or datetime.min.replace(tzinfo=UTC),
            reverse=True,
        )[: self.cap]
        self._failures = OrderedDict((f.raw, f) for f in merged)
        return overlap


@dataclass(frozen=True)
class Group:
    key: str  # the connection/command/webhook id, or a label when unknown
    what: str  # connection | command | webhook
    failures: tuple[Failure, ...]


def group(failures: Iterable[Failure]) -> list[Group]:
    """By connection, then command, then webhook, then the rest; each newest first; a failure may sit in two."""
    buckets: dict[tuple[str, str], list[Failure]] = {}
    for f in failures:
        if f.connection_id:
            buckets.setdefault(("connection", f.connection_id), []).append(f)
        if f.webhook_id:
            buckets.setdefault(("webhook", f.webhook_id), []).append(f)
        elif f.command_id:
            buckets.setdefault(("command", f.command_id), []).append(f)
        elif f.kind in ("token", "lookup", "command_timeout") and not f.connection_id:
            buckets.setdefault(("command", UNIDENTIFIED_COMMAND), []).append(f)
        elif not f.connection_id:
            buckets.setdefault(("other", UNTIED), []).append(f)
    order = {"connection": 0, "command": 1, "webhook": 2, "other": 3}
    groups = [
        Group(key, what, tuple(sorted(items, key=lambda f: f.at or datetime.min.replace(tzinfo=UTC), reverse=True)))
        for (what, key), items in buckets.items()
    ]
    return sorted(groups, key=lambda g: (order[g.what], -len(g.failures), g.key))


def token_failures_since(failures: Iterable[Failure], now: datetime, window: timedelta) -> dict[str, int]:
    """Token failures per connection id within ``window`` before ``now``: the connection list's badge."""
    counts: dict[str, int] = {}
    for f in failures:
        if f.connection_id and f.kind in TOKEN_KINDS and f.at is not None and f.at >= now - window:
            counts[f.connection_id] = counts.get(f.connection_id, 0) + 1
    return counts


def badge_text(count: int, window: timedelta = timedelta(hours=1)) -> str:
    hours = int(window.total_seconds() // 3600)
    span = "the last hour" if hours == 1 else f"the last {hours} hours"
    return f"{count} token failure{'s' if count != 1 else ''} in {span}"
