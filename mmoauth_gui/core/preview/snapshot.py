"""What a sync fetched from one server, as plain data, and its JSON form for the offline cache.

Commands are stored as rows under one list of field names (10,000 of them load quickly); connections
through ``public_dict`` (never a secret). A command's token was never read, so it cannot be written.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from mmoauth_gui.core.model import Command, Connection, Team
from mmoauth_gui.core.preview.build import Preview
from mmoauth_gui.core.webhooks import Integration, OutgoingWebhook

COMMAND_FIELDS = tuple(f.name for f in fields(Command))
_COMMAND_INT_FIELDS = frozenset({"delete_at"})
# Values that many commands repeat (a team, a shared URL, a creator): read back as one string each, not one
# per command. (A method is one character and a plugin id is empty here: Python already shares those.)
_COMMAND_SHARED_FIELDS = frozenset({"team_id", "url", "creator_id"})


@dataclass(frozen=True)
class SyncResult:
    """One server's teams, commands and connections at ``fetched_at`` (seconds since the epoch)."""

    server_url: str
    fetched_at: float
    teams: tuple[Team, ...] = ()
    commands: tuple[Command, ...] = ()
    connections: tuple[Connection, ...] = ()
    webhooks: tuple[OutgoingWebhook, ...] = ()  # outgoing webhooks, without their tokens
    channel_names: dict[str, str] = field(default_factory=dict)  # channel id → name, for the webhooks' channels
    server_answers: dict[str, str | None] = field(default_factory=dict)  # url → connection id (None: none)
    server_checked: bool = False
    team_errors: dict[str, str] = field(default_factory=dict)  # team id → what failed and what to do
    team_notes: dict[str, str] = field(default_factory=dict)  # team id → why its list may be incomplete
    connections_error: str = ""  # why the connections could not be listed
    server_check_error: str = ""  # why some URLs have no server answer
    unavailable: str = ""  # set when the server or the feature cannot serve the preview at all

    def preview(self, team_id: str | None = None) -> Preview:
        return Preview(self.integrations(team_id), self.connections, self.server_answers)

    def integrations(self, team_id: str | None = None) -> list[Integration]:
        """The commands and every webhook callback URL (of ``team_id`` alone when given)."""
        items: list[Integration] = [*self.commands]
        for hook in self.webhooks:
            items.extend(hook.callbacks())
        return items if team_id is None else [c for c in items if c.team_id == team_id]

    def channel_label(self, channel_id: str) -> str:
        """``~name`` for a webhook's channel, its id when the name could not be read, "" for none."""
        if not channel_id:
            return ""
        name = self.channel_names.get(channel_id)
        return f"~{name}" if name else f"channel {channel_id}"

    def webhook(self, hook_id: str) -> OutgoingWebhook | None:
        return next((h for h in self.webhooks if h.id == hook_id), None)

    def team(self, team_id: str) -> Team | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def team_label(self, team_id: str) -> str:
        team = self.team(team_id)
        return team.label if team else team_id

    def with_server_answers(self, answers: dict[str, str | None], error: str = "") -> SyncResult:
        return replace(self, server_answers=answers, server_checked=True, server_check_error=error)

    def age_text(self, now: float | None = None) -> str:
        return describe_age(self.fetched_at, now)

    def to_json(self) -> dict[str, Any]:
        return {
            "server_url": self.server_url,
            "fetched_at": self.fetched_at,
            "teams": [[t.id, t.name, t.display_name] for t in self.teams],
            "command_fields": list(COMMAND_FIELDS),
            "commands": [[getattr(c, f) for f in COMMAND_FIELDS] for c in self.commands],
            "connections": [c.public_dict() for c in self.connections],
            "webhooks": [h.to_json() for h in self.webhooks],
            "channel_names": self.channel_names,
            "server_checked": self.server_checked,
            "server_answers": self.server_answers,
            "team_errors": self.team_errors,
            "team_notes": self.team_notes,
            "connections_error": self.connections_error,
            "server_check_error": self.server_check_error,
            "unavailable": self.unavailable,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SyncResult:
        """Read :meth:`to_json`'s form back; ``ValueError`` names the first thing that is not as written."""
        fetched_at = data.get("fetched_at")
        if not isinstance(fetched_at, int | float) or isinstance(fetched_at, bool) or not math.isfinite(fetched_at):
            raise ValueError("fetched_at is not a time")
        teams = []
        for item in _list(data, "teams"):
            if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)):
                raise ValueError("a team is not [id, name, display_name]")
            teams.append(Team(*item))
        names = _list(data, "command_fields")
        if not names or any(n not in COMMAND_FIELDS for n in names) or len(set(names)) != len(names):
            raise ValueError("command_fields does not name Command fields")
        types = [int if n in _COMMAND_INT_FIELDS else str for n in names]
        width = len(names)
        in_order = tuple(names) == COMMAND_FIELDS
        shared_at = [i for i, n in enumerate(names) if n in _COMMAND_SHARED_FIELDS]
        shared: dict[str, str] = {}
        commands = []
        for row in _list(data, "commands"):
            if not isinstance(row, list) or len(row) != width or not all(map(isinstance, row, types)):
                raise ValueError("a command row does not match command_fields")
            values = list(row)
            for i in shared_at:
                values[i] = shared.setdefault(values[i], values[i])
            commands.append(Command(*values) if in_order else Command(**dict(zip(names, values, strict=True))))
        connections = []
        for item in _list(data, "connections"):
            if not isinstance(item, dict):
                raise ValueError("a connection is not an object")
            connections.append(Connection.from_json(item))
        webhooks = []
        for item in _list(data, "webhooks"):
            if not isinstance(item, dict):
                raise ValueError("a webhook is not an object")
            webhooks.append(OutgoingWebhook.from_json(item))
        answers = _dict(data, "server_answers")
        if any(v is not None and not isinstance(v, str) for v in answers.values()):
            raise ValueError("a server answer is not a connection id or null")
        return cls(
            server_url=_text(data, "server_url"),
            fetched_at=float(fetched_at),
            teams=tuple(teams),
            commands=tuple(commands),
            connections=tuple(connections),
            webhooks=tuple(webhooks),
            channel_names=_text_map(data, "channel_names"),
            server_answers=answers,
            server_checked=data.get("server_checked") is True,
            team_errors=_text_map(data, "team_errors"),
            team_notes=_text_map(data, "team_notes"),
            connections_error=_text(data, "connections_error"),
            server_check_error=_text(data, "server_check_error"),
            unavailable=_text(data, "unavailable"),
        )


def describe_age(fetched_at: float, now: float | None = None) -> str:
    """ "just now", "5 minutes ago", "3 hours ago", "2 days ago"."""
    seconds = max(0.0, (time.time() if now is None else now) - fetched_at)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{key} is not a list")
    return value


def _dict(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ValueError(f"{key} is not an object")
    return value


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{key} is not text")
    return value


def _text_map(data: Mapping[str, Any], key: str) -> dict[str, str]:
    value = _dict(data, key)
    if any(not isinstance(v, str) for v in value.values()):
        raise ValueError(f"{key} holds something other than text")
    return value
