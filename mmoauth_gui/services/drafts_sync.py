"""Drafts ⇄ a Mattermost server: push, pull, conflicts (by ``update_at``) and their resolution.

Nothing is overwritten silently: a push over a server copy that changed since the draft's pull or
last push stops with a :class:`Conflict` (both copies, field by field) unless forced, and a pull never
drops local edits. Secrets are read from the SecretStore at push time and sent only when one is held;
an update without one sends it empty, so the server keeps its own (patch semantics, docs/MATTERMOST.md §4).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

import httpx

from mmoauth_gui.core.clock import now_iso
from mmoauth_gui.core.drafts.model import (
    DRAFT_FIELDS,
    ConflictMark,
    Draft,
    DraftError,
    DraftStatus,
    Origin,
    draft_fields,
)
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import Problem, check_connection, has_errors
from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import InvalidResponse, MattermostError, NotFound
from mmoauth_gui.services.token.client import AuthChoice, validate_locally
from mmoauth_gui.storage.drafts_exchange import export_connections

log = logging.getLogger(__name__)

Side = Literal["mine", "theirs"]

__all__ = [
    "Conflict",
    "ConflictError",
    "DraftRulesError",
    "DraftRepository",
    "DraftSync",
    "FieldDifference",
    "PullResult",
    "PushResult",
    "detect_conflict",
    "merge_fields",
    "validate_draft",
]


@dataclass(frozen=True)
class FieldDifference:
    """One field that differs between the draft (mine) and the server copy (theirs)."""

    field: str
    mine: Any
    theirs: Any
    base: Any = None  # the value at the last pull/push (None when unknown)
    base_known: bool = False

    @property
    def changed_by(self) -> Literal["mine", "theirs", "both", "unknown"]:
        if not self.base_known:
            return "unknown"
        if self.mine == self.base:
            return "theirs"
        if self.theirs == self.base:
            return "mine"
        return "both"

    @property
    def suggestion(self) -> Side | None:
        """The side a three-way merge takes on its own: the one that changed; None when both did."""
        return {"theirs": "theirs", "mine": "mine"}.get(self.changed_by)  # type: ignore[return-value]

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "mine": self.mine,
            "theirs": self.theirs,
            "base": self.base if self.base_known else None,
            "changed_by": self.changed_by,
        }


@dataclass(frozen=True)
class Conflict:
    """The server copy changed since the draft's snapshot. ``theirs`` is None when it was deleted."""

    draft_id: str
    draft_name: str
    server_url: str
    connection_id: str
    mine: Connection
    theirs: Connection | None
    base: Connection | None
    differences: list[FieldDifference] = field(default_factory=list)

    @property
    def deleted(self) -> bool:
        return self.theirs is None

    @property
    def pulled_update_at(self) -> int:
        return self.base.update_at if self.base is not None else 0

    @property
    def message(self) -> str:
        where = f"connection {self.connection_id} on {self.server_url}"
        if self.theirs is None:
            return (
                f"Conflict on draft “{self.draft_name}” ({self.draft_id}): {where} was deleted since the draft was "
                "pulled or pushed. Create it again from the draft (keep yours), or delete the draft."
            )
        changed = ", ".join(d.field for d in self.differences) or "no visible field (perhaps its secret)"
        return (
            f"Conflict on draft “{self.draft_name}” ({self.draft_id}): {where} changed on the server since the "
            f"draft was pulled or pushed (update_at {self.pulled_update_at} → {self.theirs.update_at}); "
            f"fields that differ: {changed}. Keep yours, take the server's, or merge field by field."
        )

    def suggested_choices(self) -> dict[str, Side | None]:
        return {d.field: d.suggestion for d in self.differences}

    def to_json(self) -> dict[str, Any]:
        return {
            "draft_id": self.draft_id,
            "draft_name": self.draft_name,
            "server_url": self.server_url,
            "connection_id": self.connection_id,
            "deleted_on_server": self.deleted,
            "pulled_update_at": self.pulled_update_at,
            "server_update_at": self.theirs.update_at if self.theirs else None,
            "mine": draft_fields(self.mine),
            "theirs": self.theirs.public_dict() if self.theirs else None,
            "differences": [d.to_json() for d in self.differences],
            "message": self.message,
        }


