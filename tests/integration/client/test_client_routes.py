"""MattermostClient against the sandbox over loopback HTTP: every route, paging, patch semantics."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from support.sandboxes import add_password_grant_connection

from mmoauth_gui.core.model import Connection
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient, ServerInfo
from mmoauth_gui.services.mattermost.errors import (
    BadRequest,
    MfaRequired,
    NotAuthenticated,
    NotFound,
    ServerError,
)


def run(factory: Callable[[MattermostClient], Coroutine[Any, Any, Any]], url: str, token: str, **http: Any) -> Any:
    """Run ``factory(client)`` on a fresh event loop with its own HTTP client, closed afterwards."""

    async def main() -> Any:
        async with httpx.AsyncClient(timeout=10.0, **http) as client:
            return await factory(MattermostClient(url, token, client))

    return asyncio.run(main())


def demo_client(sb: Any) -> dict[str, str]:
    return sb.demo_clients[0]


def new_connection(sb: Any, name: str, **changes: Any) -> Connection:
    creds = demo_client(sb)
    base = Connection(
        name=name,
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
        oauth_token_url=sb.token_url,
        audiences=(f"https://{name.lower().replace(' ', '-')}.example.com/hook",),
    )
    return base.with_changes(**changes)


def test_ping_reads_version_from_header(sandbox: Any) -> None:
    info = run(lambda c: c.ping(), sandbox.url, sandbox.admin_token)
    assert isinstance(info, ServerInfo)
    assert info.status == "OK"
    assert info.version_id == sandbox.state.version_id
    assert info.version == ".".join(sandbox.state.version_id.split(".")[:3])
    assert info.version_tuple >= (9, 6)


def test_base_url_with_trailing_api_path_is_normalised(sandbox: Any) -> None:
    info = run(lambda c: c.ping(), sandbox.url + "/api/v4/", sandbox.admin_token)
    assert info.status == "OK"


def test_me_teams_and_team_by_name(sandbox: Any) -> None:
    async def scenario(c: MattermostClient) -> Any:
        return await c.me(), await c.my_teams(), await c.team_by_name("engineering")

    me, teams, team = run(scenario, sandbox.url, sandbox.admin_token)
    assert me.id and me.username and me.is_system_admin
    names = {t.name for t in teams}
    assert {"engineering", "support", "marketing"} <= names
    assert team.name == "engineering" and team.id == next(t.id for t in teams if t.name == "engineering")

    user, user_teams = run(lambda c: asyncio.gather(c.me(), c.my_teams()), sandbox.url, sandbox.user_token)
    assert not user.is_system_admin
    assert "marketing" not in {t.name for t in user_teams}


def test_team_by_name_unknown_is_not_found(sandbox: Any) -> None:
    with pytest.raises(NotFound) as caught:
        run(lambda c: c.team_by_name("no-such-team"), sandbox.url, sandbox.admin_token)
    assert caught.value.status == 404


def test_login_returns_a_working_session_token(sandbox: Any) -> None:
    sandbox.state.add_user("carol", "carol-password-1")
    sandbox.state.add_user("dave", "dave-password-1", mfa_code="123456")

    async def scenario(c: httpx.AsyncClient) -> Any:
        token = await MattermostClient.login(sandbox.url, "carol", "carol-password-1", "", c)
        me = await MattermostClient(sandbox.url, token, c).me()
        with pytest.raises(NotAuthenticated) as wrong:
            await MattermostClient.login(sandbox.url, "carol", "wrong-password", "", c)
        with pytest.raises(MfaRequired) as no_code:
            await MattermostClient.login(sandbox.url, "dave", "dave-password-1", "", c)
        mfa_token = await MattermostClient.login(sandbox.url, "dave", "dave-password-1", "123456", c)
        return token, me, wrong.value, no_code.value, mfa_token

    async def main() -> Any:
        async with httpx.AsyncClient(timeout=10.0) as c:
            return await scenario(c)

    token, me, wrong, no_code, mfa_token = asyncio.run(main())
    assert token and me.username == "carol"
    assert "carol-password-1" not in str(wrong) and "wrong-password" not in repr(wrong)
    assert "MFA" in no_code.user_message
    assert mfa_token and mfa_token != token


def test_list_returns_every_connection_of_the_demo(sandbox: Any) -> None:
    conns = run(lambda c: c.list_connections(), sandbox.url, sandbox.admin_token)
    assert {c.id for c in conns} == {c.id for c in sandbox.state.connections()}
    assert all(c.client_secret == "" and c.credentials_password == "" for c in conns)


def test_paging_goes_past_the_servers_default_of_ten(empty_sandbox: Any) -> None:
    sb = empty_sandbox
    creds = demo_client(sb)
    for i in range(230):
        sb.state.add_connection(
            f"conn {i:03d}", creds["client_id"], "s", sb.token_url, [f"https://svc{i}.example.com/x"]
        )
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    conns = run(lambda c: c.list_connections(), sb.url, sb.admin_token, event_hooks={"request": [record]})
    assert len(conns) == 230
    assert sorted(c.id for c in conns) == sorted(c.id for c in sb.state.connections())
    queries = [parse_qs(urlsplit(str(r.url)).query) for r in sent]
    assert len(queries) == 3
    assert all(q["limit"] == ["100"] for q in queries)
    assert "from_id" not in queries[0]
    ordered = sorted(c.id for c in conns)
    assert queries[1]["from_id"] == [ordered[99]]
    assert queries[2]["from_id"] == [ordered[199]]


def test_list_with_a_team_sends_team_id_and_lets_a_team_integrator_list(sandbox: Any) -> None:
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    async def scenario(c: MattermostClient) -> list[Connection]:
        team = await c.team_by_name("engineering")
        return await c.list_connections(team.id)

    conns = run(scenario, sandbox.url, sandbox.user_token, event_hooks={"request": [record]})
    assert len(conns) == len(sandbox.state.connections())
    engineering = sandbox.state.team_by_name("engineering")
    assert parse_qs(urlsplit(str(sent[-1].url)).query)["team_id"] == [engineering.id]


def test_create_get_update_delete_round_trip(empty_sandbox: Any) -> None:
    sb = empty_sandbox
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    async def scenario(c: MattermostClient) -> Any:
        draft = new_connection(sb, "Round Trip", id="ignoredclientsideid0000000")
        created = await c.create_connection(draft)
        fetched = await c.get_connection(created.id)
        renamed = await c.update_connection(
            fetched.with_changes(name="Round Trip 2", audiences=["https://b.example.com/*"])
        )
        await c.delete_connection(created.id)
        with pytest.raises(NotFound):
            await c.get_connection(created.id)
        return created, fetched, renamed

    created, fetched, renamed = run(scenario, sb.url, sb.admin_token, event_hooks={"request": [record]})
    assert created.id and created.id != "ignoredclientsideid0000000"
    assert created.name == "Round Trip" and created.client_secret == ""
    assert fetched == created
    assert renamed.name == "Round Trip 2" and renamed.audiences == ("https://b.example.com/*",)
    assert renamed.update_at >= created.update_at
    assert sb.state.connection(created.id) is None
    post = next(r for r in sent if r.method == "POST")
    assert b'"id"' not in post.content
    delete = next(r for r in sent if r.method == "DELETE")
    assert "team_id" not in str(delete.url)


def test_create_and_update_send_team_id_like_the_js_client(sandbox: Any) -> None:
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    team_id = sandbox.state.team_by_name("engineering").id

    async def scenario(c: MattermostClient) -> None:
        created = await c.create_connection(new_connection(sandbox, "Team Scoped"), team_id)
        await c.get_connection(created.id, team_id)
        await c.update_connection(created.with_changes(name="Team Scoped 2"), team_id)
        await c.validate_connection(created, team_id)
        await c.delete_connection(created.id)

    run(scenario, sandbox.url, sandbox.admin_token, event_hooks={"request": [record]})
    by_method = [(r.method, parse_qs(urlsplit(str(r.url)).query).get("team_id")) for r in sent]
    assert by_method == [
        ("POST", [team_id]),
        ("GET", [team_id]),
        ("PUT", [team_id]),
        ("POST", [team_id]),
        ("DELETE", None),
    ]


def test_update_with_empty_secret_keeps_the_stored_secret(empty_sandbox: Any) -> None:
    sb = empty_sandbox
    creds = demo_client(sb)

    async def scenario(c: MattermostClient) -> Any:
        created = await c.create_connection(new_connection(sb, "Keeper"))
        # what the server gave back has no secret: updating it sends client_secret ""
        assert created.client_secret == ""
        updated = await c.update_connection(created.with_changes(name="Keeper renamed"))
        # validation with the id and no secret uses the stored one: the token endpoint accepts it
        await c.validate_connection(updated)
        return updated

    updated = run(scenario, sb.url, sb.admin_token)
    assert updated.name == "Keeper renamed"
    assert sb.state.connection(updated.id).client_secret == creds["client_secret"]


def test_rename_of_a_stored_password_grant_connection_needs_no_retyping(empty_sandbox: Any) -> None:
    sb = empty_sandbox
    user = sb.demo_user
    portal = sb.demo_client("legacy-portal")
    add_password_grant_connection(sb, "Portal", "https://portal.example.com/hook")

    async def scenario(c: MattermostClient) -> Any:
        (listed,) = await c.list_connections()
        # as read from the server: no secret, no password, the username kept
        assert listed.client_secret == "" and listed.credentials_password == ""
        return await c.update_connection(listed.with_changes(name="Portal renamed"))

    renamed = run(scenario, sb.url, sb.admin_token)
    stored = sb.state.connection(renamed.id)
    assert stored.name == "Portal renamed"
    assert (stored.credentials_username, stored.credentials_password) == (user["username"], user["password"])
    assert stored.client_secret == portal.client_secret


def test_update_with_a_new_secret_replaces_it(empty_sandbox: Any) -> None:
    sb = empty_sandbox
    sb.errors = "developer"  # the token endpoint's refusal is read from detailed_error

    async def scenario(c: MattermostClient) -> Any:
        created = await c.create_connection(new_connection(sb, "Rotated"))
        await c.update_connection(created.with_changes(client_secret="a-wrong-secret"))
        with pytest.raises(BadRequest) as refused:
            await c.validate_connection(created)
        return created, refused.value

    created, refused = run(scenario, sb.url, sb.admin_token)
    assert sb.state.connection(created.id).client_secret == "a-wrong-secret"
    assert refused.status == 400
    assert "invalid_client" in refused.detailed_error
    assert "a-wrong-secret" not in str(refused) and "a-wrong-secret" not in repr(refused)


def test_validate_stored_and_posted_configurations(sandbox: Any) -> None:
    stored = {c.name: c for c in sandbox.state.connections()}
    creds = demo_client(sandbox)

    async def scenario(c: MattermostClient) -> Any:
        ok_stored = await c.validate_connection(Connection.from_json(stored["CI Hooks"].public_dict()))
        ok_posted = await c.validate_connection(new_connection(sandbox, "Posted"))
        with pytest.raises(BadRequest) as wrong:
            await c.validate_connection(Connection.from_json(stored["Standup Bot"].public_dict()))
        with pytest.raises(ServerError) as down:
            await c.validate_connection(Connection.from_json(stored["Billing"].public_dict()))
        return ok_stored, ok_posted, wrong.value, down.value

    ok_stored, ok_posted, wrong, down = run(scenario, sandbox.url, sandbox.admin_token)
    assert ok_stored is None and ok_posted is None
    assert wrong.status == 400 and not wrong.detailed_error  # a production server keeps the reason to itself
    assert down.status == 502 and "could not" in down.user_message.lower()
    assert creds["client_secret"] not in str(wrong) + str(down)


def test_audience_query_answers(sandbox: Any) -> None:
    ci = next(c for c in sandbox.state.connections() if c.name == "CI Hooks")

    async def scenario(c: MattermostClient) -> Any:
        hit = await c.connection_for_audience("https://ci.example.com/hooks/deploy")
        misses = []
        for mode in ("empty", "null", "error"):
            sandbox.state.audience_miss = mode
            misses.append(await c.connection_for_audience("https://nothing.example.com/x"))
        return hit, misses

    hit, misses = run(scenario, sandbox.url, sandbox.admin_token)
    assert hit is not None and hit.id == ci.id
    assert misses == [None, None, None]


def test_commands_are_parsed_without_their_token(sandbox: Any) -> None:
    engineering = sandbox.state.team_by_name("engineering")
    tokens = [c.token for c in sandbox.state.commands_of_team(engineering.id)]
    commands = run(lambda c: c.commands(engineering.id), sandbox.url, sandbox.admin_token)
    assert {c.trigger for c in commands} >= {"deploy", "rollback", "build"}
    deploy = next(c for c in commands if c.trigger == "deploy")
    assert deploy.url == "https://ci.example.com/hooks/deploy" and deploy.team_id == engineering.id
    assert all(not hasattr(c, "token") for c in commands)
    text = repr(commands) + str([c.public_dict() for c in commands])
    assert not any(t in text for t in tokens)


def test_requests_are_logged_without_secrets(empty_sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    sb = empty_sandbox
    caplog.set_level(logging.DEBUG, logger="mmoauth_gui.services.mattermost.client")
    secret = demo_client(sb)["client_secret"]

    async def scenario(c: MattermostClient) -> None:
        created = await c.create_connection(new_connection(sb, "Logged"))
        await c.list_connections()
        await c.validate_connection(created.with_changes(client_secret=secret))

    run(scenario, sb.url, sb.admin_token)
    text = caplog.text
    assert "POST /api/v4/oauth/outgoing_connections -> 201" in text
    assert "GET /api/v4/oauth/outgoing_connections -> 200" in text
    assert sb.admin_token not in text and secret not in text and "Bearer" not in text


def test_client_repr_hides_the_token(sandbox: Any) -> None:
    async def main() -> str:
        async with make_http_client() as http:
            return repr(MattermostClient(sandbox.url, sandbox.admin_token, http))

    text = asyncio.run(main())
    assert sandbox.url in text and sandbox.admin_token not in text
