"""Plan and apply a connections file over the REST client (issue: connections as code).

``load_state`` reads the server's connections (all of them, or it fails) and the commands the routing
impact needs. ``apply_plan`` re-reads the connections and refuses when they changed since the plan, then
runs the plan's steps in order (creates, updates, deletes) through the client's create / update (the
server's patch semantics: an update sends a secret only when it is rotated) / delete, stopping at the
first failure. Secrets arrive as values resolved by the caller and are sent, never kept or logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from mmoauth_gui.core.config.document import ConfigDocument, SecretRef
from mmoauth_gui.core.config.plan import Action, Change, Plan, build_plan, server_fingerprint
from mmoauth_gui.core.model import Command, Connection, Team
from mmoauth_gui.core.webhooks import Integration, OutgoingWebhook
from mmoauth_gui.services.mattermost.errors import MattermostError
from mmoauth_gui.services.preview_fetch import sync

log = logging.getLogger(__name__)


class ConfigClient(Protocol):
    """The part of ``MattermostClient`` planning and applying use."""

    base_url: str

    async def my_teams(self) -> list[Team]: ...
    async def commands(self, team_id: str) -> list[Command]: ...
    async def outgoing_webhooks(self, team_id: str) -> list[OutgoingWebhook]: ...
    async def channel(self, channel_id: str) -> dict[str, Any]: ...
    async def list_connections(self, team_id: str | None = None) -> list[Connection]: ...
    async def connection_for_audience(self, url: str, team_id: str | None = None) -> Connection | None: ...
    async def create_connection(self, conn: Connection, team_id: str | None = None) -> Connection: ...
    async def update_connection(self, conn: Connection, team_id: str | None = None) -> Connection: ...
    async def delete_connection(self, connection_id: str) -> None: ...


class VersionRecord(Protocol):
    """Where the secret versions applied are kept (``storage.config_record.AppliedRecord``)."""

    def versions(self, server_url: str) -> dict[str, int]: ...
    def record(self, server_url: str, connection_id: str, name: str, secret_version: int) -> None: ...
    def forget(self, server_url: str, connection_id: str) -> None: ...


@dataclass(frozen=True)
class ServerState:
    connections: tuple[Connection, ...]
    commands: tuple[Integration, ...]  # slash commands and webhook callbacks
    notes: tuple[str, ...] = ()


async def load_state(client: ConfigClient) -> ServerState:
    """Every connection (a failure raises its typed error) and every readable team's commands."""
    connections = await client.list_connections()
    notes: list[str] = []
    commands: tuple[Integration, ...] = ()
    try:
        result = await sync(client)
    except MattermostError as exc:
        notes.append(f"The slash commands could not be read ({exc.user_message}): the impact shown is incomplete.")
    else:
        commands = tuple(result.integrations())
        for team_id, message in result.team_errors.items():
            notes.append(f"Commands of team {result.team_label(team_id)} not read ({message}): impact incomplete.")
    return ServerState(tuple(connections), commands, tuple(notes))


async def make_plan(
    client: ConfigClient, document: ConfigDocument, record: VersionRecord, *, prune: bool = False
) -> Plan:
    state = await load_state(client)
    plan = build_plan(document, state.connections, state.commands, record.versions(client.base_url), prune=prune)
    if state.notes:
        plan = Plan(plan.changes, plan.unmanaged, plan.problems, plan.fingerprint, plan.notes + state.notes)
    return plan


class SecretField(StrEnum):
    CLIENT_SECRET = "client_secret"
    PASSWORD = "credentials_password"


@dataclass(frozen=True)
class NeededSecret:
    change: Change
    field: SecretField
    ref: SecretRef


