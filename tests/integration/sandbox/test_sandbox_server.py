"""The server's plumbing as a client sees it: content type, AppError bodies, auth, login, ping, load."""

from __future__ import annotations

import http.client
import json
import logging
import socket
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sandbox_helpers import CONNECTIONS, Api, assert_app_error, new_connection

from mmoauth_gui.sandbox import MFA_CODE, Sandbox


def test_ping_answers_ok_with_the_version_header_and_exact_json_type(api: Api) -> None:
    response = api.anon.get("/api/v4/system/ping")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"status": "OK"}
    version = response.headers["x-version-id"]
    assert version.startswith("9.11.0.") and version.endswith(".true")


@pytest.mark.parametrize("scheme", ["Bearer", "BEARER", "bearer", "Token"])
def test_the_auth_scheme_is_case_insensitive(api: Api, scheme: str) -> None:
    response = api.anon.get("/api/v4/users/me", headers={"Authorization": f"{scheme} {api.sb.admin_token}"})
    assert response.status_code == 200
    assert response.json()["username"] == "sysadmin"
    assert "password" not in response.json()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}],
    ids=["missing", "unknown", "other-scheme", "empty"],
)
def test_missing_or_invalid_token_is_401_session_expired(api: Api, headers: dict[str, str]) -> None:
    response = api.anon.get(CONNECTIONS, headers=headers)
    body = assert_app_error(response, 401, "api.context.session_expired.app_error")
    assert api.sb.admin_token not in response.text
    assert body["message"] == "Invalid or expired session, please login again."


def test_a_revoked_token_stops_working(api: Api) -> None:
    assert api.user.get("/api/v4/users/me").status_code == 200
    assert api.sb.state.revoke_token(api.sb.user_token)
    assert_app_error(api.user.get("/api/v4/users/me"), 401, "api.context.session_expired.app_error")


