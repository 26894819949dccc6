"""Outgoing webhooks as token consumers (docs/MATTERMOST.md §5, §7, Appendix D.2, E.2).

The server looks a connection up for **each callback URL** of a webhook, so the preview has one row per
callback URL (``WebhookCallback``); a failed lookup or token fetch means that callback is **not sent**.
A webhook's ``token`` is a secret and is never kept here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mmoauth_gui.core.model import Command, IntegrationKind

JSON_CONTENT_TYPE = "application/json"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
TRIGGER_WHEN_TEXT = ("first word matches a trigger word exactly", "first word starts with a trigger word")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


@dataclass(frozen=True, slots=True)
class OutgoingWebhook:
    """An outgoing webhook as ``GET /api/v4/hooks/outgoing`` lists it, without its token."""

    id: str
    team_id: str
    display_name: str = ""
    channel_id: str = ""
    trigger_words: tuple[str, ...] = ()
    trigger_when: int = 0
    callback_urls: tuple[str, ...] = ()
    content_type: str = ""
    creator_id: str = ""
    description: str = ""
    delete_at: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OutgoingWebhook:
        return cls(
            id=_text(data.get("id")),
            team_id=_text(data.get("team_id")),
            display_name=_text(data.get("display_name")),
            channel_id=_text(data.get("channel_id")),
            trigger_words=_texts(data.get("trigger_words")),
            trigger_when=_int(data.get("trigger_when")),
            callback_urls=_texts(data.get("callback_urls")),
            content_type=_text(data.get("content_type")),
            creator_id=_text(data.get("creator_id")),
            description=_text(data.get("description")),
            delete_at=_int(data.get("delete_at")),
        )

    @property
    def sends_json(self) -> bool:
        """Exactly ``application/json`` gets a JSON body; anything else a form (docs/MATTERMOST.md E.2)."""
        return self.content_type == JSON_CONTENT_TYPE

    @property
    def body_content_type(self) -> str:
        return JSON_CONTENT_TYPE if self.sends_json else FORM_CONTENT_TYPE

    def callbacks(self) -> list[WebhookCallback]:
        if self.delete_at:
            return []
        return [WebhookCallback(self, url, i) for i, url in enumerate(self.callback_urls) if url]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "display_name": self.display_name,
            "channel_id": self.channel_id,
            "trigger_words": list(self.trigger_words),
            "trigger_when": self.trigger_when,
            "callback_urls": list(self.callback_urls),
            "content_type": self.content_type,
            "creator_id": self.creator_id,
            "description": self.description,
            "delete_at": self.delete_at,
        }


@dataclass(frozen=True, slots=True)
class WebhookCallback:
    """One callback URL of an outgoing webhook: what the preview counts as one webhook row."""

    hook: OutgoingWebhook
    url: str
    index: int  # position in the hook's callback_urls (``try webhook --callback N``)

    goes_through_url = True  # every callback is a request of its own

    @property
    def id(self) -> str:
        return self.hook.id

    @property
    def team_id(self) -> str:
        return self.hook.team_id

    @property
    def display_name(self) -> str:
        return self.hook.display_name

    @property
    def kind(self) -> IntegrationKind:
        return IntegrationKind.WEBHOOK

    @property
    def label(self) -> str:
        name = self.hook.display_name or self.hook.id
        return name if len(self.hook.callback_urls) < 2 else f"{name} (callback {self.index + 1})"

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.hook.team_id, 1, f"{self.hook.display_name.casefold()}\x00{self.index:04d}", self.hook.id)

    def trigger_text(self) -> str:
        """The trigger words as a person reads them; none means every post in the hook's channel."""
        if not self.hook.trigger_words:
            return "every post in its channel"
        return ", ".join(self.hook.trigger_words)


Integration = Command | WebhookCallback
"""A token consumer the preview knows: a slash command or one webhook callback URL."""


def callbacks_of(hooks: Iterable[OutgoingWebhook]) -> list[WebhookCallback]:
    return [cb for hook in hooks for cb in hook.callbacks()]


def failure_mode(kind: IntegrationKind) -> str:
    """What the server does when the lookup or the token fetch fails (docs/MATTERMOST.md §5)."""
    if kind is IntegrationKind.COMMAND:
        return "sent without the OAuth token (with its own command token)"
    return "not sent"
