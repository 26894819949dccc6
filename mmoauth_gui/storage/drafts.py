"""The drafts workspace: connections prepared offline, one JSON file per draft under ``paths.drafts``.

A draft file holds only public fields. Its secrets (client secret, password) go to the
:class:`SecretStore` under the draft's id and nowhere else.
"""

from __future__ import annotations

import logging
import re
import secrets as _random
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, Literal, NamedTuple, TypeVar

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import NAME_MAX
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.storage.atomic import CorruptFileError, read_json_file, set_aside, write_json_atomic
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.secrets import SecretKind, SecretStore

log = logging.getLogger(__name__)

KIND = "draft"
SCHEMA = 1
EXPORT_KIND = "drafts-export"
EXPORT_SCHEMA = 1

# The fields a draft edits; the server sets id, creator_id, create_at and update_at.
DRAFT_FIELDS = ("name", "client_id", "oauth_token_url", "grant_type", "audiences", "credentials_username")
CREDENTIAL_FIELDS = ("client_id", "oauth_token_url", "grant_type", "credentials_username")

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_STALE_TEMP_SECONDS = 600

__all__ = [
    "AutosaveBuffer",
    "Clash",
    "ClashDecision",
    "ConflictMark",
    "CorruptFileError",
    "Draft",
    "DraftError",
    "DraftList",
    "DraftNotFound",
    "DraftStatus",
    "DraftStore",
    "ExchangeEntry",
    "ExchangeFileError",
    "ImportPlan",
    "ImportReport",
    "Origin",
    "SecretState",
    "changed_fields",
    "draft_fields",
    "export_connections",
    "read_exchange_file",
]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def normalise_server_url(url: str) -> str:
    return url.strip().rstrip("/")


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


def _snapshot(conn: Connection) -> Connection:
    """A server copy as kept for conflict detection: public fields including id and ``update_at``."""
    return Connection.from_json(conn.public_dict())


class DraftError(Exception):
    """A draft operation that cannot be done, in words for the user."""


class DraftNotFound(DraftError):
    pass


class ExchangeFileError(DraftError):
    """An import file that cannot be read (it is the user's file: it is left where it is)."""


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
        object.__setattr__(self, "server_url", normalise_server_url(self.server_url))

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
        return cls(normalise_server_url(url), cid, update_at)

    def is_on(self, server_url: str) -> bool:
        return self.server_url == normalise_server_url(server_url)


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
        server_copy = _snapshot(Connection.from_json(copy)) if copy is not None else None
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
        return self.needs_secret() and not self.secret_stored

    @property
    def validation_result(self) -> ValidationResult | None:
        return ValidationResult.from_json(self.validation) if self.validation is not None else None

    @property
    def validation_current(self) -> bool:
        """The stored validation used today's credential fields (a changed secret clears the validation)."""
        return self.validation is not None and self.validation_basis == _credential_basis(self.connection)

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
            "validation": _validation_badge(self),
            "secret_needed": self.secret_needed,
            "secret_stored": self.secret_stored,
            "modified_at": self.modified_at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Draft:
        """Read a draft file's body; raises ``ValueError`` naming what is wrong."""
        draft_id = data.get("id")
        if not isinstance(draft_id, str) or not _ID_RE.match(draft_id):
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
            note=_str(data.get("note")),
            server=_str(target.get("server")),
            team=_str(target.get("team")),
            origin=Origin.from_json(data.get("origin")),
            snapshot=_snapshot(Connection.from_json(snapshot)) if snapshot is not None else None,
            conflict=ConflictMark.from_json(data.get("conflict")),
            validation=validation,
            validation_basis=basis,
            secret_stored=data.get("secret_stored") is True,
            secret_pending=data.get("secret_pending") is True,
            created_at=_str(data.get("created_at")),
            modified_at=_str(data.get("modified_at")),
        )


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _credential_basis(conn: Connection) -> dict[str, Any]:
    fields_ = draft_fields(conn)
    return {name: fields_[name] for name in CREDENTIAL_FIELDS}


def _validation_badge(draft: Draft) -> str:
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