def test_login_returns_the_user_and_a_session_token_in_the_token_header(api: Api) -> None:
    password = api.sb.admin.password
    response = api.anon.post("/api/v4/users/login", json={"login_id": "sysadmin", "password": password})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["id"] == api.sb.admin.id
    token = response.headers["token"]
    assert len(token) == 26 and token != api.sb.admin_token
    me = api.anon.get("/api/v4/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "sysadmin"


def test_login_with_a_wrong_password_is_401(api: Api) -> None:
    response = api.anon.post("/api/v4/users/login", json={"login_id": "sysadmin", "password": "wrong"})
    assert_app_error(response, 401, "api.user.login.invalid_credentials_email_username")
    assert "token" not in response.headers


def test_the_mfa_user_needs_its_code(api: Api) -> None:
    info = api.sb.info["mfa_user"]
    assert info["mfa_code"] == MFA_CODE
    creds = {"login_id": info["login_id"], "password": info["password"]}
    assert_app_error(
        api.anon.post("/api/v4/users/login", json=creds), 401, "api.user.check_user_mfa.bad_code.app_error"
    )
    wrong = api.anon.post("/api/v4/users/login", json={**creds, "token": "000000"})
    assert_app_error(wrong, 401, "api.user.check_user_mfa.bad_code.app_error")
    good = api.anon.post("/api/v4/users/login", json={**creds, "token": MFA_CODE})
    assert good.status_code == 200 and good.json()["mfa_active"] is True
    assert good.headers["token"]


def test_logout_revokes_the_session(api: Api) -> None:
    login = api.anon.post("/api/v4/users/login", json={"login_id": "integrator", "password": api.sb.team_user.password})
    headers = {"Authorization": f"Bearer {login.headers['token']}"}
    assert api.anon.post("/api/v4/users/logout", headers=headers).json() == {"status": "OK"}
    assert api.anon.get("/api/v4/users/me", headers=headers).status_code == 401


def test_my_teams_differ_between_the_admin_and_the_team_user(api: Api) -> None:
    admin_teams = {t["name"] for t in api.admin.get("/api/v4/users/me/teams").json()}
    user_teams = {t["name"] for t in api.user.get("/api/v4/users/me/teams").json()}
    assert admin_teams == {"engineering", "support", "marketing"}
    assert user_teams == {"engineering", "support"}


def test_team_by_name_resolves_and_refuses_strangers(api: Api) -> None:
    team = api.admin.get("/api/v4/teams/name/support").json()
    assert team["display_name"] == "Customer Support" and len(team["id"]) == 26
    assert api.admin.get(f"/api/v4/teams/{team['id']}").json()["name"] == "support"
    assert_app_error(api.admin.get("/api/v4/teams/name/nope"), 404, "app.team.get_by_name.missing.app_error")
    assert_app_error(api.user.get("/api/v4/teams/name/marketing"), 403, "api.context.permissions.app_error")


def test_unknown_route_is_404_and_wrong_method_is_405_both_as_app_errors(api: Api) -> None:
    assert_app_error(api.admin.get("/api/v4/nothing/here"), 404, "api.context.404.app_error")
    assert_app_error(api.admin.patch(CONNECTIONS), 405, "api.context.405.app_error")


def test_latency_delays_api_responses_and_can_change_while_running(api: Api) -> None:
    api.sb.latency_ms = 2000
    with pytest.raises(httpx.ReadTimeout):  # no answer before 2 s, so none within 0.3 s
        api.anon.get("/api/v4/system/ping", timeout=0.3)
    api.sb.latency_ms = 0
    assert api.anon.get("/api/v4/system/ping", timeout=10.0).status_code == 200


def test_hundreds_of_concurrent_requests_are_served(empty_sandbox: Sandbox) -> None:
    # Each answer takes 1 s: one after the other, 400 would take 400 s and all but the first few would pass
    # the clients' 30 s timeout; side by side, every one is served.
    empty_sandbox.latency_ms = 1000
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    headers = {"Authorization": f"Bearer {empty_sandbox.admin_token}"}
    with httpx.Client(base_url=empty_sandbox.url, headers=headers, limits=limits, timeout=30, trust_env=False) as c:
        with ThreadPoolExecutor(max_workers=200) as pool:
            statuses = list(pool.map(lambda _: c.get("/api/v4/users/me").status_code, range(400)))
    assert statuses == [200] * 400


def test_keep_alive_serves_several_requests_on_one_connection(api: Api) -> None:
    port = int(api.sb.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        sockets = set()
        for _ in range(3):
            connection.request("GET", "/api/v4/system/ping")
            response = connection.getresponse()
            assert response.status == 200 and response.version == 11
            assert response.read() == b'{"status":"OK"}'
            sockets.add(id(connection.sock))
        assert len(sockets) == 1
    finally:
        connection.close()


def test_stop_closes_idle_keep_alive_connections_and_the_port() -> None:
    sb = Sandbox(seed="empty").start()
    with httpx.Client(base_url=sb.url, trust_env=False) as client:
        assert client.get("/api/v4/system/ping").status_code == 200
        sb.stop()
        with pytest.raises(httpx.TransportError):
            client.get("/api/v4/system/ping")
    sb.stop()  # a second stop is harmless


def test_waiting_for_no_connections_covers_a_request_whose_client_left(empty_sandbox: Sandbox) -> None:
    """As a killed client leaves it: a create written, the socket closed before the (slow) answer."""
    sb = empty_sandbox
    sb.latency_ms = 300
    body = json.dumps(new_connection(sb, name="Sent then gone")).encode()
    head = (
        f"POST {CONNECTIONS} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer {sb.admin_token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", int(sb.url.rsplit(":", 1)[1]))) as sock:
        sock.sendall(head.encode() + body)
    assert sb.wait_until_no_connections()
    assert [c.name for c in sb.state.connections()] == ["Sent then gone"]


def test_an_open_keep_alive_connection_counts_until_it_is_closed(api: Api) -> None:
    assert api.anon.get("/api/v4/system/ping").status_code == 200  # its connection stays open for the next
    assert not api.sb.wait_until_no_connections(timeout=0.2)
    for client in (api.admin, api.user, api.anon):
        client.close()
    assert api.sb.wait_until_no_connections()


def test_a_bad_feature_value_is_refused(empty_sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="feature must be one of on, off, unlicensed"):
        empty_sandbox.feature = "maybe"
    with pytest.raises(ValueError):
        empty_sandbox.latency_ms = -1


def test_secrets_stay_out_of_reprs(sandbox: Sandbox) -> None:
    text = repr(sandbox) + repr(sandbox.admin) + repr(sandbox.state.connections())
    for secret in [c["client_secret"] for c in sandbox.demo_clients] + [sandbox.admin.password, sandbox.admin_token]:
        assert secret not in text


def test_request_logging_redacts_tokens(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="mmoauth_gui.sandbox")
    api.admin.get("/api/v4/users/me", params={"access_token": api.sb.user_token})
    api.anon.post("/api/v4/users/login", json={"login_id": "sysadmin", "password": api.sb.admin.password})
    assert "/api/v4/users/me" in caplog.text
    for secret in (api.sb.admin_token, api.sb.user_token, api.sb.admin.password):
        assert secret not in caplog.text


def test_a_too_large_body_is_an_app_error_too(api: Api) -> None:
    response = api.admin.post(CONNECTIONS, content=b"x" * (8 * 1024 * 1024 + 1))
    assert_app_error(response, 413, "api.context.request_body_too_large.app_error")