def needed_secrets(plan: Plan) -> list[NeededSecret]:
    """The secrets the plan sends: on every create, and on every update whose secret version rose."""
    out = []
    for change in plan.changes:
        entry = change.entry
        if entry is None or not change.secret:
            continue
        if entry.client_secret is not None:
            out.append(NeededSecret(change, SecretField.CLIENT_SECRET, entry.client_secret))
        if entry.uses_password_grant and entry.credentials_password is not None:
            out.append(NeededSecret(change, SecretField.PASSWORD, entry.credentials_password))
    return out


SecretValues = Mapping[tuple[str, SecretField], str]  # (change key, field) → the value


class StepState(StrEnum):
    APPLIED = "applied"
    FAILED = "failed"
    NOT_APPLIED = "not_applied"


@dataclass(frozen=True)
class StepResult:
    change: Change
    state: StepState
    connection_id: str = ""
    message: str = ""

    def to_json(self) -> dict[str, str]:
        out = {"action": self.change.action.value, "name": self.change.name, "state": self.state.value}
        if self.connection_id:
            out["id"] = self.connection_id
        if self.message:
            out["message"] = self.message
        return out


@dataclass
class ApplyReport:
    steps: list[StepResult] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.cancelled and all(s.state is StepState.APPLIED for s in self.steps)

    @property
    def failure(self) -> StepResult | None:
        return next((s for s in self.steps if s.state is StepState.FAILED), None)

    def of(self, state: StepState) -> list[StepResult]:
        return [s for s in self.steps if s.state is state]

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "cancelled": self.cancelled, "steps": [s.to_json() for s in self.steps]}


class PlanOutdated(Exception):
    """The server's connections changed since the plan was made: plan again."""

    def __init__(self) -> None:
        super().__init__(
            "The server's connections changed since this plan was made: nothing was applied. Plan again and "
            "review the new plan."
        )


Progress = Callable[[int, int, Change], None]


async def apply_plan(
    client: ConfigClient,
    plan: Plan,
    secrets: SecretValues,
    record: VersionRecord,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ApplyReport:
    """Apply ``plan``'s steps in order; stop at the first failure (or when ``should_stop`` says so between
    steps). Raises :class:`PlanOutdated` before any step when the server changed since the plan."""
    if plan.problems:
        raise ValueError("a plan with problems cannot be applied")
    current = await client.list_connections()
    if server_fingerprint(current) != plan.fingerprint:
        raise PlanOutdated()
    report = ApplyReport()
    total = len(plan.changes)
    stopped = False
    for n, change in enumerate(plan.changes):
        if stopped or (should_stop is not None and should_stop()):
            report.cancelled = report.cancelled or not stopped
            stopped = True
            report.steps.append(StepResult(change, StepState.NOT_APPLIED))
            continue
        if progress is not None:
            progress(n, total, change)
        try:
            connection_id = await _apply_one(client, change, secrets)
        except MattermostError as exc:
            log.info("config apply: %s %s failed: %s", change.action.value, change.name, type(exc).__name__)
            report.steps.append(StepResult(change, StepState.FAILED, change.id, exc.user_message))
            stopped = True
            continue
        report.steps.append(StepResult(change, StepState.APPLIED, connection_id))
        if change.action is Action.DELETE:
            record.forget(client.base_url, change.id)
        elif change.secret and change.entry is not None:
            record.record(client.base_url, connection_id, change.name, change.entry.secret_version)
    return report


async def _apply_one(client: ConfigClient, change: Change, secrets: SecretValues) -> str:
    if change.action is Action.DELETE:
        await client.delete_connection(change.id)
        return change.id
    target = change.target()
    if target is None:
        raise ValueError(f"{change.action.value} of {change.name!r} has no target")
    secret = secrets.get((change.key, SecretField.CLIENT_SECRET), "") if change.secret else ""
    password = secrets.get((change.key, SecretField.PASSWORD), "") if change.secret else ""
    target = target.with_changes(client_secret=secret, credentials_password=password)
    if change.action is Action.CREATE:
        return (await client.create_connection(target)).id
    return (await client.update_connection(target)).id
