"""A draft: a connection prepared offline, with its note, target server, origin, snapshot and last validation.

Pure data and rules (no files, no keyring): the store in ``storage.drafts`` keeps drafts on disk, their secrets
in the OS keyring.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from mmoauth_gui.core.model import CREDENTIAL_FIELDS, SECRET_FIELDS, Connection
from mmoauth_gui.core.urls import canonical_server_url, same_origin
from mmoauth_gui.core.validation.result import ValidationResult

DRAFT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# The fields a draft edits; the server sets id, creator_id, create_at and update_at.
DRAFT_FIELDS = ("name", "client_id", "oauth_token_url", "grant_type", "audiences", "credentials_username")


def draft_fields(conn: Connection) -> dict[str, Any]:
    """The editable public fields of ``conn``, as a draft file and a comparison see them."""
    out: dict[str, Any] = {
        "name": conn.name,
        "client_id": conn.client_id,
        "oauth_token_url": conn.oauth_token_url,
        "grant_type": conn.grant_type,
        "audiences": list(conn.audiences),
        "credentials_username": conn.credentials_username,
    }
    return out


def changed_fields(a: Connection, b: Connection) -> list[str]:
    """Names of the editable fields whose values differ, in form order."""
    fa, fb = draft_fields(a), draft_fields(b)
    return [name for name in DRAFT_FIELDS if fa[name] != fb[name]]


def public_only(conn: Connection) -> Connection:
    """``conn`` with its secrets and server-set fields blanked: what a draft keeps as its own fields."""
    return Connection.from_json(draft_fields(conn))


def server_snapshot(conn: Connection) -> Connection:
    """A server copy as kept for conflict detection: public fields including id and ``update_at``."""
    return Connection.from_json(conn.public_dict())


class DraftError(Exception):
    """A draft operation that cannot be done, in words for the user."""


class DraftNotFound(DraftError):
    pass


class DraftStatus(StrEnum):
    NEW = "new"
    MODIFIED = "modified"
    IN_SYNC = "in_sync"
    CONFLICT = "conflict"

    @property
    def label(self) -> str:
        return {"new": "New", "modified": "Modified", "in_sync": "In sync", "conflict": "Conflict"}[self.value]


class SecretState(StrEnum):
    NOT_NEEDED = "not_needed"  # nothing given and nothing required (an update keeps the server's secret)
    STORED = "stored"  # in the OS keyring
    SESSION = "session"  # kept in memory for this session only: "secret not stored"
    MISSING = "missing"  # required to create the connection, and not held


@dataclass(frozen=True)
class Origin:
    """The server connection a draft was pulled from or pushed to."""

    server_url: str
    connection_id: str
    update_at: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "server_url", canonical_server_url(self.server_url))

    def to_json(self) -> dict[str, Any]:
        return {"server_url": self.server_url, "connection_id": self.connection_id, "update_at": self.update_at}

    @classmethod
    def from_json(cls, data: Any) -> Origin | None:
        if data is None:
            return None
        if not isinstance(data, Mapping):
            raise ValueError("origin is not an object")
        url, cid, update_at = data.get("server_url"), data.get("connection_id"), data.get("update_at", 0)
        if not isinstance(url, str) or not isinstance(cid, str) or not url or not cid:
            raise ValueError("origin needs a server_url and a connection_id")
        if not isinstance(update_at, int) or isinstance(update_at, bool):
            raise ValueError("origin update_at is not a number")
        return cls(canonical_server_url(url), cid, update_at)

    def is_on(self, server_url: str) -> bool:
        return self.server_url == canonical_server_url(server_url)


@dataclass(frozen=True)
class ConflictMark:
    """Set by sync when the server copy changed since the draft's snapshot (None: deleted on the server)."""

    server_copy: Connection | None
    detected_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "server_copy": self.server_copy.public_dict() if self.server_copy else None,
            "deleted_on_server": self.server_copy is None,
            "detected_at": self.detected_at,
        }

    @classmethod
    def from_json(cls, data: Any) -> ConflictMark | None:
        if data is None:
            return None
        if not isinstance(data, Mapping):
            raise ValueError("conflict is not an object")
        copy = data.get("server_copy")
        if copy is not None and not isinstance(copy, Mapping):
            raise ValueError("conflict server_copy is not an object")
        server_copy = server_snapshot(Connection.from_json(copy)) if copy is not None else None
        return cls(server_copy, str(data.get("detected_at", "")))


