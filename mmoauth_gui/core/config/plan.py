"""The plan: what applying a connections file to a server would change, as pure data.

Entries are matched to the server's connections by ``id`` when the file gives one, else by name; a name
the server holds twice stops the plan (the file must give an ``id:``). Each change carries its routing
impact from the preview's what-if machinery: which commands (and, where the preview knows them, webhook
callbacks) gain, lose or switch connection, or become ambiguous.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mmoauth_gui.core.config.document import ConfigDocument, ConfigEntry
from mmoauth_gui.core.model import Command, Connection
from mmoauth_gui.core.preview.build import ChangeSet, Preview
from mmoauth_gui.core.preview.diff import ChangeKind, CommandChange, PreviewDiff, UrlChange
from mmoauth_gui.core.webhooks import Integration

CREATE_KEY_PREFIX = "create:"
COMPARED_FIELDS = ("name", "client_id", "oauth_token_url", "grant_type", "credentials_username", "audiences")


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class ImpactKind(StrEnum):
    LOST = "lost"
    SWITCHED = "switched"
    GAINED = "gained"
    AMBIGUOUS = "ambiguous"


def impact_kind(change: UrlChange) -> ImpactKind:
    """The plan's four words for the preview's change kinds."""
    kind = change.kind
    if kind is ChangeKind.GAINED:
        return ImpactKind.GAINED
    if kind is ChangeKind.LOST or (kind is ChangeKind.NO_LONGER_AMBIGUOUS and not change.after):
        return ImpactKind.LOST
    if kind in (ChangeKind.NEWLY_AMBIGUOUS, ChangeKind.AMBIGUITY_CHANGED):
        return ImpactKind.AMBIGUOUS
    return ImpactKind.SWITCHED  # switched, no longer ambiguous (to one), or the server's answer moves


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any  # None on create
    after: Any  # None on delete

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "from": self.before, "to": self.after}


@dataclass(frozen=True)
class Affected:
    """One command (or webhook callback) whose connection would change."""

    kind: str
    team_id: str
    id: str
    label: str
    url: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "team_id": self.team_id,
            "id": self.id,
            "trigger" if self.kind == "command" else "display_name": self.label,
            "url": self.url,
            "from": list(self.before),
            "to": list(self.after),
        }

    def describe(self) -> str:
        was = ", ".join(f"“{n}”" for n in self.before) or "no connection"
        now = ", ".join(f"“{n}”" for n in self.after) or "no connection"
        what = f"/{self.label}" if self.kind == "command" else self.label
        return f"{what} ({self.url}): {was} → {now}"


@dataclass(frozen=True)
class Impact:
    lost: tuple[Affected, ...] = ()
    switched: tuple[Affected, ...] = ()
    gained: tuple[Affected, ...] = ()
    ambiguous: tuple[Affected, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.lost or self.switched or self.gained or self.ambiguous)

    def by_kind(self) -> dict[ImpactKind, tuple[Affected, ...]]:
        return {
            ImpactKind.LOST: self.lost,
            ImpactKind.SWITCHED: self.switched,
            ImpactKind.GAINED: self.gained,
            ImpactKind.AMBIGUOUS: self.ambiguous,
        }

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        return {kind.value: [a.to_json() for a in items] for kind, items in self.by_kind().items()}


@dataclass(frozen=True)
class Change:
    """One step: create, update (the fields that differ) or delete; ``secret``: the secret will be sent."""

    action: Action
    name: str
    id: str = ""
    fields: tuple[FieldChange, ...] = ()
    secret: bool = False
    entry: ConfigEntry | None = None
    current: Connection | None = None
    impact: Impact = Impact()

    @property
    def key(self) -> str:
        return self.id or CREATE_KEY_PREFIX + self.name

    def target(self) -> Connection | None:
        """The connection as it will be saved, without its secret (None for a delete)."""
        if self.entry is None:
            return None
        return self.entry.connection(connection_id=self.id)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action.value, "name": self.name}
        if self.id:
            out["id"] = self.id
        out["fields"] = [f.to_json() for f in self.fields]
        out["secret"] = self.secret
        out["impact"] = self.impact.to_json()
        return out


@dataclass(frozen=True)
class PlanProblem:
    """Why the plan cannot be applied (a name the server holds twice, an id it does not have)."""

    name: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "message": self.message}


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...] = ()
    unmanaged: tuple[Connection, ...] = ()
    problems: tuple[PlanProblem, ...] = ()
    fingerprint: str = ""  # of the server's connections the plan was made against
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.changes

    def to_json(self) -> dict[str, Any]:
        return {
            "changes": [c.to_json() for c in self.changes],
            "unmanaged": [{"id": c.id, "name": c.name} for c in self.unmanaged],
            "problems": [p.to_json() for p in self.problems],
            "notes": list(self.notes),
        }


def server_fingerprint(connections: Iterable[Connection]) -> str:
    """A digest of the server's connections as listed: any change on the server changes it."""
    rows = sorted((c.public_dict() for c in connections), key=lambda d: str(d["id"]))
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def _public(conn: Connection, key: str) -> Any:
    value = getattr(conn, key)
    return list(value) if isinstance(value, tuple) else value


def field_changes(current: Connection, target: Connection) -> tuple[FieldChange, ...]:
    out = []
    for key in COMPARED_FIELDS:
        if key == "credentials_username" and not target.uses_password_grant:
            continue  # the server keeps a stored username; it is not used without the password grant
        before, after = _public(current, key), _public(target, key)
        if before != after:
            out.append(FieldChange(key, before, after))
    return tuple(out)


