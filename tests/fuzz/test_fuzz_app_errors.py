"""A Mattermost server's answers, any status and any body: a typed MattermostError with a message a person can
act on (and no secret), or the parsed value; never another exception. Also through the real client over HTTP.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fuzz_http import AnswerBox, serve
from fuzz_support import FUZZ, FUZZ_NETWORK, broken_bytes, json_values, objects_with, texts
from hypothesis import example, given
from hypothesis import strategies as st

from mmoauth_gui.cli.server_access import exit_code_for
from mmoauth_gui.core.model import Connection
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import MattermostError, error_from_response
from mmoauth_gui.services.validation.server import result_from_error

APP_ERROR_KEYS = ("id", "message", "detailed_error", "request_id", "status_code")
ERROR_IDS = [
    "api.context.session_expired.app_error",
    "api.context.permissions.app_error",
    "api.context.404.app_error",
    "api.context.outgoing_oauth_connection.not_available.configuration_disabled",
    "api.context.outgoing_oauth_connection.not_available.feature_flag",
    "api.license.upgrade_needed.app_error",
    "api.command.disabled.app_error",
    "api.user.check_user_mfa.bad_code.app_error",
    "store.sql_outgoing_oauth_connection.get.not_found",
]
SECRET = "s3cr3t-Qx7Zk2Wm9Lp4"
TOKEN = "tok3n-Hj5Rt8Yv1Nb6"

statuses = st.one_of(st.integers(100, 599), st.sampled_from([400, 401, 403, 404, 429, 500, 501, 502, 503, 504]))
app_error_values = st.one_of(
    json_values,
    st.sampled_from(ERROR_IDS),
    texts.map(lambda t: f"{t} {SECRET} {t}"),
    texts.map(lambda t: f"userId=abc, permission={t}"),
    st.sampled_from([f"client_secret={SECRET}", f"Bearer {TOKEN}", "not found", "no rows in result set"]),
)
bodies = st.one_of(objects_with(APP_ERROR_KEYS, app_error_values), json_values)


def check(error: MattermostError, secrets: tuple[str, ...] = (SECRET, TOKEN)) -> None:
    message = error.user_message
    assert isinstance(message, str) and message.strip()
    assert str(error) == message and repr(error)
    for secret in secrets:
        assert secret not in message + repr(error)
    assert exit_code_for(error) in (1, 2, 3)


@FUZZ
@given(statuses, bodies, st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans())
@example(100, {"id": f" {SECRET} ", "request_id": TOKEN}, False, False, False, False, False)  # once shown in repr
def test_any_answer_makes_a_typed_error(
    status: int, body: Any, rules: bool, lookup: bool, listing: bool, commands: bool, validating: bool
) -> None:
    error = error_from_response(
        status,
        body,
        operation="list outgoing OAuth connections",
        rules_apply=rules,
        lookup=lookup,
        listing=listing,
        commands=commands,
        validating=validating,
        secrets=(SECRET, TOKEN),
    )
    check(error)
    assert error.status == status
    assert "list outgoing OAuth connections" in error.user_message


@FUZZ
@given(statuses, bodies, st.sampled_from(["client_credentials", "password"]), st.booleans())
def test_any_answer_to_a_server_validation_is_a_result(status: int, body: Any, grant: str, stored: bool) -> None:
    conn = Connection(
        name="n",
        client_id="c",
        client_secret="" if stored else SECRET,
        grant_type=grant,
        oauth_token_url="https://idp.example.com/token",
        id="c" * 26 if stored else "",
    )
    error = error_from_response(
        status, body, operation="validate", validating=True, lookup=stored, secrets=(SECRET, TOKEN)
    )
    result = result_from_error(error, conn)
    assert not result.ok and result.hint and result.summary
    assert result.http_status == status
    assert SECRET not in json.dumps(result.to_json(), allow_nan=True)


# ---- through the real client, over loopback -----------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[AnswerBox]:
    box = AnswerBox()
    with serve(box) as url:
        box.url = url
        yield box


CALLS = {
    "ping": lambda c: c.ping(),
    "me": lambda c: c.me(),
    "teams": lambda c: c.my_teams(),
    "team": lambda c: c.team_by_name("eng"),
    "list": lambda c: c.list_connections("t" * 26),
    "get": lambda c: c.get_connection("c" * 26),
    "create": lambda c: c.create_connection(Connection(name="n", client_secret=SECRET)),
    "update": lambda c: c.update_connection(Connection(id="c" * 26, name="n", client_secret=SECRET)),
    "delete": lambda c: c.delete_connection("c" * 26),
    "validate": lambda c: c.validate_connection(Connection(name="n", client_secret=SECRET)),
    "audience": lambda c: c.connection_for_audience("https://a.example.com/x"),
    "commands": lambda c: c.commands("t" * 26),
    "login": lambda c: MattermostClient.login(c.base_url, "admin", SECRET, "", c._http),  # noqa: SLF001
}
SENDS_SECRET = {"create", "update", "validate", "login"}
content_types = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/html", "", "x/y"])


@FUZZ_NETWORK
@given(
    st.sampled_from(sorted(CALLS)),
    statuses,
    content_types,
    broken_bytes(st.one_of(bodies, st.lists(objects_with(["id", "name", "audiences", "token"]), max_size=3))),
    st.dictionaries(st.sampled_from(["Token", "X-Version-Id", "Location"]), texts, max_size=2),
)
def test_the_client_gives_a_value_or_a_typed_error(
    server: AnswerBox, call: str, status: int, content_type: str, body: bytes, headers: dict[str, str]
) -> None:
    if 100 <= status < 200 or status in (204, 304):
        status = 200  # a body-less status would make this HTTP server's answer unreadable, not the body
    server.set(status, body, {"Content-Type": content_type, **headers})

    async def go() -> Any:
        async with httpx.AsyncClient(timeout=5.0) as http:
            try:
                return await CALLS[call](MattermostClient(server.url, TOKEN, http))
            except MattermostError as exc:
                check(exc, (TOKEN, SECRET) if call in SENDS_SECRET else (TOKEN,))  # what the client knows to hide
                return exc

    asyncio.run(go())


def test_the_loopback_server_answers_what_it_is_told(server: AnswerBox) -> None:
    server.set(200, b'{"status": "OK"}', {"Content-Type": "application/json", "X-Version-Id": "9.11.0.1.x.true"})

    async def go() -> Any:
        async with httpx.AsyncClient(timeout=5.0) as http:
            return await MattermostClient(server.url, TOKEN, http).ping()

    assert asyncio.run(go()).version == "9.11.0"
    assert threading.active_count() >= 2
