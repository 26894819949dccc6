"""The sandbox's channels, outgoing webhooks, posts and server log (docs/MATTERMOST.md §7, Appendix D.2, E, G).

Kept beside ``State`` (``state.integrations``) under a lock of its own, so the connection routes and these
do not touch each other's data.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from mmoauth_gui.sandbox.ids import new_id, new_token, now_ms

DEFAULT_CHANNELS = ("town-square", "off-topic")
LOG_LINES = 2000


@dataclass(frozen=True)
class Channel:
    id: str
    team_id: str
    name: str
    display_name: str
    type: str = "O"  # open (public): the only kind whose posts fire outgoing webhooks (E.2)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "display_name": self.display_name,
            "type": self.type,
            "delete_at": 0,
        }


@dataclass(frozen=True)
class OutgoingHook:
    """An outgoing webhook with every field of OWM, its secret ``token`` included."""

    id: str
    team_id: str
    channel_id: str
    creator_id: str
    display_name: str
    trigger_words: tuple[str, ...]
    trigger_when: int
    callback_urls: tuple[str, ...]
    content_type: str
    token: str = field(repr=False)
    description: str = ""
    create_at: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "token": self.token,
            "create_at": self.create_at,
            "update_at": self.create_at,
            "delete_at": 0,
            "creator_id": self.creator_id,
            "channel_id": self.channel_id,
            "team_id": self.team_id,
            "trigger_words": list(self.trigger_words),
            "trigger_when": self.trigger_when,
            "callback_urls": list(self.callback_urls),
            "display_name": self.display_name,
            "description": self.description,
            "content_type": self.content_type,
            "username": "",
            "icon_url": "",
        }

    def fires_on(self, channel_id: str, first_word: str) -> str | None:
        """The trigger word this post fires on ("" for a channel hook without words), or None (E.2)."""
        if self.channel_id and self.channel_id != channel_id:
            return None
        if not self.trigger_words:
            return "" if self.channel_id else None
        for word in self.trigger_words:
            if (self.trigger_when == 0 and first_word == word) or (
                self.trigger_when == 1 and first_word.startswith(word)
            ):
                return word
        return None


@dataclass(frozen=True)
class Post:
    id: str
    channel_id: str
    user_id: str
    message: str
    create_at: int
    props: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "create_at": self.create_at,
            "update_at": self.create_at,
            "delete_at": 0,
            "user_id": self.user_id,
            "channel_id": self.channel_id,
            "root_id": "",
            "message": self.message,
            "type": "",
            "props": self.props,
            "file_ids": [],
        }


class IntegrationStore:
    """Channels, outgoing webhooks, posts and the server's JSON log lines."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.webhooks_enabled = True  # ServiceSettings.EnableOutgoingWebhooks
        self._channels: dict[str, Channel] = {}
        self._hooks: dict[str, OutgoingHook] = {}
        self._posts: list[Post] = []
        self._log: deque[dict[str, Any]] = deque(maxlen=LOG_LINES)
        self._deliveries: list[dict[str, Any]] = []
        self._delivered = threading.Condition(self._lock)
        self.site_url = ""  # ServiceSettings.SiteURL: the sandbox's own URL once it listens

    # --- channels ---------------------------------------------------------------------------------
    def add_channel(self, team_id: str, name: str, display_name: str = "", type_: str = "O") -> Channel:
        with self._lock:
            if self.channel_by_name(team_id, name) is not None:
                raise ValueError(f"a channel named {name!r} already exists in that team")
            channel = Channel(new_id(), team_id, name, display_name or name.replace("-", " ").title(), type_)
            self._channels[channel.id] = channel
            return channel

    def channel(self, channel_id: str) -> Channel | None:
        with self._lock:
            return self._channels.get(channel_id)

    def channel_by_name(self, team_id: str, name: str) -> Channel | None:
        with self._lock:
            return next((c for c in self._channels.values() if c.team_id == team_id and c.name == name), None)

    def channels_of_team(self, team_id: str) -> list[Channel]:
        with self._lock:
            return sorted((c for c in self._channels.values() if c.team_id == team_id), key=lambda c: c.name)

    # --- outgoing webhooks ------------------------------------------------------------------------
    def add_hook(
        self,
        team_id: str,
        *,
        creator_id: str,
        display_name: str,
        callback_urls: tuple[str, ...],
        trigger_words: tuple[str, ...] = (),
        trigger_when: int = 0,
        channel_id: str = "",
        content_type: str = "application/x-www-form-urlencoded",
        description: str = "",
    ) -> OutgoingHook:
        with self._lock:
            hook = OutgoingHook(
                id=new_id(),
                team_id=team_id,
                channel_id=channel_id,
                creator_id=creator_id,
                display_name=display_name,
                trigger_words=trigger_words,
                trigger_when=trigger_when,
                callback_urls=callback_urls,
                content_type=content_type,
                token=new_token(),
                description=description,
                create_at=now_ms(),
            )
            self._hooks[hook.id] = hook
            return hook

    def hook(self, hook_id: str) -> OutgoingHook | None:
        with self._lock:
            return self._hooks.get(hook_id)

    def hooks(self, *, team_id: str = "", channel_id: str = "") -> list[OutgoingHook]:
        with self._lock:
            out = [
                h
                for h in self._hooks.values()
                if (not team_id or h.team_id == team_id) and (not channel_id or h.channel_id == channel_id)
            ]
        return sorted(out, key=lambda h: h.id)

    # --- posts ------------------------------------------------------------------------------------
    def add_post(self, channel_id: str, user_id: str, message: str, props: dict[str, Any] | None = None) -> Post:
        with self._lock:
            post = Post(new_id(), channel_id, user_id, message, now_ms(), dict(props or {}))
            self._posts.append(post)
            return post

    def posts(self, channel_id: str = "") -> list[Post]:
        with self._lock:
            return [p for p in self._posts if not channel_id or p.channel_id == channel_id]

    # --- what happened to each callback (for tests and the demo; the server itself keeps no such list) ----
    def record_delivery(self, hook_id: str, url: str, *, sent: bool, status: int = 0, error: str = "") -> None:
        with self._lock:
            self._deliveries.append({"hook_id": hook_id, "url": url, "sent": sent, "status": status, "error": error})
            self._delivered.notify_all()

    def deliveries(self, hook_id: str = "") -> list[dict[str, Any]]:
        with self._lock:
            return [d for d in self._deliveries if not hook_id or d["hook_id"] == hook_id]

    def wait_deliveries(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until at least ``count`` callbacks were handled (or ``timeout``); the deliveries so far."""
        with self._delivered:
            self._delivered.wait_for(lambda: len(self._deliveries) >= count, timeout)
            return list(self._deliveries)

    # --- the server log ---------------------------------------------------------------------------
    def log(self, level: str, msg: str, **fields: Any) -> None:
        """One JSON log line as Mattermost's file log writes it: timestamp, level, msg, caller, fields."""
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d} Z"
        entry = {"timestamp": stamp, "level": level, "msg": msg, "caller": "app/sandbox.go:0", **fields}
        with self._lock:
            self._log.append(entry)

    def log_entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._log)

    def log_lines(self) -> list[str]:
        """Raw lines, oldest first, as ``GET /api/v4/logs`` returns them (Appendix G)."""
        return [json.dumps(e, separators=(",", ":")) for e in self.log_entries()]
