"""The declarative connections file: connections by name, every field, secrets only as references.

``client_secret: {env: VAR}`` or ``{keyring: NAME}`` (the same for ``credentials_password``) and a
``secret_version`` the admin bumps to rotate: the server never returns a secret, so the version is what
tells the tool to send one. Nothing here ever holds a secret value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import yaml

from mmoauth_gui.core.model import Connection, GrantType

FORMAT_VERSION = 1
FILE_KIND = "mmoauth-gui/connections"


class RefSource(StrEnum):
    ENV = "env"
    KEYRING = "keyring"


@dataclass(frozen=True)
class SecretRef:
    """Where a secret comes from: an environment variable or a keyring entry (``config:<name>``)."""

    source: RefSource
    name: str

    def as_data(self) -> dict[str, str]:
        return {self.source.value: self.name}

    def describe(self) -> str:
        return f"${self.name}" if self.source is RefSource.ENV else f"keyring entry “config:{self.name}”"


@dataclass(frozen=True)
class Mark:
    """Where something is in the file: 1-based line and column."""

    line: int
    column: int


@dataclass(frozen=True)
class ConfigEntry:
    """One connection of the file. ``marks`` maps a field (``audiences[2]`` for an item) to its place."""

    name: str
    client_id: str = ""
    oauth_token_url: str = ""
    grant_type: str = GrantType.CLIENT_CREDENTIALS.value
    audiences: tuple[str, ...] = ()
    credentials_username: str = ""
    client_secret: SecretRef | None = None
    credentials_password: SecretRef | None = None
    secret_version: int = 1
    id: str = ""
    marks: dict[str, Mark] = field(default_factory=dict, compare=False, repr=False)

    @property
    def uses_password_grant(self) -> bool:
        return self.grant_type == GrantType.PASSWORD.value

    def connection(self, *, connection_id: str = "") -> Connection:
        """The connection as the file describes it, without any secret."""
        return Connection(
            id=connection_id or self.id,
            name=self.name,
            client_id=self.client_id,
            oauth_token_url=self.oauth_token_url,
            grant_type=self.grant_type,
            audiences=self.audiences,
            credentials_username=self.credentials_username if self.uses_password_grant else "",
        )

    def mark(self, key: str) -> Mark | None:
        return self.marks.get(key) or self.marks.get(key.split("[", 1)[0]) or self.marks.get("")


@dataclass(frozen=True)
class ConfigDocument:
    entries: tuple[ConfigEntry, ...] = ()

    def names(self) -> list[str]:
        return [e.name for e in self.entries]


def suggested_variable(name: str, what: str = "SECRET") -> str:
    """An environment variable name for a connection's secret: ``MM_OAUTH_<NAME>_SECRET``."""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() or "CONNECTION"
    return f"MM_OAUTH_{stem}_{what}"


def entry_from_connection(conn: Connection, *, with_id: bool = False, secret_version: int = 1) -> ConfigEntry:
    """A file entry for a server's connection, with suggested environment variables for its secrets."""
    password = conn.uses_password_grant
    return ConfigEntry(
        name=conn.name,
        client_id=conn.client_id,
        oauth_token_url=conn.oauth_token_url,
        grant_type=conn.grant_type,
        audiences=conn.audiences,
        credentials_username=conn.credentials_username if password else "",
        client_secret=SecretRef(RefSource.ENV, suggested_variable(conn.name)),
        credentials_password=SecretRef(RefSource.ENV, suggested_variable(conn.name, "PASSWORD")) if password else None,
        secret_version=secret_version,
        id=conn.id if with_id else "",
    )


def document_from_connections(connections: list[Connection] | tuple[Connection, ...]) -> ConfigDocument:
    """The file for these connections: sorted by name then id; ids only where a name is shared."""
    counts: dict[str, int] = {}
    for conn in connections:
        counts[conn.name] = counts.get(conn.name, 0) + 1
    ordered = sorted(connections, key=lambda c: (c.name, c.id))
    return ConfigDocument(tuple(entry_from_connection(c, with_id=counts[c.name] > 1) for c in ordered))


def entry_data(entry: ConfigEntry) -> dict[str, Any]:
    """The entry as the file writes it, in a fixed key order."""
    out: dict[str, Any] = {"name": entry.name}
    if entry.id:
        out["id"] = entry.id
    out["client_id"] = entry.client_id
    if entry.client_secret is not None:
        out["client_secret"] = entry.client_secret.as_data()
    out["secret_version"] = entry.secret_version
    out["oauth_token_url"] = entry.oauth_token_url
    out["grant_type"] = entry.grant_type
    if entry.uses_password_grant:
        out["credentials_username"] = entry.credentials_username
        if entry.credentials_password is not None:
            out["credentials_password"] = entry.credentials_password.as_data()
    out["audiences"] = list(entry.audiences)
    return out


HEADER = (
    "# Outgoing OAuth connections, as code (mmoauth-gui config plan FILE / config apply FILE).\n"
    "# Secrets are references, never values: {env: VARIABLE} or {keyring: NAME}.\n"
    "# Bump secret_version to send the referenced secret again (rotation).\n"
)


class _Inline(dict[str, str]):
    """A secret reference, written on one line: ``{env: VARIABLE}``."""


class _Dumper(yaml.SafeDumper):
    pass


def _inline(dumper: yaml.SafeDumper, data: _Inline) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", dict(data), flow_style=True)


_Dumper.add_representer(_Inline, _inline)


def render_document(document: ConfigDocument) -> str:
    """The file's YAML text: stable, so an unchanged server exports byte-identical text."""
    entries = []
    for entry in document.entries:
        data = entry_data(entry)
        for key in ("client_secret", "credentials_password"):
            if key in data:
                data[key] = _Inline(data[key])
        entries.append(data)
    body = {"kind": FILE_KIND, "version": FORMAT_VERSION, "connections": entries}
    text = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    return HEADER + text
