"""Mattermost faults through the REST client and the sync, beyond tests/integration/client: a token that stops
working part-way through a session, 500s whose detailed_error must reach the person, gateways, malformed JSON,
and slow answers that a person cancels.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from hardening_support import ExpiringToken, Loopback, LoopbackServers, no_leaked_tasks

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import (
    InvalidResponse,
    MattermostError,
    NotAuthenticated,
    ServerError,
)
from mmoauth_gui.services.preview_fetch import sync

ExpireToken = Callable[[Sandbox, str, int], ExpiringToken]
SIGN_IN_AGAIN = "Sign in again"


def with_client(url: str, token: str, scenario: Callable[[MattermostClient], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        async with httpx.AsyncClient(timeout=10.0) as http:
            return await scenario(MattermostClient(url, token, http))

    try:
        return asyncio.run(main())
    finally:
        gc.collect()  # a coroutine never awaited warns when collected: here, inside this test


def failure(url: str, token: str, call: Callable[[MattermostClient], Awaitable[Any]]) -> MattermostError:
    async def scenario(client: MattermostClient) -> MattermostError:
        try:
            await call(client)
        except MattermostError as exc:
            return exc
        raise AssertionError("no MattermostError raised")

    error: MattermostError = with_client(url, token, scenario)
    return error


def assert_secret_free(error: MattermostError, *secrets: str) -> None:
    text = f"{error} {error!r} {error.user_message} {error.args}"
    for secret in secrets:
        assert secret not in text


def new_connection(sb: Sandbox, name: str = "Mid-session") -> Connection:
    creds = sb.demo_clients[0]
    return Connection(
        name=name,
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
        oauth_token_url=sb.token_url,
        audiences=("https://mid-session.example.com/*",),
    )


# ---- a token that expires mid-session ------------------------------------------------------------------------


def test_every_call_after_the_session_expires_asks_to_sign_in_again(
    sandbox: Sandbox, expire_token: ExpireToken
) -> None:
    token = sandbox.admin_token
    secret = sandbox.demo_clients[0]["client_secret"]
    team_id = sandbox.state.teams()[0].id
    expiring = expire_token(sandbox, token, 3)

    async def scenario(client: MattermostClient) -> tuple[list[MattermostError], str, str]:
        await client.me()
        existing = await client.list_connections()
        created = await client.create_connection(new_connection(sandbox))
        assert expiring.left == 0 and not expiring.expired
        calls: list[Awaitable[Any]] = [
            client.list_connections(),
            client.get_connection(created.id),
            client.create_connection(new_connection(sandbox, "Second")),
            client.update_connection(created.with_changes(name="Renamed", client_secret="n3w-s3cret-value")),
            client.validate_connection(created),
            client.delete_connection(existing[0].id),
            client.commands(team_id),
            client.my_teams(),
        ]
        errors = []
        for call in calls:
            try:
                await call
            except MattermostError as exc:
                errors.append(exc)
        return errors, created.id, existing[0].id

    errors, created_id, existing_id = with_client(sandbox.url, token, scenario)
    assert len(errors) == 8 and expiring.expired
    for error in errors:
        assert type(error) is NotAuthenticated and error.status == 401
        assert SIGN_IN_AGAIN in error.user_message and error.operation in error.user_message
        assert_secret_free(error, token, secret, "n3w-s3cret-value")
    created = sandbox.state.connection(created_id)  # nothing was written after the session expired
    assert created is not None and created.name == "Mid-session" and created.client_secret == secret
    assert sandbox.state.connection(existing_id) is not None
    assert not [c for c in sandbox.state.connections() if c.name == "Second"]


def test_a_session_expiring_during_a_sync_stops_it_without_leaving_requests_behind(
    sandbox: Sandbox, expire_token: ExpireToken
) -> None:
    for i in range(6):
        team = sandbox.state.add_team(f"extra{i}")
        sandbox.state.add_command(team.id, f"cmd{i}", f"https://extra.example.com/{i}")
    sandbox.latency_ms = 40
    expiring = expire_token(sandbox, sandbox.admin_token, 4)  # teams, connections, then a few teams' commands

    async def scenario(client: MattermostClient) -> str:
        with no_leaked_tasks():
            with pytest.raises(NotAuthenticated) as caught:
                await sync(client, server_check=True, concurrency=2)
        return caught.value.user_message  # not the error: its traceback would keep the sync's frames alive

    message = with_client(sandbox.url, sandbox.admin_token, scenario)
    assert expiring.expired
    assert SIGN_IN_AGAIN in message and "slash commands" in message and sandbox.admin_token not in message


# ---- 500 with detailed_error, gateways, malformed JSON -----------------------------------------------------


def test_a_500_outside_the_rules_shows_the_servers_detailed_error(loopback: LoopbackServers) -> None:
    detail = "pq: could not serialize access due to concurrent update"
    body = {
        "id": "app.outgoing_oauth_connection.list.app_error",
        "message": "We could not list the connections.",
        "detailed_error": detail,
        "request_id": "r1",
        "status_code": 500,
    }
    server = loopback(lambda m, p, q: (500, body, {}))
    error = failure(server.url, "tok-500", lambda c: c.list_connections())
    assert type(error) is ServerError and error.status == 500
    assert error.detailed_error == detail
    assert f"Server detail: {detail}." in error.user_message
    assert "We could not list the connections" in error.user_message and "try again later" in error.user_message


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (502, b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>", "text/html"),
        (503, b"", "text/plain"),
        (503, {"id": "api.server.maintenance", "message": "Down for maintenance", "status_code": 503}, ""),
        (504, b"upstream request timeout", "text/plain"),
    ],
)
def test_gateway_errors_say_the_server_had_a_problem(
    loopback: LoopbackServers, status: int, body: Any, content_type: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    server = loopback(lambda m, p, q: (status, body, headers))
    for call in (lambda c: c.list_connections(), lambda c: c.ping(), lambda c: c.me()):
        error = failure(server.url, "tok-gw", call)
        assert type(error) is ServerError and error.status == status
        assert f"(HTTP {status})" in error.user_message and "try again later" in error.user_message
        assert "<html>" not in error.user_message


@pytest.mark.parametrize(
    "raw",
    [
        b'{"id": "api.context.session_expired.app_error", "message": "Invalid or exp',  # cut off
        b"\xff\xfe{not utf-8 at all",
        b"[" * 100_000 + b"]" * 100_000,  # nested deeper than any parser's stack
        b'{"id": 5, "message": ["not", "text"], "detailed_error": {"x": 1}, "status_code": "401"}',
        b"null",
    ],
)
def test_malformed_error_bodies_keep_the_status_meaning(loopback: LoopbackServers, raw: bytes) -> None:
    server = loopback(lambda m, p, q: (401, raw, {}))
    error = failure(server.url, "tok-malformed", lambda c: c.list_connections())
    assert type(error) is NotAuthenticated and error.status == 401
    assert SIGN_IN_AGAIN in error.user_message
    assert error.detailed_error == "" and len(error.user_message) < 400


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (b'[{"id": "abc", "name": "cut', "application/json"),
        (b"\x00\x01\x02 binary", "application/octet-stream"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (b"NaN", "application/json"),
        (b'"a string"', "application/json"),
        (b"<!doctype html><title>Sign in</title>", "text/html; charset=utf-8"),
    ],
)
def test_malformed_success_bodies_are_an_invalid_response(
    loopback: LoopbackServers, raw: bytes, content_type: str
) -> None:
    server = loopback(lambda m, p, q: (200, raw, {"Content-Type": content_type}))
    calls: list[Callable[[MattermostClient], Awaitable[Any]]] = [
        lambda c: c.list_connections(),
        lambda c: c.ping(),
        lambda c: c.me(),
        lambda c: c.my_teams(),
        lambda c: c.commands("t" * 26),
        lambda c: c.get_connection("c" * 26),
    ]
    for call in calls:
        error = failure(server.url, "tok-bad-json", call)
        assert type(error) is InvalidResponse and error.status == 200
        assert "Mattermost server's address" in error.user_message


def test_a_malformed_answer_to_the_audience_question_is_not_taken_for_no_connection(loopback: LoopbackServers) -> None:
    server = loopback(lambda m, p, q: (200, b'[{"id": "trunc', {}))
    error = failure(server.url, "tok", lambda c: c.connection_for_audience("https://a.example.com/x", "t1"))
    assert type(error) is InvalidResponse


def test_a_sync_keeps_each_teams_failure_with_the_servers_words(loopback: LoopbackServers) -> None:
    """One team's commands answer 500 with a detailed_error, another's are not JSON, the connections 503:
    the sync still returns, each failure kept with what the server said and what to do."""
    teams = [
        {"id": f"{n}" * 26, "name": name, "display_name": name.title()}
        for n, name in ((1, "ok"), (2, "db"), (3, "proxy"))
    ]
    detail = "pq: canceling statement due to statement timeout"

    def server(method: str, path: str, query: dict[str, str]) -> Any:
        if path.endswith("/users/me/teams"):
            return 200, teams, {}
        if path.endswith("/commands"):
            team = query.get("team_id", "")
            if team.startswith("2"):
                return (
                    500,
                    {
                        "id": "app.command.list.app_error",
                        "message": "Unable to list commands.",
                        "detailed_error": detail,
                        "status_code": 500,
                    },
                    {},
                )
            if team.startswith("3"):
                return 200, b"<html>proxy login</html>", {"Content-Type": "text/html"}
            return (
                200,
                [
                    {
                        "id": "c" * 26,
                        "team_id": team,
                        "trigger": "w",
                        "url": "https://w.example.com/x",
                        "token": "cmd-t0ken-never-kept",
                    }
                ],
                {},
            )
        if path.endswith("/outgoing_connections"):
            return 503, b"", {}
        return 404, {"id": "api.context.404.app_error"}, {}

    server_record = loopback(server)

    async def scenario(client: MattermostClient) -> Any:
        with no_leaked_tasks():
            return await sync(client, server_check=True)

    result = with_client(server_record.url, "tok-sync", scenario)
    assert [c.trigger for c in result.commands] == ["w"]
    assert f"Server detail: {detail}." in result.team_errors["2" * 26]
    assert "Unable to list commands" in result.team_errors["2" * 26]
    assert "not JSON" in result.team_errors["3" * 26] and "Mattermost server's address" in result.team_errors["3" * 26]
    assert "HTTP 503" in result.connections_error and "try again later" in result.connections_error
    assert "cmd-t0ken-never-kept" not in repr(result) + repr(result.to_json())


# ---- slow answers can be cancelled --------------------------------------------------------------------------


SLOW_MS = 5_000  # how long the sandbox takes to answer in these tests
PROMPT_S = 2.0  # a cancel that waited for an answer would take most of SLOW_MS; one that did not, milliseconds


def cancel_after(delay: float, make: Callable[[], Awaitable[Any]]) -> float:
    """Start ``make()`` as a task, cancel it after ``delay`` seconds; how long the cancellation took."""

    async def main() -> float:
        with no_leaked_tasks():
            task = asyncio.ensure_future(make())
            await asyncio.sleep(delay)
            assert not task.done(), "the slow call finished before it could be cancelled"
            started = time.perf_counter()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            took = time.perf_counter() - started
        return took

    try:
        return asyncio.run(main())
    finally:
        gc.collect()


@pytest.mark.parametrize("what", ["list", "create", "validate", "login", "audience", "commands"])
def test_a_slow_server_call_is_cancelled_promptly(sandbox: Sandbox, what: str) -> None:
    sandbox.latency_ms = SLOW_MS
    team_id = sandbox.state.teams()[0].id
    holder: list[httpx.AsyncClient] = []

    async def slow_call() -> Any:
        async with httpx.AsyncClient(timeout=30.0) as http:
            holder.append(http)
            client = MattermostClient(sandbox.url, sandbox.admin_token, http)
            calls: dict[str, Callable[[], Awaitable[Any]]] = {
                "list": client.list_connections,
                "create": lambda: client.create_connection(new_connection(sandbox)),
                "validate": lambda: client.validate_connection(new_connection(sandbox)),
                "login": lambda: MattermostClient.login(sandbox.url, "sysadmin", "x", "", http),
                "audience": lambda: client.connection_for_audience("https://a.example.com/x", team_id),
                "commands": lambda: client.commands(team_id),
            }
            return await calls[what]()

    assert cancel_after(0.3, slow_call) < PROMPT_S
    assert holder and holder[0].is_closed


@pytest.mark.parametrize("concurrency", [1, 32])
def test_a_slow_sync_is_cancelled_promptly(sandbox: Sandbox, concurrency: int) -> None:
    """With a bound of 1, requests wait for their turn when the cancellation comes: none may be left unawaited."""
    sandbox.latency_ms = SLOW_MS

    async def slow_sync() -> Any:
        async with httpx.AsyncClient(timeout=30.0) as http:
            client = MattermostClient(sandbox.url, sandbox.admin_token, http)
            return await sync(client, server_check=True, concurrency=concurrency)

    assert cancel_after(0.4, slow_sync) < PROMPT_S


def test_a_server_that_never_answers_is_cancelled_promptly(silent_server: Loopback) -> None:
    async def hung() -> Any:
        async with httpx.AsyncClient(timeout=60.0) as http:
            return await MattermostClient(silent_server.url, "tok", http).list_connections()

    assert cancel_after(0.3, hung) < PROMPT_S


@pytest.fixture
def silent_server() -> Any:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield Loopback(url=f"http://127.0.0.1:{sock.getsockname()[1]}")
    sock.close()