def _create_fields(target: Connection) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(k, None, _public(target, k))
        for k in COMPARED_FIELDS
        if k != "credentials_username" or target.uses_password_grant
    )


def build_plan(
    document: ConfigDocument,
    server: Sequence[Connection],
    commands: Sequence[Integration] = (),
    applied_versions: Mapping[str, int] | None = None,
    *,
    prune: bool = False,
    preview: Preview | None = None,
) -> Plan:
    """Compare ``document`` with the server's connections. ``applied_versions``: connection id → the
    secret version last applied from this computer (none recorded: 1, the version an export writes)."""
    applied = applied_versions or {}
    by_id = {c.id: c for c in server}
    by_name: dict[str, list[Connection]] = {}
    for conn in server:
        by_name.setdefault(conn.name, []).append(conn)
    problems: list[PlanProblem] = []
    notes: list[str] = []
    changes: list[Change] = []
    managed: set[str] = set()
    for entry in document.entries:
        if entry.id:
            current = by_id.get(entry.id)
            if current is None:
                problems.append(
                    PlanProblem(
                        entry.name,
                        f"“{entry.name}”: the server has no connection with id {entry.id} (an id belongs to one "
                        "server: remove it to match by name).",
                    )
                )
                continue
        else:
            same = by_name.get(entry.name, [])
            if len(same) > 1:
                ids = ", ".join(c.id for c in sorted(same, key=lambda c: c.id))
                problems.append(
                    PlanProblem(
                        entry.name,
                        f"“{entry.name}”: the server has {len(same)} connections with this name ({ids}); "
                        "add id: to the file to say which one it describes.",
                    )
                )
                managed.update(c.id for c in same)
                continue
            current = same[0] if same else None
        if current is None:
            changes.append(
                Change(Action.CREATE, entry.name, fields=_create_fields(entry.connection()), secret=True, entry=entry)
            )
            continue
        managed.add(current.id)
        target = entry.connection(connection_id=current.id)
        recorded = applied.get(current.id, 1)
        if entry.secret_version < recorded:
            notes.append(
                f"“{entry.name}”: secret_version {entry.secret_version} is lower than the {recorded} last applied "
                "from this computer; nothing is sent until it rises above it."
            )
        diff = field_changes(current, target)
        rotate = entry.secret_version > recorded
        if diff or rotate:
            changes.append(
                Change(Action.UPDATE, entry.name, current.id, diff, secret=rotate, entry=entry, current=current)
            )
    unmanaged = [c for c in server if c.id not in managed]
    if prune:
        for conn in sorted(unmanaged, key=lambda c: (c.name, c.id)):
            changes.append(Change(Action.DELETE, conn.name, conn.id, current=conn))
        unmanaged = []
    ordered = _safe_order(changes)
    the_preview = preview if preview is not None else Preview(commands, server)
    with_impact = _with_impact(ordered, the_preview, server)
    return Plan(
        tuple(with_impact),
        tuple(sorted(unmanaged, key=lambda c: (c.name, c.id))),
        tuple(problems),
        server_fingerprint(server),
        tuple(notes),
    )


def _safe_order(changes: list[Change]) -> list[Change]:
    """Creates first, then updates, then deletes: a route that moves always has a connection to go to."""
    rank = {Action.CREATE: 0, Action.UPDATE: 1, Action.DELETE: 2}
    return sorted(changes, key=lambda c: (rank[c.action], c.name, c.id))


def change_set(changes: Iterable[Change]) -> ChangeSet:
    out: dict[str, Connection | None] = {}
    for change in changes:
        out[change.key] = change.target()
    return out


def _with_impact(changes: list[Change], preview: Preview, server: Sequence[Connection]) -> list[Change]:
    if not changes:
        return changes
    diff = preview.what_if(change_set(changes))
    names = {c.id: c.name for c in server}
    names.update({c.key: c.name for c in changes})
    affected = _affected_by_key(diff, names)
    out = []
    for change in changes:
        items = affected.get(change.key, {})
        out.append(
            Change(
                change.action,
                change.name,
                change.id,
                change.fields,
                change.secret,
                change.entry,
                change.current,
                Impact(**{kind.value: tuple(items.get(kind, ())) for kind in ImpactKind}),
            )
        )
    return out


def _affected_by_key(diff: PreviewDiff, names: Mapping[str, str]) -> dict[str, dict[ImpactKind, list[Affected]]]:
    """Per change key, the commands whose connection it moves (a switch from A to B counts for both)."""
    out: dict[str, dict[ImpactKind, list[Affected]]] = {}
    for item in diff.commands:
        change = item.change
        keys = set(change.before) ^ set(change.after)
        if change.kind is ChangeKind.SERVER_PICK and change.server_connection_id:
            keys.add(change.server_connection_id)
        affected = _affected(item, names)
        kind = impact_kind(change)
        for key in keys:
            out.setdefault(key, {}).setdefault(kind, []).append(affected)
    return out


def _affected(item: CommandChange, names: Mapping[str, str]) -> Affected:
    cmd = item.command
    return Affected(
        cmd.kind.value,
        cmd.team_id,
        cmd.id,
        cmd.trigger if isinstance(cmd, Command) else cmd.display_name,
        cmd.url,
        tuple(names.get(k, k) for k in item.before),
        tuple(names.get(k, k) for k in item.after),
    )