class DraftList(NamedTuple):
    drafts: list[Draft]
    problems: list[CorruptFileError]


class DraftStore:
    """Create, read, save and delete drafts; every write atomic; bad files set aside, never fatal."""

    def __init__(self, paths: AppPaths, secrets: SecretStore) -> None:
        self.dir = paths.drafts
        self.secrets = secrets
        self._lock = threading.RLock()

    # -- files -----------------------------------------------------------------------------------

    def path_for(self, draft_id: str) -> Path:
        if not _ID_RE.match(draft_id):
            raise DraftNotFound(f"“{draft_id}” is not a draft id.")
        return self.dir / f"{draft_id}.json"

    def list(self) -> DraftList:
        """Every readable draft (oldest first) and the files that had to be set aside."""
        drafts: list[Draft] = []
        problems: list[CorruptFileError] = []
        if not self.dir.is_dir():
            return DraftList(drafts, problems)
        self._remove_stale_temp_files()
        for path in sorted(self.dir.glob("*.json")):
            if path.name.startswith("."):
                continue
            try:
                drafts.append(self._read(path))
            except CorruptFileError as exc:
                log.warning("%s", exc)
                problems.append(exc)
            except FileNotFoundError:  # deleted by another process meanwhile
                continue
        drafts.sort(key=lambda d: (d.created_at, d.connection.name.casefold(), d.id))  # ties: by name
        return DraftList(drafts, problems)

    def get(self, draft_id: str) -> Draft:
        """One draft; :class:`DraftNotFound` when absent, :class:`CorruptFileError` when set aside."""
        path = self.path_for(draft_id)
        try:
            return self._read(path)
        except FileNotFoundError:
            raise DraftNotFound(f"No draft with id {draft_id}.") from None

    def find(self, ref: str) -> Draft:
        """A draft by id, else by unique name (exact, then case-insensitive), else by id prefix (4+ chars)."""
        if _ID_RE.match(ref) and self.path_for(ref).exists():
            return self.get(ref)
        drafts = self.list().drafts
        for how, matches in (
            ("are called", [d for d in drafts if d.name == ref]),
            ("are called", [d for d in drafts if d.name.casefold() == ref.casefold()]),
            ("have ids starting with", [d for d in drafts if d.id.startswith(ref)] if len(ref) >= 4 else []),
        ):
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                ids = ", ".join(d.id for d in matches)
                raise DraftError(f"Several drafts {how} “{ref}” ({ids}): use the id.")
        raise DraftNotFound(f"No draft with id or name “{ref}”. `mmoauth-gui drafts list` shows them.")

    def find_by_origin(self, server_url: str, connection_id: str) -> Draft | None:
        for draft in self.list().drafts:
            if draft.origin and draft.origin.is_on(server_url) and draft.origin.connection_id == connection_id:
                return draft
        return None

    def save(self, draft: Draft, *, touch: bool = True) -> Draft:
        """Write ``draft`` atomically; ``touch`` stamps ``modified_at``. Returns what was written."""
        stamp = now_iso()
        if touch or not draft.modified_at:
            draft = replace(draft, modified_at=stamp)
        if not draft.created_at:
            draft = replace(draft, created_at=stamp)
        with self._lock:
            write_json_atomic(self.path_for(draft.id), KIND, SCHEMA, draft.to_json())
        return draft

    def new(
        self,
        connection: Connection | None = None,
        *,
        note: str = "",
        server: str = "",
        team: str = "",
        client_secret: str = "",
        credentials_password: str = "",
    ) -> Draft:
        """A new draft, saved; secrets given here go to the SecretStore only."""
        with self._lock:
            draft_id = self.new_id()
            draft = Draft(id=draft_id, connection=connection or Connection(), note=note, server=server, team=team)
            draft = self.save(draft)
        if client_secret or credentials_password:
            draft = self.set_secrets(draft, client_secret=client_secret, credentials_password=credentials_password)
        return draft

    def delete(self, draft_id: str) -> None:
        """Remove the draft's file and its secrets."""
        path = self.path_for(draft_id)
        try:
            path.unlink()
        except FileNotFoundError:
            raise DraftNotFound(f"No draft with id {draft_id}.") from None
        self.forget_secrets(draft_id)

    def new_id(self) -> str:
        """An unused draft id (12 hex digits)."""
        while True:
            draft_id = _random.token_hex(6)
            if not self.path_for(draft_id).exists():
                return draft_id

    def _read(self, path: Path) -> Draft:
        document = read_json_file(path, KIND, SCHEMA)
        try:
            draft = Draft.from_json(document)
            if path.name != f"{draft.id}.json":
                raise ValueError(f"it holds draft {draft.id}, not {path.stem}")
        except ValueError as exc:
            raise CorruptFileError(path, str(exc), set_aside(path)) from exc
        return draft

    def _remove_stale_temp_files(self) -> None:
        """Temporary files left by a writer that was killed mid-save (older than ten minutes)."""
        cutoff = time.time() - _STALE_TEMP_SECONDS
        for tmp in self.dir.glob(".*.json.*.tmp"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
            except OSError:
                continue

    # -- secrets ---------------------------------------------------------------------------------

    def set_secrets(
        self, draft: Draft, *, client_secret: str | None = None, credentials_password: str | None = None
    ) -> Draft:
        """Keep the draft's secrets (None: leave as is, "": forget). Saves and returns the draft.

        A new secret clears the stored validation (it was made with another secret) and marks the draft
        to send it on the next push.
        """
        results: list[bool] = []
        changed = False
        for kind, value in ((SecretKind.CLIENT_SECRET, client_secret), (SecretKind.PASSWORD, credentials_password)):
            if value is None:
                continue
            if self.secrets.get(kind, draft.id) == (value or None):
                if value:
                    results.append(self.secrets.persistent)
                continue
            changed = True
            if value:
                results.append(self.secrets.set(kind, draft.id, value))
            else:
                self.secrets.delete(kind, draft.id)
        if not changed:
            return draft
        held = [self.secrets.get(k, draft.id) for k in (SecretKind.CLIENT_SECRET, SecretKind.PASSWORD)]
        stored = any(held) and self.secrets.persistent and all(results)
        return self.save(
            replace(
                draft,
                secret_stored=stored,
                secret_pending=any(held),
                validation=None,
                validation_basis=None,
            )
        )

    def secret(self, draft: Draft | str, kind: SecretKind) -> str:
        draft_id = draft if isinstance(draft, str) else draft.id
        return self.secrets.get(kind, draft_id) or ""

    def secret_state(self, draft: Draft) -> SecretState:
        """Where the draft's client secret is; may block on the keyring (call it off the GUI thread)."""
        held = self.secrets.get(SecretKind.CLIENT_SECRET, draft.id)
        if draft.connection.uses_password_grant and held:
            held = self.secrets.get(SecretKind.PASSWORD, draft.id) and held
        if held:
            return SecretState.STORED if self.secrets.persistent and draft.secret_stored else SecretState.SESSION
        return SecretState.MISSING if draft.needs_secret() else SecretState.NOT_NEEDED

    def with_secrets(self, draft: Draft) -> Connection:
        """The draft as a connection carrying its secrets, for a push or a validation (never to a file)."""
        return draft.to_connection(
            client_secret=self.secret(draft, SecretKind.CLIENT_SECRET),
            credentials_password=self.secret(draft, SecretKind.PASSWORD),
        )

    def forget_secrets(self, draft_id: str) -> None:
        self.secrets.delete(SecretKind.CLIENT_SECRET, draft_id)
        self.secrets.delete(SecretKind.PASSWORD, draft_id)

    # -- validation ------------------------------------------------------------------------------

    def record_validation(self, draft: Draft, result: ValidationResult) -> Draft:
        """Keep ``result.to_json()`` (never the token) with the credential fields it was made with; saves."""
        if not result.checked_at:
            result = result.with_changes(checked_at=now_iso())
        basis = _credential_basis(draft.connection)
        return self.save(replace(draft, validation=result.to_json(), validation_basis=basis))

    # -- import / export -------------------------------------------------------------------------

    def export(self, path: Path, drafts: Sequence[Draft]) -> int:
        """Write ``drafts`` (without secrets) to ``path``; returns how many."""
        entries = [ExchangeEntry.from_draft(d, secret_required=self.secret_required(d)) for d in drafts]
        _write_exchange(path, entries, {"type": "drafts"})
        return len(entries)

    def secret_required(self, draft: Draft) -> bool:
        """A secret is needed to recreate this draft elsewhere: new, or one was given (it is not exported)."""
        return draft.needs_secret() or bool(self.secret(draft, SecretKind.CLIENT_SECRET))

    def plan_import(self, entries: Iterable[ExchangeEntry]) -> ImportPlan:
        """Match imported entries with drafts by name: new ones, identical ones, and clashes to decide."""
        existing: dict[str, Draft] = {}
        for draft in self.list().drafts:
            existing.setdefault(draft.name, draft)
        plan = ImportPlan()
        seen: set[str] = set()
        for entry in entries:
            if entry.name in seen:
                plan.duplicates.append(entry)
                continue
            seen.add(entry.name)
            current = existing.get(entry.name)
            if current is None:
                plan.fresh.append(entry)
            elif entry.same_as(current):
                plan.unchanged.append(entry)
            else:
                plan.clashes.append(Clash(entry, current, entry.differences(current)))
        return plan

    def apply_import(
        self,
        plan: ImportPlan,
        decide: ClashDecision | Mapping[str, ClashDecision] | Callable[[Clash], ClashDecision],
    ) -> ImportReport:
        """Carry out ``plan``; each clash is decided by name (mapping), by a callback, or all alike.

        keep: the local draft stays as it is. replace: the local draft takes the imported fields (its id
        and secrets stay; its validation is cleared). rename: the imported one is added under a new name.
        """
        report = ImportReport(unchanged=[e.name for e in plan.unchanged])
        names = {d.name for d in self.list().drafts}
        for entry in plan.fresh:
            report.added.append(self.save(entry.to_draft(self.new_id())))
            names.add(entry.name)
        for clash in plan.clashes:
            choice = _decision_for(decide, clash)
            if choice == "keep":
                report.kept.append(clash.existing.name)
            elif choice == "replace":
                replaced = entry_over(clash.existing, clash.entry)
                report.replaced.append(self.save(replaced))
            elif choice == "rename":
                new_name = copy_name(clash.entry.name, names)
                names.add(new_name)
                report.renamed.append(self.save(clash.entry.to_draft(self.new_id(), name=new_name)))
            else:
                raise ValueError(f"unknown clash decision {choice!r}")
        for entry in plan.duplicates:
            new_name = copy_name(entry.name, names)
            names.add(new_name)
            report.renamed.append(self.save(entry.to_draft(self.new_id(), name=new_name)))
        return report


ClashDecision = Literal["keep", "replace", "rename"]
CLASH_DECISIONS: tuple[ClashDecision, ...] = ("keep", "replace", "rename")


def _decision_for(
    decide: ClashDecision | Mapping[str, ClashDecision] | Callable[[Clash], ClashDecision], clash: Clash
) -> ClashDecision:
    if isinstance(decide, str):
        return decide
    if isinstance(decide, Mapping):
        if clash.entry.name not in decide:
            raise ValueError(f"no decision for the clash on “{clash.entry.name}”")
        return decide[clash.entry.name]
    return decide(clash)


def entry_over(draft: Draft, entry: ExchangeEntry) -> Draft:
    """``draft`` taking the imported entry's content (id, secrets and creation time kept)."""
    return replace(
        draft,
        connection=entry.connection,
        note=entry.note,
        server=entry.server,
        team=entry.team,
        origin=entry.origin,
        snapshot=entry.snapshot,
        conflict=None,
        validation=None,
        validation_basis=None,
        secret_pending=False,
    )


def copy_name(name: str, taken: set[str]) -> str:
    """``name (imported)``, ``name (imported 2)``… — the first not in ``taken``, within the name limit."""
    n = 1
    while True:
        suffix = " (imported)" if n == 1 else f" (imported {n})"
        candidate = name[: max(1, NAME_MAX - len(suffix))] + suffix
        if candidate not in taken:
            return candidate
        n += 1


@dataclass(frozen=True)
class ExchangeEntry:
    """One draft in an export file: public fields only, marked when a secret must be supplied."""

    connection: Connection
    note: str = ""
    server: str = ""
    team: str = ""
    origin: Origin | None = None
    snapshot: Connection | None = None
    secret_required: bool = True

    @property
    def name(self) -> str:
        return self.connection.name

    @classmethod
    def from_draft(cls, draft: Draft, *, secret_required: bool) -> ExchangeEntry:
        return cls(
            draft.connection, draft.note, draft.server, draft.team, draft.origin, draft.snapshot, secret_required
        )

    @classmethod
    def from_connection(cls, conn: Connection, server_url: str) -> ExchangeEntry:
        origin = Origin(normalise_server_url(server_url), conn.id, conn.update_at) if conn.id else None
        return cls(
            public_only(conn),
            server=normalise_server_url(server_url),
            origin=origin,
            snapshot=_snapshot(conn) if conn.id else None,
            secret_required=True,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "connection": draft_fields(self.connection),
            "note": self.note,
            "target": {"server": self.server, "team": self.team},
            "origin": self.origin.to_json() if self.origin else None,
            "snapshot": self.snapshot.public_dict() if self.snapshot else None,
            "secret_required": self.secret_required,
        }

    @classmethod
    def from_json(cls, data: Any) -> ExchangeEntry:
        if not isinstance(data, Mapping):
            raise ValueError("an entry is not an object")
        fields_ = data.get("connection")
        if not isinstance(fields_, Mapping):
            raise ValueError("an entry has no connection fields")
        target = data.get("target") or {}
        if not isinstance(target, Mapping):
            raise ValueError("an entry's target is not an object")
        snapshot = data.get("snapshot")
        if snapshot is not None and not isinstance(snapshot, Mapping):
            raise ValueError("an entry's snapshot is not an object")
        conn = Connection.from_json(fields_)
        if not conn.name:
            raise ValueError("an entry has no name")
        return cls(
            public_only(conn),
            note=_str(data.get("note")),
            server=_str(target.get("server")),
            team=_str(target.get("team")),
            origin=Origin.from_json(data.get("origin")),
            snapshot=_snapshot(Connection.from_json(snapshot)) if snapshot is not None else None,
            secret_required=data.get("secret_required") is not False,
        )

    def to_draft(self, draft_id: str, *, name: str | None = None) -> Draft:
        conn = self.connection if name is None else self.connection.with_changes(name=name)
        # A renamed copy is a different connection: it must not update the origin's.
        keep_origin = name is None
        return Draft(
            id=draft_id,
            connection=conn,
            note=self.note,
            server=self.server,
            team=self.team,
            origin=self.origin if keep_origin else None,
            snapshot=self.snapshot if keep_origin else None,
        )

    def same_as(self, draft: Draft) -> bool:
        """Same fields, and no other note (an entry without a note, e.g. from a server, adds nothing)."""
        return not self.differences(draft) and (not self.note or self.note == draft.note)

    def differences(self, draft: Draft) -> list[str]:
        return changed_fields(self.connection, draft.connection)


@dataclass(frozen=True)
class Clash:
    """An imported entry whose name is already a draft's, with different content."""

    entry: ExchangeEntry
    existing: Draft
    fields: list[str]

    def describe(self) -> str:
        what = ", ".join(self.fields) if self.fields else "note"
        return f"“{self.entry.name}” exists already as draft {self.existing.id} (differs in: {what})"


@dataclass
class ImportPlan:
    fresh: list[ExchangeEntry] = field(default_factory=list)
    unchanged: list[ExchangeEntry] = field(default_factory=list)
    clashes: list[Clash] = field(default_factory=list)
    duplicates: list[ExchangeEntry] = field(default_factory=list)  # a name twice in the file: added renamed


@dataclass
class ImportReport:
    added: list[Draft] = field(default_factory=list)
    replaced: list[Draft] = field(default_factory=list)
    renamed: list[Draft] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def secret_needed(self) -> list[Draft]:
        return [d for d in self.added + self.replaced + self.renamed if d.needs_secret()]

    def to_json(self) -> dict[str, Any]:
        return {
            "added": [d.summary() for d in self.added],
            "replaced": [d.summary() for d in self.replaced],
            "renamed": [d.summary() for d in self.renamed],
            "kept": self.kept,
            "unchanged": self.unchanged,
            "secret_needed": [d.id for d in self.secret_needed],
        }


def _write_exchange(path: Path, entries: Sequence[ExchangeEntry], source: dict[str, Any]) -> None:
    body = {"exported_at": now_iso(), "source": source, "drafts": [e.to_json() for e in entries]}
    write_json_atomic(path, EXPORT_KIND, EXPORT_SCHEMA, body)


def export_connections(path: Path, connections: Sequence[Connection], server_url: str) -> int:
    """Write a server's connections as drafts (backup, or a move to another server); no secrets."""
    entries = [ExchangeEntry.from_connection(c, server_url) for c in sorted(connections, key=lambda c: c.name)]
    _write_exchange(path, entries, {"type": "server", "server_url": normalise_server_url(server_url)})
    return len(entries)


def read_exchange_file(path: Path) -> list[ExchangeEntry]:
    """Entries of an export file; :class:`ExchangeFileError` (the file left untouched) when unreadable."""
    import json

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExchangeFileError(f"{path} does not exist.") from None
    except RecursionError:
        raise ExchangeFileError(f"{path} is not a readable JSON file (nested too deeply).") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ExchangeFileError(f"{path} is not a readable JSON file ({exc}).") from None
    if not isinstance(document, dict) or document.get("kind") != EXPORT_KIND:
        raise ExchangeFileError(f"{path} is not a drafts export (its kind should be “{EXPORT_KIND}”).")
    schema = document.get("schema")
    if not isinstance(schema, int) or schema > EXPORT_SCHEMA:
        raise ExchangeFileError(f"{path} was written by a newer version of mmoauth-gui (schema {schema}).")
    items = document.get("drafts")
    if not isinstance(items, list):
        raise ExchangeFileError(f"{path} has no list of drafts.")
    entries: list[ExchangeEntry] = []
    for i, item in enumerate(items):
        try:
            entries.append(ExchangeEntry.from_json(item))
        except ValueError as exc:
            raise ExchangeFileError(f"{path}: draft {i + 1} cannot be read ({exc}).") from None
    return entries


T = TypeVar("T")


class AutosaveBuffer(Generic[T]):
    """Dirty flag + delay: ``maybe_save(now)`` saves once ``delay`` seconds passed since the first unsaved
    change, so steady typing is still saved every ``delay`` seconds. Qt-free: the UI drives it with a timer.
    """

    def __init__(self, save: Callable[[T], object], delay: float = 2.0) -> None:
        self._save = save
        self.delay = delay
        self._value: T | None = None
        self._dirty_since: float | None = None
        self.last_error: Exception | None = None

    @property
    def dirty(self) -> bool:
        return self._dirty_since is not None

    @property
    def value(self) -> T | None:
        return self._value

    def change(self, value: T, now: float | None = None) -> None:
        """The latest state to save; starts the delay if nothing was waiting."""
        self._value = value
        if self._dirty_since is None:
            self._dirty_since = time.monotonic() if now is None else now

    def maybe_save(self, now: float | None = None) -> bool:
        """Save when dirty for at least ``delay`` seconds; True when it saved."""
        if self._dirty_since is None:
            return False
        current = time.monotonic() if now is None else now
        if current - self._dirty_since < self.delay:
            return False
        return self.flush()

    def flush(self) -> bool:
        """Save now if dirty. A failed save (OSError) stays dirty and is kept in ``last_error``."""
        if self._dirty_since is None or self._value is None:
            return False
        try:
            self._save(self._value)
        except OSError as exc:
            self.last_error = exc
            log.warning("autosave failed: %s", exc)
            return False
        self.last_error = None
        self._dirty_since = None
        return True

    def discard(self) -> None:
        self._dirty_since = None
