"""Fetch what the preview needs from a server: teams, every team's custom commands and outgoing webhooks, all
connections, and optionally the server's own answer for each distinct URL (docs/MATTERMOST.md §4, §6, §7).

Requests run concurrently under one bound. A team that fails (no permission, commands disabled) is
recorded with its message and the rest carries on; a refused token stops everything. Cancelling the
awaiting task cancels every request in flight. Commands and webhooks arrive without their token (neither
``Command`` nor ``OutgoingWebhook`` has such a field), so nothing here can keep one. A team whose webhooks
cannot be read keeps its commands; the failure is noted for that team alone.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from mmoauth_gui.core.model import Command, Connection, Team
from mmoauth_gui.core.plural import counted
from mmoauth_gui.core.preview.snapshot import SyncResult
from mmoauth_gui.core.webhooks import Integration, OutgoingWebhook
from mmoauth_gui.services.mattermost.errors import (
    FeatureUnavailable,
    MattermostError,
    NotAuthenticated,
    PermissionDenied,
    Unreachable,
)

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 32  # requests in flight at once: every team of a large server in one round trip
UNAVAILABLE = (FeatureUnavailable, Unreachable)
T = TypeVar("T")


class SyncClient(Protocol):
    """The part of ``MattermostClient`` a sync uses."""

    base_url: str

    async def my_teams(self) -> list[Team]: ...
    async def commands(self, team_id: str) -> list[Command]: ...
    async def outgoing_webhooks(self, team_id: str) -> list[OutgoingWebhook]: ...
    async def channel(self, channel_id: str) -> dict[str, Any]: ...
    async def list_connections(self, team_id: str | None = None) -> list[Connection]: ...
    async def connection_for_audience(self, url: str, team_id: str | None = None) -> Connection | None: ...


@dataclass(frozen=True)
class SyncProgress:
    done: int
    total: int
    what: str


ProgressCallback = Callable[[SyncProgress], None]


class _Run:
    """One sync's bound and progress count."""

    def __init__(self, concurrency: int, progress: ProgressCallback | None) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._limit = asyncio.Semaphore(concurrency)
        self._progress = progress
        self.done = 0
        self.total = 0

    def expect(self, n: int) -> None:
        self.total += n

    def report(self, what: str) -> None:
        if self._progress is not None:
            self._progress(SyncProgress(self.done, self.total, what))

    async def call(self, what: str, awaitable: Awaitable[T]) -> T:
        try:
            await self._limit.acquire()
        except BaseException:
            _close(awaitable)  # cancelled while waiting for its turn: the request never started
            raise
        try:
            return await awaitable
        finally:
            self._limit.release()
            self.done += 1
            self.report(what)

    def start(self, what: str, make: Callable[[], Awaitable[T]]) -> asyncio.Future[T]:
        """``call`` as a task whose request is made only when the task runs: one cancelled before leaves none."""

        async def go() -> T:
            return await self.call(what, make())

        return asyncio.ensure_future(go())


def _close(awaitable: Awaitable[Any]) -> None:
    """Close a coroutine that will never be awaited (else Python warns that it was never awaited)."""
    if inspect.iscoroutine(awaitable):
        awaitable.close()