class ConflictError(DraftError):
    def __init__(self, conflict: Conflict) -> None:
        self.conflict = conflict
        super().__init__(conflict.message)


class DraftRulesError(DraftError):
    """The draft breaks a connection rule: the server would refuse it (with an unhelpful HTTP 500)."""

    def __init__(self, draft: Draft, problems: list[Problem]) -> None:
        self.draft = draft
        self.problems = problems
        listed = " ".join(p.message for p in problems if p.is_error)
        super().__init__(f"Draft “{draft.name or draft.id}” cannot be pushed: {listed}")


@dataclass(frozen=True)
class PushResult:
    draft: Draft
    connection: Connection
    action: Literal["created", "updated", "unchanged"]
    secret_sent: bool
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "draft": self.draft.summary(),
            "connection": self.connection.public_dict(),
            "secret_sent": self.secret_sent,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class PullResult:
    draft: Draft
    action: Literal["created", "updated", "unchanged", "kept_local", "conflict"]
    conflict: Conflict | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "draft": self.draft.summary(),
            "conflict": self.conflict.to_json() if self.conflict else None,
        }


def _differences(mine: Connection, theirs: Connection, base: Connection | None) -> list[FieldDifference]:
    a, b = draft_fields(mine), draft_fields(theirs)
    c = draft_fields(base) if base is not None else None
    return [
        FieldDifference(name, a[name], b[name], c[name] if c else None, c is not None)
        for name in DRAFT_FIELDS
        if a[name] != b[name]
    ]


def detect_conflict(draft: Draft, server_copy: Connection | None) -> Conflict | None:
    """A conflict when the server copy is gone or its ``update_at`` moved since the draft's origin."""
    if draft.origin is None:
        return None
    if server_copy is not None and server_copy.update_at == draft.origin.update_at:
        return None
    return _conflict_between(draft, server_copy)


def _conflict_between(draft: Draft, server_copy: Connection | None) -> Conflict:
    assert draft.origin is not None
    return Conflict(
        draft_id=draft.id,
        draft_name=draft.name,
        server_url=draft.origin.server_url,
        connection_id=draft.origin.connection_id,
        mine=draft.connection,
        theirs=server_copy,
        base=draft.snapshot,
        differences=_differences(draft.connection, server_copy, draft.snapshot) if server_copy else [],
    )


def merge_fields(conflict: Conflict, choices: Mapping[str, Side]) -> Connection:
    """The draft's fields merged with the server's: ``choices`` picks a side per differing field.

    A field without a choice takes the side that changed it (three-way, against the snapshot); when
    both sides changed it, or no snapshot is known, a choice is required (``ValueError`` lists them).
    """
    if conflict.theirs is None:
        raise DraftError(f"Nothing to merge: {conflict.message}")
    unknown = set(choices) - {d.field for d in conflict.differences}
    if unknown:
        raise ValueError(f"these fields do not differ: {', '.join(sorted(unknown))}")
    bad = {k: v for k, v in choices.items() if v not in ("mine", "theirs")}
    if bad:
        raise ValueError(f"a choice must be mine or theirs: {bad}")
    merged: dict[str, Any] = draft_fields(conflict.mine)
    theirs = draft_fields(conflict.theirs)
    undecided: list[str] = []
    for diff in conflict.differences:
        side = choices.get(diff.field) or diff.suggestion
        if side is None:
            undecided.append(diff.field)
        elif side == "theirs":
            merged[diff.field] = theirs[diff.field]
    if undecided:
        raise ValueError(f"choose mine or theirs for: {', '.join(undecided)}")
    return Connection.from_json(merged)