@dataclass(frozen=True)
class Draft:
    """A connection prepared locally. ``connection`` never holds a secret nor a server-set field."""

    id: str
    connection: Connection = field(default_factory=Connection)
    note: str = ""
    server: str = ""  # target: a profile name or a server URL
    team: str = ""  # target team: id or name
    origin: Origin | None = None
    snapshot: Connection | None = None  # the server copy at the last pull/push
    conflict: ConflictMark | None = None
    validation: dict[str, Any] | None = None  # ValidationResult.to_json() of the last validation
    validation_basis: dict[str, Any] | None = None  # the credential fields that validation used
    secret_stored: bool = False  # the draft's secret(s) are in the OS keyring
    secret_pending: bool = False  # a secret was given since the last push: pushing sends it
    secret_origin: str = ""  # the token URL's origin the secret was given for ("": kept before origins were)
    creating_on: str = ""  # a server a create was sent to whose answer was never recorded (interrupted push)
    created_at: str = ""
    modified_at: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "connection", public_only(self.connection))

    @property
    def name(self) -> str:
        return self.connection.name

    @property
    def status(self) -> DraftStatus:
        if self.conflict is not None:
            return DraftStatus.CONFLICT
        if self.origin is None:
            return DraftStatus.NEW
        if self.snapshot is None or self.secret_pending or changed_fields(self.connection, self.snapshot):
            return DraftStatus.MODIFIED
        return DraftStatus.IN_SYNC

    @property
    def changed_fields(self) -> list[str]:
        """Fields edited since the snapshot (every field for a new draft)."""
        if self.snapshot is None:
            return list(DRAFT_FIELDS)
        return changed_fields(self.connection, self.snapshot)

    def needs_secret(self, server_url: str | None = None) -> bool:
        """Pushing to ``server_url`` (default: the origin) creates the connection, which needs a secret."""
        if self.origin is None:
            return True
        return server_url is not None and not self.origin.is_on(server_url)

    @property
    def secret_needed(self) -> bool:
        """A secret is required to push and none is kept in the keyring (a session secret is lost at exit)."""
        return self.needs_secret() and not (self.secret_stored and self.secret_follows)

    @property
    def secret_follows(self) -> bool:
        """The kept secret was given for this token URL's origin: a changed origin asks for it again."""
        return not self.secret_origin or same_origin(self.secret_origin, self.connection.oauth_token_url)

    @property
    def interrupted_push(self) -> str:
        """The server an earlier create may have reached unrecorded ("" when none): the next push there looks
        for that connection before creating another."""
        return self.creating_on if self.origin is None or not self.origin.is_on(self.creating_on) else ""

    @property
    def validation_result(self) -> ValidationResult | None:
        return ValidationResult.from_json(self.validation) if self.validation is not None else None

    @property
    def validation_current(self) -> bool:
        """The stored validation used today's credential fields (a changed secret clears the validation)."""
        return self.validation is not None and self.validation_basis == credential_basis(self.connection)

    def to_connection(self, *, client_secret: str = "", credentials_password: str = "") -> Connection:
        """The draft as a connection: the origin's id when it has one, and the secrets given here."""
        base = self.connection.with_changes(client_secret=client_secret, credentials_password=credentials_password)
        if self.origin is not None:
            base = base.with_changes(id=self.origin.connection_id)
        return base

    def with_changes(self, **changes: Any) -> Draft:
        return replace(self, **changes)

    def edit(self, **fields: Any) -> Draft:
        """The draft with connection fields changed (keys of :data:`DRAFT_FIELDS`)."""
        unknown = set(fields) - set(DRAFT_FIELDS)
        if unknown:
            raise ValueError(f"not draft fields: {', '.join(sorted(unknown))}")
        return replace(self, connection=self.connection.with_changes(**fields))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "connection": draft_fields(self.connection),
            "note": self.note,
            "target": {"server": self.server, "team": self.team},
            "origin": self.origin.to_json() if self.origin else None,
            "snapshot": self.snapshot.public_dict() if self.snapshot else None,
            "conflict": self.conflict.to_json() if self.conflict else None,
            "validation": self.validation,
            "validation_basis": self.validation_basis,
            "secret_needed": self.secret_needed,
            "secret_stored": self.secret_stored,
            "secret_pending": self.secret_pending,
            "secret_origin": self.secret_origin,
            "creating_on": self.creating_on,
            "created_at": self.created_at,
            "modified_at": self.modified_at,
        }

    def summary(self) -> dict[str, Any]:
        """What ``drafts list --json`` prints for one draft."""
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status.value,
            "server": self.server,
            "team": self.team,
            "origin": self.origin.to_json() if self.origin else None,
            "validation": validation_badge(self),
            "secret_needed": self.secret_needed,
            "secret_stored": self.secret_stored,
            "interrupted_push": self.interrupted_push or None,
            "modified_at": self.modified_at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Draft:
        """Read a draft file's body; raises ``ValueError`` naming what is wrong."""
        draft_id = data.get("id")
        if not isinstance(draft_id, str) or not DRAFT_ID_RE.match(draft_id):
            raise ValueError("no valid draft id")
        fields_ = data.get("connection")
        if not isinstance(fields_, Mapping):
            raise ValueError("no connection fields")
        target = data.get("target") or {}
        if not isinstance(target, Mapping):
            raise ValueError("target is not an object")
        snapshot = data.get("snapshot")
        if snapshot is not None and not isinstance(snapshot, Mapping):
            raise ValueError("snapshot is not an object")
        validation = data.get("validation")
        if validation is not None and not isinstance(validation, dict):
            raise ValueError("validation is not an object")
        basis = data.get("validation_basis")
        if basis is not None and not isinstance(basis, dict):
            raise ValueError("validation_basis is not an object")
        return cls(
            id=draft_id,
            connection=Connection.from_json(fields_),
            note=text_or_empty(data.get("note")),
            server=text_or_empty(target.get("server")),
            team=text_or_empty(target.get("team")),
            origin=Origin.from_json(data.get("origin")),
            snapshot=server_snapshot(Connection.from_json(snapshot)) if snapshot is not None else None,
            conflict=ConflictMark.from_json(data.get("conflict")),
            validation=validation,
            validation_basis=basis,
            secret_stored=data.get("secret_stored") is True,
            secret_pending=data.get("secret_pending") is True,
            secret_origin=text_or_empty(data.get("secret_origin")),
            creating_on=text_or_empty(data.get("creating_on")),
            created_at=text_or_empty(data.get("created_at")),
            modified_at=text_or_empty(data.get("modified_at")),
        )


