"""Importing drafts: entries of an export file, matched with the drafts there are by name (new, unchanged,
clashing), and what each clash decision does. Pure: reading and writing the file is ``storage.drafts_exchange``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from mmoauth_gui.core.drafts.model import (
    Draft,
    Origin,
    changed_fields,
    draft_fields,
    public_only,
    server_snapshot,
    text_or_empty,
)
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import NAME_MAX
from mmoauth_gui.core.urls import canonical_server_url

ClashDecision = Literal["keep", "replace", "rename"]
CLASH_DECISIONS: tuple[ClashDecision, ...] = ("keep", "replace", "rename")


def decision_for(
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
        origin = Origin(canonical_server_url(server_url), conn.id, conn.update_at) if conn.id else None
        return cls(
            public_only(conn),
            server=canonical_server_url(server_url),
            origin=origin,
            snapshot=server_snapshot(conn) if conn.id else None,
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
            note=text_or_empty(data.get("note")),
            server=text_or_empty(target.get("server")),
            team=text_or_empty(target.get("team")),
            origin=Origin.from_json(data.get("origin")),
            snapshot=server_snapshot(Connection.from_json(snapshot)) if snapshot is not None else None,
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


def bound_to_profiles(entry: ExchangeEntry, profiles: Mapping[str, str]) -> ExchangeEntry:
    """``entry`` as an import may keep it: its target and origin only where they name a saved profile.

    ``profiles`` maps each saved profile's name to its URL. A file must not decide where a push sends the
    server token and the client secret, nor which server connection it updates: a target that is neither
    a profile's name nor its URL, and an origin on a server no profile names, are dropped.
    """
    urls = {canonical_server_url(url).lower(): name for name, url in profiles.items()}
    server = entry.server
    if server not in profiles:
        server = urls.get(canonical_server_url(server).lower(), "") if server else ""
    origin = entry.origin
    if origin is not None and origin.server_url.lower() not in urls:
        origin = None
    if server == entry.server and origin == entry.origin:
        return entry
    return replace(entry, server=server, origin=origin, snapshot=entry.snapshot if origin else None)
