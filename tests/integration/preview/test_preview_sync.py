"""Sync over real loopback HTTP against the sandbox, and the preview built from it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import pytest
from preview_seed import SECRET, command_tokens, ids_by_name, run_sync, with_client

from mmoauth_gui.core.model import Command, Connection, Team
from mmoauth_gui.core.preview.build import Status
from mmoauth_gui.core.preview.report import WarningKind, preview_warnings
from mmoauth_gui.core.webhooks import OutgoingWebhook
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import NotAuthenticated
from mmoauth_gui.services.preview_fetch import SyncProgress, SyncResult, check_server_answers, sync

T = TypeVar("T")


def rows_by_trigger(result: SyncResult) -> dict[str, Any]:
    return {r.trigger: r for r in result.preview().rows()}


def test_admin_sync_predicts_every_case_and_the_server_agrees(sandbox: Sandbox) -> None:
    seen: list[SyncProgress] = []
    result = run_sync(sandbox, server_check=True, progress=seen.append)
    ids = ids_by_name(sandbox)

    assert {t.name for t in result.teams} == {"alpha", "beta", "gamma"}
    assert not result.team_errors and not result.connections_error and not result.unavailable
    assert len(result.connections) == 7 and len(result.commands) == 10
    assert result.server_checked and not result.server_check_error

    rows = rows_by_trigger(result)
    assert (rows["weather"].status, rows["weather"].connection_id) == (Status.LINKED, ids["Weather"])
    assert rows["forecast"].connection_id == ids["Weather"]  # another team, same URL
    assert rows["weather-slash"].status is Status.UNLINKED  # trailing slash: not the same URL
    assert rows["deploy"].connection_id == ids["CI"]  # prefix, query string included
    assert rows["hooksx"].status is Status.UNLINKED  # /hooks/* does not match the sibling /hooksX
    assert rows["legacy"].connection_id == ids["Legacy"]
    assert rows["both"].status is Status.AMBIGUOUS
    assert set(rows["both"].matches) == {ids["API all"], ids["API v1"]}
    assert rows["both"].server_connection_id == ids["API all"]  # the sandbox's rule: the oldest match
    assert rows["root"].connection_id == ids["API all"]
    assert all(r.verdict.server_known for r in rows.values())
    assert not [r for r in rows.values() if r.status is Status.MISMATCH]  # the sandbox uses the same rule

    # one request per DISTINCT URL: 9 URLs for 10 commands
    assert len(result.server_answers) == 9

    warnings = preview_warnings(result.preview())
    kinds = {(w.kind, w.connection_ids) for w in warnings}
    assert (WarningKind.UNUSED_CONNECTION, (ids["Unused"],)) in kinds
    assert (WarningKind.UNUSED_AUDIENCE, (ids["Unused"],)) in kinds
    assert (WarningKind.INSECURE_URL, (ids["Legacy"],)) in kinds
    assert any(w.kind is WarningKind.AMBIGUOUS_OVERLAP for w in warnings)

    assert seen[-1].done == seen[-1].total and seen[-1].what == "done"
    assert all(0 <= p.done <= p.total for p in seen)
    assert [p.done for p in seen] == sorted(p.done for p in seen)


def test_a_forbidden_team_is_shown_without_losing_the_others(sandbox: Sandbox) -> None:
    result = run_sync(sandbox, token=sandbox.user_token, server_check=True)
    gamma = next(t for t in result.teams if t.name == "gamma")
    beta = next(t for t in result.teams if t.name == "beta")
    assert set(result.team_errors) == {gamma.id}
    assert "HTTP 403" in result.team_errors[gamma.id] and "manage_own_slash_commands" in result.team_errors[gamma.id]
    # connections listed through a team where the user manages slash commands (no system permission)
    assert len(result.connections) == 7 and not result.connections_error
    assert {c.trigger for c in result.commands if c.team_id != beta.id} == {
        "weather",
        "weather-slash",
        "deploy",
        "hooksx",
        "legacy",
    }
    # in beta the user gets only its own command: current servers leave the others out (docs/MATTERMOST.md D.1)
    assert [c.trigger for c in result.commands if c.team_id == beta.id] == ["mine"]
    assert [r.trigger for r in result.preview(beta.id).rows()] == ["mine"]
    assert result.server_checked and not result.server_check_error


def test_a_connection_the_sync_did_not_see_shows_as_mismatch(sandbox: Sandbox) -> None:
    result = run_sync(sandbox)
    assert not result.server_checked and not result.server_answers
    newer = sandbox.state.add_connection(
        name="Added later",
        client_id="later",
        client_secret=SECRET,
        oauth_token_url=sandbox.token_url,
        audiences=["https://hooks.example.com/weather/"],
    )

    answers, error = with_client(sandbox, sandbox.admin_token, lambda c: check_server_answers(c, result.commands))
    assert not error
    row = rows_by_trigger(result.with_server_answers(answers))["weather-slash"]
    assert row.status is Status.MISMATCH and row.matches == () and row.server_connection_id == newer.id
    assert "not in the list synced from the server: sync again" in row.explanation


def test_feature_off_still_lists_commands_but_says_why(sandbox: Sandbox) -> None:
    sandbox.feature = "off"
    result = run_sync(sandbox, server_check=True)
    assert "EnableOutgoingOAuthConnections" in result.unavailable
    assert result.connections_error == result.unavailable
    assert len(result.commands) == 10 and not result.connections
    assert not result.server_checked  # no point asking the server per URL
    assert {r.status for r in result.preview().rows()} == {Status.UNLINKED}


def test_commands_disabled_in_every_team_makes_the_preview_unavailable(sandbox: Sandbox) -> None:
    sandbox.commands_enabled = False
    result = run_sync(sandbox)
    assert len(result.team_errors) == 3 and "EnableCommands" in result.unavailable
    assert len(result.connections) == 7


def test_a_refused_token_stops_the_sync(sandbox: Sandbox) -> None:
    sandbox.state.revoke_token(sandbox.user_token)
    with pytest.raises(NotAuthenticated):
        run_sync(sandbox, token=sandbox.user_token)


class CountingClient:
    """The real client, counting how many of its requests are in flight at once, and how many came back."""

    def __init__(self, inner: MattermostClient) -> None:
        self.inner = inner
        self.base_url = inner.base_url
        self.in_flight = 0
        self.peak = 0
        self.calls = 0
        self.completed = 0

    async def _count(self, awaitable: Awaitable[T]) -> T:
        self.in_flight += 1
        self.calls += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            answer = await awaitable
            self.completed += 1
            return answer
        finally:
            self.in_flight -= 1

    async def my_teams(self) -> list[Team]:
        return await self._count(self.inner.my_teams())

    async def commands(self, team_id: str) -> list[Command]:
        return await self._count(self.inner.commands(team_id))

    async def outgoing_webhooks(self, team_id: str) -> list[OutgoingWebhook]:
        return await self._count(self.inner.outgoing_webhooks(team_id))

    async def list_connections(self, team_id: str | None = None) -> list[Connection]:
        return await self._count(self.inner.list_connections(team_id))

    async def connection_for_audience(self, url: str, team_id: str | None = None) -> Connection | None:
        return await self._count(self.inner.connection_for_audience(url, team_id))


def many_teams(sb: Sandbox, teams: int, commands: int) -> None:
    for i in range(teams):
        team = sb.state.add_team(f"load{i:02d}")
        for j in range(commands):
            sb.state.add_command(team.id, f"c{j}", f"https://load.example.com/{i}/{j}")


@pytest.mark.parametrize("concurrency", [1, 4])
def test_requests_are_concurrent_and_bounded(sandbox: Sandbox, concurrency: int) -> None:
    many_teams(sandbox, teams=12, commands=3)
    sandbox.latency_ms = 30

    async def go(client: MattermostClient) -> tuple[SyncResult, CountingClient]:
        counting = CountingClient(client)
        return await sync(counting, server_check=True, concurrency=concurrency), counting

    result, counting = with_client(sandbox, sandbox.admin_token, go)
    assert len(result.teams) == 15 and len(result.commands) == 10 + 36
    assert counting.peak == concurrency
    assert counting.calls == 1 + 1 + 15 + 15 + len(result.server_answers)  # commands and webhooks per team


def test_cancelling_stops_every_request(sandbox: Sandbox) -> None:
    many_teams(sandbox, teams=6, commands=1)
    sandbox.latency_ms = 400

    async def go(client: MattermostClient) -> tuple[int, int]:
        counting = CountingClient(client)
        task = asyncio.ensure_future(sync(counting, server_check=True))
        # The teams and the connections (asked together) are in; the teams' commands are in flight, each for
        # 400 ms. With only the teams in, the connections could come back while the cancel is delivered.
        while counting.completed < 2 or counting.in_flight == 0:  # noqa: ASYNC110 - a counter, not an event
            await asyncio.sleep(0.01)
        completed_at_cancel = counting.completed
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
        return completed_at_cancel, counting.completed

    at_cancel, after = with_client(sandbox, sandbox.admin_token, go)
    assert after == at_cancel  # the requests in flight were dropped, not waited for


def test_nothing_kept_holds_a_command_token_or_secret(sandbox: Sandbox) -> None:
    result = run_sync(sandbox, server_check=True)
    text = repr(result) + repr(result.to_json()) + repr(result.preview().rows())
    tokens = command_tokens(sandbox)
    assert tokens and not [t for t in tokens if t in text]
    assert SECRET not in text and sandbox.admin_token not in text