def text_or_empty(value: Any) -> str:
    return value if isinstance(value, str) else ""


def credential_basis(conn: Connection) -> dict[str, Any]:
    fields_ = draft_fields(conn)
    return {name: fields_[name] for name in CREDENTIAL_FIELDS if name not in SECRET_FIELDS}


def validation_badge(draft: Draft) -> str:
    """valid | refused | unreachable | stale | not_checked — the list's validation badge."""
    result = draft.validation
    if result is None:
        return "not_checked"
    if not draft.validation_current:
        return "stale"
    if result.get("ok") is True:
        return "valid"
    if result.get("category") in ("network", "tls", "timeout"):
        return "unreachable"
    return "refused"


def meant_profile(draft: Draft, profiles: Mapping[str, str]) -> str | None:
    """The server profile ``draft`` is meant for, among ``profiles`` (name → server URL).

    Its target by name when that profile is on the server the draft came from (or it came from none); else
    the one profile of that server. ``None`` when no profile or several share the server: a URL alone
    cannot tell two profiles of one server apart.
    """
    origin_url = draft.origin.server_url if draft.origin is not None else ""
    named = draft.server.strip()
    urls = {name: canonical_server_url(url) for name, url in profiles.items()}
    if named in urls and (not origin_url or urls[named] == origin_url):
        return named
    server = origin_url or (canonical_server_url(named) if "://" in named else "")
    matching = [name for name, url in urls.items() if server and url == server]
    return matching[0] if len(matching) == 1 else None