class DraftRepository(Protocol):
    """The drafts workspace as push and pull use it (``storage.drafts_async.AsyncDraftStore``): async, so
    no file or keyring call runs on the event loop."""

    async def save(self, draft: Draft) -> Draft: ...

    async def with_secrets(self, draft: Draft) -> Connection:
        """The draft's connection with the secrets held for it (empty when none is held)."""

    async def find_by_origin(self, server_url: str, connection_id: str) -> Draft | None: ...

    async def new_id(self) -> str: ...

    async def record_validation(self, draft: Draft, result: ValidationResult) -> Draft: ...


class DraftSync:
    """Push and pull drafts against one server (one :class:`MattermostClient`), optionally in a team."""

    def __init__(self, client: MattermostClient, store: DraftRepository, team_id: str | None = None) -> None:
        self.client = client
        self.store = store
        self.team_id = team_id

    @property
    def server_url(self) -> str:
        return canonical_server_url(self.client.base_url)

    async def server_copy(self, draft: Draft) -> Connection | None:
        """The current server copy of the draft's origin; None when it was deleted."""
        if draft.origin is None or not draft.origin.is_on(self.server_url):
            return None
        try:
            return await self.client.get_connection(draft.origin.connection_id, self.team_id)
        except NotFound:
            return None

    async def check(self, draft: Draft) -> tuple[Draft, Conflict | None]:
        """Compare with the server; a conflict is recorded on the draft (and cleared when gone)."""
        if draft.origin is None or not draft.origin.is_on(self.server_url):
            return draft, None
        conflict = detect_conflict(draft, await self.server_copy(draft))
        return await self._record(draft, conflict), conflict

    async def push(self, draft: Draft, *, force: bool = False) -> PushResult:
        """Create the connection (new draft, or another server than the origin) or update it.

        An update over a server copy changed since the snapshot raises :class:`ConflictError` (recorded
        on the draft) unless ``force``. A forced push of a connection deleted on the server creates it.
        The secret goes with a create, and with an update only when it was given since the last push
        (a secret kept from before might be older than one rotated on the server).
        """
        creating = draft.needs_secret(self.server_url)
        if not creating:
            current = await self.server_copy(draft)
            conflict = detect_conflict(draft, current)
            if conflict is not None and not force:
                await self._record(draft, conflict)
                raise ConflictError(conflict)
            if current is not None and conflict is None and draft.status is DraftStatus.IN_SYNC:
                return PushResult(draft, current, "unchanged", False)
            creating = current is None
        conn = await self.store.with_secrets(draft)
        if creating:
            conn = conn.with_changes(id="")
        elif not draft.secret_pending:
            conn = conn.with_changes(client_secret="", credentials_password="")
        problems = check_connection(conn, require_secret=creating)
        if has_errors(problems):
            raise DraftRulesError(draft, problems)

        secret_sent = bool(conn.client_secret or conn.credentials_password)
        if creating:
            if draft.interrupted_push == self.server_url:
                linked = await self._link_interrupted_create(draft)
                if linked is not None:
                    return await self._push_linked(linked, force=force)
            draft = await self.store.save(replace(draft, creating_on=self.server_url))
            try:
                saved = await self.client.create_connection(conn, self.team_id)
            except MattermostError as exc:
                if exc.status is not None and not isinstance(exc, InvalidResponse):
                    await self.store.save(replace(draft, creating_on=""))  # answered: nothing was created
                raise
            action: Literal["created", "updated", "unchanged"] = "created"
        else:
            saved = await self.client.update_connection(conn, self.team_id)
            action = "updated"
        log.info("draft %s pushed to %s: %s connection %s", draft.id, self.server_url, action, saved.id)
        warnings = [
            f"The server kept its own {name}: a field cannot be emptied by an update (patch semantics)."
            for name in _not_applied(draft.connection, saved)
        ]
        updated = await self._after_sync(draft, saved)
        return PushResult(updated, saved, action, secret_sent, warnings)

    async def _link_interrupted_create(self, draft: Draft) -> Draft | None:
        """After a push whose create may have reached the server unrecorded, the connection it created.

        Looks for a connection no other draft is linked to with the draft's client id and token URL and its
        name or audiences; links the draft to it. None when there is none (the create never arrived); a
        :class:`DraftError` naming them when several could be it.
        """
        mine = draft.connection
        candidates = []
        for conn in await self.client.list_connections(self.team_id):
            if (conn.client_id, conn.oauth_token_url) != (mine.client_id, mine.oauth_token_url):
                continue
            if conn.name != mine.name and conn.audiences != mine.audiences:
                continue
            if await self.store.find_by_origin(self.server_url, conn.id) is None:
                candidates.append(conn)
        if not candidates:
            await self.store.save(replace(draft, creating_on=""))
            return None
        if len(candidates) > 1:
            ids = ", ".join(c.id for c in candidates)
            raise DraftError(
                f"An earlier push of “{draft.name or draft.id}” to {self.server_url} was interrupted, and "
                f"{len(candidates)} connections there could be the one it created ({ids}). Delete the extra ones "
                "on the server (or delete this draft and pull the right one), then push again."
            )
        found = candidates[0]
        log.info("draft %s linked to connection %s created by an interrupted push", draft.id, found.id)
        return await self.store.save(
            replace(
                draft,
                origin=Origin(self.server_url, found.id, found.update_at),
                snapshot=_filled(found, mine),
                creating_on="",
                server=draft.server or self.server_url,
            )
        )

    async def _push_linked(self, linked: Draft, *, force: bool) -> PushResult:
        result = await self.push(linked, force=force)
        note = (
            f"An earlier push of this draft was interrupted after the server had created the connection "
            f"(id {result.connection.id}): the draft is now linked to it instead of creating a second one."
        )
        return replace(result, warnings=[note, *result.warnings])

    async def pull(self, connection_id: str, *, draft: Draft | None = None) -> PullResult:
        """Make a draft from a server connection, or refresh the draft already made from it.

        Local edits are never dropped: with edits and an unchanged server copy the draft is left as it
        is (``kept_local``); with edits and a changed server copy it is marked as a conflict.
        """
        conn = await self.client.get_connection(connection_id, self.team_id)
        existing = draft or await self.store.find_by_origin(self.server_url, connection_id)
        if existing is None:
            new = Draft(
                id=await self.store.new_id(),
                connection=conn,
                server=self.server_url,
                team=self.team_id or "",
            )
            return PullResult(await self._after_sync(new, conn), "created")
        if (
            existing.origin is None
            or not existing.origin.is_on(self.server_url)
            or (existing.origin.connection_id != conn.id)
        ):
            raise DraftError(f"Draft “{existing.name}” ({existing.id}) was not made from connection {conn.id}.")
        conflict = detect_conflict(existing, conn)
        if conflict is None:
            if existing.status is DraftStatus.CONFLICT:
                existing = await self._record(existing, None)
            return PullResult(existing, "unchanged" if existing.status is DraftStatus.IN_SYNC else "kept_local")
        local_edits = bool(existing.changed_fields) or existing.secret_pending
        if not local_edits:
            return PullResult(await self._after_sync(existing, conn, take_fields=True), "updated")
        return PullResult(await self._record(existing, conflict), "conflict", conflict)

    # -- resolving a conflict --------------------------------------------------------------------

    async def keep_mine(self, draft: Draft) -> PushResult:
        """Push the draft over the server's changes (recreating it when it was deleted)."""
        return await self.push(draft, force=True)

    async def take_theirs(self, draft: Draft) -> Draft:
        """Drop the draft's edits for the current server copy."""
        if draft.origin is None or not draft.origin.is_on(self.server_url):
            raise DraftError(f"Draft “{draft.name}” was not pulled from or pushed to {self.server_url}.")
        current = await self.server_copy(draft)
        if current is None:
            raise DraftError(
                f"Connection {draft.origin.connection_id} no longer exists on {self.server_url}: there is no "
                "server copy to take. Delete the draft, or keep yours to create the connection again."
            )
        return await self._after_sync(draft, current, take_fields=True)

    async def merge(self, draft: Draft, choices: Mapping[str, Side], *, push: bool = True) -> PushResult | Draft:
        """Merge field by field against the current server copy, then push (or only save, ``push=False``).

        The merged draft is rebased on the server copy, so the push is a normal update; if the server
        changed yet again meanwhile, that push raises a new :class:`ConflictError`.
        """
        if draft.origin is None:
            raise DraftError(f"Draft “{draft.name}” was never pulled or pushed: there is nothing to merge with.")
        current = await self.server_copy(draft)
        if current is None:
            raise DraftError(f"Nothing to merge: connection {draft.origin.connection_id} is not on {self.server_url}.")
        conflict = _conflict_between(draft, current)
        merged_fields = merge_fields(conflict, choices)
        rebased = await self.store.save(
            replace(
                draft,
                connection=merged_fields,
                origin=replace(draft.origin, update_at=current.update_at),
                snapshot=_filled(current, draft.connection),
                conflict=None,
            )
        )
        if not push:
            return rebased
        return await self.push(rebased)

    # -- export ----------------------------------------------------------------------------------

    async def export_server(self, path: Path) -> int:
        """Every connection of the server written as drafts (no secrets: the server never returns them)."""
        connections = await self.client.list_connections(self.team_id)
        return export_connections(path, connections, self.server_url)

    # -- internals -------------------------------------------------------------------------------

    async def _record(self, draft: Draft, conflict: Conflict | None) -> Draft:
        if conflict is None:
            return await self.store.save(replace(draft, conflict=None)) if draft.conflict is not None else draft
        mark = ConflictMark(conflict.theirs, now_iso())
        if draft.conflict is not None and draft.conflict.server_copy == mark.server_copy:
            return draft
        return await self.store.save(replace(draft, conflict=mark))

    async def _after_sync(self, draft: Draft, server_copy: Connection, *, take_fields: bool = False) -> Draft:
        """The draft after a push (``take_fields`` False) or a pull: rebased on ``server_copy``, no conflict,
        no pending secret. After a push, fields the server kept (it cannot empty one) are taken from it."""
        if take_fields:
            fields_ = server_copy
        else:
            kept = {name: getattr(server_copy, name) for name in _not_applied(draft.connection, server_copy)}
            fields_ = draft.connection.with_changes(**kept)
        return await self.store.save(
            replace(
                draft,
                connection=fields_,
                origin=Origin(self.server_url, server_copy.id, server_copy.update_at),
                snapshot=_filled(server_copy, fields_),
                conflict=None,
                secret_pending=False,
                creating_on="",
                server=draft.server or self.server_url,
            )
        )


def _filled(server_copy: Connection, mine: Connection) -> Connection:
    """``server_copy`` with the fields early 9.x servers blank in answers taken from ``mine``."""
    blanked = {
        name: getattr(mine, name) for name in ("client_id", "credentials_username") if not getattr(server_copy, name)
    }
    return server_copy.with_changes(**blanked) if blanked else server_copy


def _not_applied(mine: Connection, saved: Connection) -> list[str]:
    """Fields the draft emptied but the server kept (an update cannot clear a field)."""
    a, b = draft_fields(mine), draft_fields(saved)
    return [name for name in DRAFT_FIELDS if a[name] in ("", []) and b[name] not in ("", [])]


async def validate_draft(
    http: httpx.AsyncClient, store: DraftRepository, draft: Draft, *, auth: str = AuthChoice.POST.value
) -> tuple[Draft, ValidationResult]:
    """Ask the draft's token URL for a token from this computer (no server needed); keep the result."""
    result = await validate_locally(http, await store.with_secrets(draft), auth=auth)
    return await store.record_validation(draft, result), result.without_token()