async def _cancel(tasks: Iterable[asyncio.Future[Any]]) -> None:
    pending = [t for t in tasks if not t.done()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


async def gather_all(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Like ``asyncio.gather``, but the first error (or a cancellation) cancels the others and is raised."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        await _cancel(tasks)
        raise


async def sync(
    client: SyncClient,
    *,
    server_check: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: ProgressCallback | None = None,
) -> SyncResult:
    """Teams, every team's custom commands and all connections, concurrently; then, with ``server_check``,
    the server's answer for each distinct command URL (one request per URL).

    Raises :class:`NotAuthenticated` (the token was refused) and errors listing the teams; per-team and
    per-URL failures are recorded in the result instead.
    """
    run = _Run(concurrency, progress)
    run.expect(2)
    run.report("teams and connections")
    started = time.time()
    teams_task = run.start("teams", client.my_teams)
    conns_task = asyncio.ensure_future(_connections_without_team(run, client))
    tasks: list[asyncio.Future[Any]] = [teams_task, conns_task]
    try:
        teams = await teams_task
        run.expect(2 * len(teams))
        team_tasks = [run.start(f"commands of {t.label}", functools.partial(_team_commands, client, t)) for t in teams]
        hook_tasks = [run.start(f"webhooks of {t.label}", functools.partial(_team_webhooks, client, t)) for t in teams]
        conns_after = asyncio.ensure_future(_connections_as_member(conns_task, run, client, teams))
        tasks += [conns_after, *team_tasks, *hook_tasks]
        await asyncio.gather(conns_after, *team_tasks, *hook_tasks)
    except BaseException:
        await _cancel(tasks)
        raise
    conn_result = conns_after.result()
    team_results = [t.result() for t in team_tasks]
    hook_results = [t.result() for t in hook_tasks]
    connections, connections_failure = conn_result
    commands: list[Command] = []
    team_errors: dict[str, str] = {}
    team_notes: dict[str, str] = {}
    failures: list[MattermostError] = []
    webhooks: list[OutgoingWebhook] = []
    for team, (team_hooks, hook_failure) in zip(teams, hook_results, strict=True):
        webhooks.extend(team_hooks)
        if hook_failure is not None:
            team_notes[team.id] = f"Its outgoing webhooks could not be read: {hook_failure.user_message}"
    for team, (team_commands, failure) in zip(teams, team_results, strict=True):
        if failure is not None:
            team_errors[team.id] = failure.user_message
            failures.append(failure)
            continue
        commands.extend(team_commands)
        blank = sum(1 for c in team_commands if not c.url and not c.plugin_id and not c.delete_at)
        if blank:
            note = (
                f"{counted(blank, 'command')} came back without a URL: the account may see only its own commands' "
                "URLs (it needs manage_others_slash_commands on this team)."
            )
            team_notes[team.id] = f"{note} {team_notes[team.id]}" if team.id in team_notes else note

    channel_names = await _channel_names(client, webhooks, run)
    unavailable = ""
    if isinstance(connections_failure, UNAVAILABLE):
        unavailable = connections_failure.user_message
    elif teams and len(failures) == len(teams) and all(isinstance(f, UNAVAILABLE) for f in failures):
        unavailable = failures[0].user_message
    result = SyncResult(
        server_url=client.base_url,
        fetched_at=started,
        teams=tuple(teams),
        commands=tuple(commands),
        connections=tuple(connections),
        webhooks=tuple(webhooks),
        channel_names=channel_names,
        team_errors=team_errors,
        team_notes=team_notes,
        connections_error=connections_failure.user_message if connections_failure else "",
        unavailable=unavailable,
    )
    if server_check and not unavailable:
        answers, error = await _server_answers(client, result.integrations(), run)
        result = result.with_server_answers(answers, error)
    run.report("done")
    return result


async def check_server_answers(
    client: SyncClient,
    commands: Iterable[Integration],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: ProgressCallback | None = None,
) -> tuple[dict[str, str | None], str]:
    """The server's ``?audience=`` answer for each distinct URL of ``commands`` (url → connection id or
    None), and the message of the first failure (those URLs stay unanswered)."""
    return await _server_answers(client, list(commands), _Run(concurrency, progress))


async def _team_commands(client: SyncClient, team: Team) -> tuple[list[Command], MattermostError | None]:
    try:
        return await client.commands(team.id), None
    except NotAuthenticated:
        raise
    except MattermostError as exc:
        log.info("commands of team %s: %s", team.id, type(exc).__name__)
        return [], exc


async def _team_webhooks(client: SyncClient, team: Team) -> tuple[list[OutgoingWebhook], MattermostError | None]:
    try:
        return await client.outgoing_webhooks(team.id), None
    except NotAuthenticated:
        raise
    except MattermostError as exc:
        log.info("outgoing webhooks of team %s: %s", team.id, type(exc).__name__)
        return [], exc


async def _channel_names(client: SyncClient, hooks: list[OutgoingWebhook], run: _Run) -> dict[str, str]:
    """The names of the channels webhooks are bound to; one that cannot be read keeps its id."""
    ids = sorted({h.channel_id for h in hooks if h.channel_id})
    run.expect(len(ids))

    async def one(channel_id: str) -> tuple[str, str]:
        try:
            found = await run.call("webhook channels", client.channel(channel_id))
        except NotAuthenticated:
            raise
        except MattermostError:
            return channel_id, ""
        name = found.get("name")
        return channel_id, name if isinstance(name, str) else ""

    return {cid: name for cid, name in await gather_all(one(c) for c in ids) if name}


async def _connections_without_team(run: _Run, client: SyncClient) -> tuple[list[Connection], MattermostError | None]:
    try:
        return await run.call("connections", client.list_connections()), None
    except NotAuthenticated:
        raise
    except MattermostError as exc:
        return [], exc


async def _connections_as_member(
    first: Awaitable[tuple[list[Connection], MattermostError | None]],
    run: _Run,
    client: SyncClient,
    teams: list[Team],
) -> tuple[list[Connection], MattermostError | None]:
    """Listing without a team needs the system permission; a team admin may list with a team's id."""
    connections, failure = await first
    if not isinstance(failure, PermissionDenied):
        return connections, failure
    for team in teams:
        run.expect(1)
        try:
            return await run.call(f"connections (as a member of {team.label})", client.list_connections(team.id)), None
        except NotAuthenticated:
            raise
        except PermissionDenied:
            continue
        except MattermostError as exc:
            return [], exc
    return [], failure


async def _server_answers(
    client: SyncClient, commands: list[Integration], run: _Run
) -> tuple[dict[str, str | None], str]:
    team_of: dict[str, str] = {}
    for cmd in commands:
        if cmd.goes_through_url:
            team_of.setdefault(cmd.url, cmd.team_id)
    run.expect(len(team_of))
    run.report("the server's answer per URL")
    errors: list[MattermostError] = []

    async def ask(url: str, team_id: str) -> tuple[str, Connection | None, bool]:
        try:
            answer = await run.call("the server's answer per URL", client.connection_for_audience(url, team_id))
        except NotAuthenticated:
            raise
        except MattermostError as exc:
            errors.append(exc)
            return url, None, False
        return url, answer, True

    found = await gather_all(ask(url, team) for url, team in team_of.items())
    answers = {url: (conn.id if conn else None) for url, conn, ok in found if ok}
    error = ""
    if errors:
        error = f"{len(errors)} of {counted(len(team_of), 'URL')} could not be checked: {errors[0].user_message}"
    return answers, error
