"""The outgoing OAuth connection as Mattermost stores it (docs/MATTERMOST.md §3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class IntegrationKind(StrEnum):
    """What consumes a connection's token: a slash command, or one callback URL of an outgoing webhook."""

    COMMAND = "command"
    WEBHOOK = "webhook"


class GrantType(StrEnum):
    CLIENT_CREDENTIALS = "client_credentials"
    PASSWORD = "password"


SECRET_FIELDS = ("client_secret", "credentials_password")
# What the token request is made of: changing one makes an earlier validation say nothing about the connection.
CREDENTIAL_FIELDS = (
    "client_id",
    "client_secret",
    "oauth_token_url",
    "grant_type",
    "credentials_username",
    "credentials_password",
)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class Connection:
    """One outgoing OAuth connection. Secrets are kept out of ``repr``."""

    name: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    oauth_token_url: str = ""
    grant_type: str = GrantType.CLIENT_CREDENTIALS.value
    audiences: tuple[str, ...] = ()
    credentials_username: str = ""
    credentials_password: str = field(default="", repr=False)
    id: str = ""
    creator_id: str = ""
    create_at: int = 0
    update_at: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Connection:
        """Build from a server (or file) object; missing or null fields become empty (early 9.x blanks some)."""
        audiences = data.get("audiences")
        if isinstance(audiences, str):
            audiences = [audiences]
        if not isinstance(audiences, list):
            audiences = []
        grant = _text(data.get("grant_type")) or GrantType.CLIENT_CREDENTIALS.value
        return cls(
            id=_text(data.get("id")),
            creator_id=_text(data.get("creator_id")),
            create_at=_int(data.get("create_at")),
            update_at=_int(data.get("update_at")),
            name=_text(data.get("name")),
            client_id=_text(data.get("client_id")),
            client_secret=_text(data.get("client_secret")),
            credentials_username=_text(data.get("credentials_username")),
            credentials_password=_text(data.get("credentials_password")),
            oauth_token_url=_text(data.get("oauth_token_url")),
            grant_type=grant,
            audiences=tuple(a for a in audiences if isinstance(a, str)),
        )

    @property
    def uses_password_grant(self) -> bool:
        return self.grant_type == GrantType.PASSWORD.value

    def with_changes(self, **changes: Any) -> Connection:
        if "audiences" in changes:
            changes["audiences"] = tuple(changes["audiences"])
        return replace(self, **changes)

    def public_dict(self) -> dict[str, Any]:
        """Every field except the secrets: what ``--json`` prints and what files may hold."""
        out: dict[str, Any] = {
            "id": self.id,
            "creator_id": self.creator_id,
            "create_at": self.create_at,
            "update_at": self.update_at,
            "name": self.name,
            "client_id": self.client_id,
            "oauth_token_url": self.oauth_token_url,
            "grant_type": self.grant_type,
            "audiences": list(self.audiences),
        }
        if self.uses_password_grant or self.credentials_username:
            out["credentials_username"] = self.credentials_username
        return out

    def create_payload(self) -> dict[str, Any]:
        """Body of ``POST …/outgoing_connections``: never carries an id or server-set fields."""
        body: dict[str, Any] = {
            "name": self.name,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "oauth_token_url": self.oauth_token_url,
            "grant_type": self.grant_type,
            "audiences": list(self.audiences),
        }
        if self.uses_password_grant:
            body["credentials_username"] = self.credentials_username
            body["credentials_password"] = self.credentials_password
        return body

    def update_payload(self) -> dict[str, Any]:
        """Body of ``PUT …/{id}``: the server applies only non-empty fields, so an empty secret keeps it.

        The credentials are the exception: the server applies them whenever present, even as ``""``, which
        erases a stored password (docs/MATTERMOST.md, Appendix C.1). An empty one is left out to keep it.
        """
        body = self.create_payload()
        body["id"] = self.id
        for key in ("credentials_username", "credentials_password"):
            if not body.get(key):
                body.pop(key, None)
        return body

    def validate_payload(self) -> dict[str, Any]:
        """Body of ``POST …/validate``: with an id and an empty secret, the server uses the stored one."""
        body = self.create_payload()
        if self.id:
            body["id"] = self.id
            if not self.credentials_password:
                body.pop("credentials_password", None)
        return body


@dataclass(frozen=True)
class Team:
    id: str
    name: str = ""
    display_name: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Team:
        return cls(id=_text(data.get("id")), name=_text(data.get("name")), display_name=_text(data.get("display_name")))

    @property
    def label(self) -> str:
        return self.display_name or self.name or self.id


@dataclass(frozen=True, slots=True)
class Command:
    """A custom slash command (docs/MATTERMOST.md §6). Its ``token`` is a secret and is never kept here."""

    id: str
    team_id: str
    trigger: str
    url: str = ""
    method: str = "P"
    display_name: str = ""
    description: str = ""
    creator_id: str = ""
    plugin_id: str = ""
    delete_at: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Command:
        return cls(
            id=_text(data.get("id")),
            team_id=_text(data.get("team_id")),
            trigger=_text(data.get("trigger")),
            url=_text(data.get("url")),
            method=_text(data.get("method")) or "P",
            display_name=_text(data.get("display_name")),
            description=_text(data.get("description")),
            creator_id=_text(data.get("creator_id")),
            plugin_id=_text(data.get("plugin_id")),
            delete_at=_int(data.get("delete_at")),
        )

    @property
    def goes_through_url(self) -> bool:
        """Plugin commands and commands without a URL never fetch an OAuth token."""
        return not self.plugin_id and bool(self.url) and not self.delete_at

    @property
    def kind(self) -> IntegrationKind:
        return IntegrationKind.COMMAND

    @property
    def label(self) -> str:
        return f"/{self.trigger}"

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        """Team, then commands before webhooks, then trigger (the order of every list of integrations)."""
        return (self.team_id, 0, self.trigger, self.id)

    def public_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "trigger": self.trigger,
            "url": self.url,
            "method": self.method,
            "display_name": self.display_name,
            "description": self.description,
            "creator_id": self.creator_id,
            "plugin_id": self.plugin_id,
        }
