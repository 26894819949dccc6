"""The server objects the sandbox stores besides connections, with their JSON as Mattermost sends it."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class User:
    id: str
    username: str
    password: str = field(repr=False)
    system_admin: bool = False
    mfa_code: str = field(default="", repr=False)
    create_at: int = 0

    def to_json(self) -> dict[str, Any]:
        roles = "system_admin system_user" if self.system_admin else "system_user"
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.create_at,
            "delete_at": 0,
            "username": self.username,
            "auth_data": "",
            "auth_service": "",
            "email": f"{self.username}@sandbox.invalid",
            "email_verified": True,
            "nickname": "",
            "first_name": "",
            "last_name": "",
            "position": "",
            "roles": roles,
            "locale": "en",
            "mfa_active": bool(self.mfa_code),
            "timezone": {"automaticTimezone": "", "manualTimezone": "", "useAutomaticTimezone": "true"},
        }


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    display_name: str
    create_at: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.create_at,
            "delete_at": 0,
            "display_name": self.display_name,
            "name": self.name,
            "description": "",
            "email": "",
            "type": "O",
            "company_name": "",
            "allowed_domains": "",
            "invite_id": "",
            "allow_open_invite": False,
            "scheme_id": None,
            "group_constrained": None,
            "policy_id": None,
        }


@dataclass(frozen=True)
class SlashCommand:
    """A custom slash command with every field of docs/MATTERMOST.md §6, its secret ``token`` included."""

    id: str
    team_id: str
    trigger: str
    url: str
    method: str
    creator_id: str
    token: str = field(repr=False)
    create_at: int = 0
    display_name: str = ""
    description: str = ""
    plugin_id: str = ""
    username: str = ""
    icon_url: str = ""
    auto_complete: bool = False
    auto_complete_desc: str = ""
    auto_complete_hint: str = ""

    def to_json(self, *, with_url: bool) -> dict[str, Any]:
        return {
            "id": self.id,
            "token": self.token,
            "create_at": self.create_at,
            "update_at": self.create_at,
            "delete_at": 0,
            "creator_id": self.creator_id,
            "team_id": self.team_id,
            "trigger": self.trigger,
            "method": self.method,
            "username": self.username,
            "icon_url": self.icon_url,
            "auto_complete": self.auto_complete,
            "auto_complete_desc": self.auto_complete_desc,
            "auto_complete_hint": self.auto_complete_hint,
            "display_name": self.display_name,
            "description": self.description,
            "url": self.url if with_url else "",
            "plugin_id": self.plugin_id,
        }

    def json_bytes(self, *, with_url: bool) -> bytes:
        """``to_json`` encoded, kept per command (records are immutable): a team's list is then joined, not
        encoded again on every request, as a compiled server would answer."""
        return _command_json(self, with_url)


@functools.lru_cache(maxsize=1 << 16)
def _command_json(command: SlashCommand, with_url: bool) -> bytes:
    return json.dumps(command.to_json(with_url=with_url), ensure_ascii=False, separators=(",", ":")).encode()
