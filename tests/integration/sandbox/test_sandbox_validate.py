"""``POST …/validate`` really requests a token from the posted token URL (docs/MATTERMOST.md §4, §5)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sandbox_helpers import CONNECTIONS, Api, assert_app_error, new_connection

VALIDATE = f"{CONNECTIONS}/validate"
ERROR_ID = "api.context.outgoing_oauth_connection.validate_connection_credentials.app_error"


def stored(api: Api, name: str) -> dict[str, object]:
    return next(c for c in api.admin.get(CONNECTIONS, params={"limit": 100}).json() if c["name"] == name)


def test_a_good_configuration_gets_a_token_with_client_secret_post(api: Api) -> None:
    body = new_connection(api.sb)
    response = api.admin.post(VALIDATE, json=body)
    assert response.status_code == 200 and response.json() == {"status": "OK"}
    assert response.headers["content-type"] == "application/json"
    last = api.sb.token_requests[-1]
    assert last == {
        "client_id": body["client_id"],
        "auth_method": "client_secret_post",
        "grant_type": "client_credentials",
        "status": 200,
        "error": "",
    }


def test_a_secret_with_reserved_characters_is_form_encoded(api: Api) -> None:
    reports = api.sb.demo_clients[1]
    assert any(ch in reports["client_secret"] for ch in "+/:% ")
    body = new_connection(api.sb, client_id=reports["client_id"], client_secret=reports["client_secret"])
    assert api.admin.post(VALIDATE, json=body).status_code == 200


def test_a_refused_secret_is_400_with_the_oauth_error_in_detailed_error(api: Api) -> None:
    response = api.admin.post(VALIDATE, json=new_connection(api.sb, client_secret="wrong"))
    body = assert_app_error(response, 400, ERROR_ID)
    assert body["detailed_error"] == 'oauth2: "invalid_client" "Client authentication failed."'


def test_a_client_not_allowed_the_grant_is_400_unauthorized_client(api: Api) -> None:
    portal = api.sb.demo_clients[2]
    body = new_connection(api.sb, client_id=portal["client_id"], client_secret=portal["client_secret"])
    detail = assert_app_error(api.admin.post(VALIDATE, json=body), 400, ERROR_ID)["detailed_error"]
    assert '"unauthorized_client"' in str(detail)


def test_an_unreachable_token_url_is_502(api: Api, closed_port: int) -> None:
    body = new_connection(api.sb, oauth_token_url=f"http://127.0.0.1:{closed_port}/token")
    detail = assert_app_error(api.admin.post(VALIDATE, json=body), 502, ERROR_ID)["detailed_error"]
    assert f"127.0.0.1:{closed_port}" in str(detail)


def test_an_invalid_token_url_is_400(api: Api) -> None:
    body = new_connection(api.sb, oauth_token_url="not a url")
    assert_app_error(api.admin.post(VALIDATE, json=body), 400, ERROR_ID)


def test_with_id_and_empty_secret_the_stored_secret_is_used(api: Api) -> None:
    good = stored(api, "CI Hooks")
    assert api.admin.post(VALIDATE, json={**good, "client_secret": ""}).status_code == 200
    refused = stored(api, "Standup Bot")
    assert_app_error(api.admin.post(VALIDATE, json={**refused, "client_secret": ""}), 400, ERROR_ID)
    fixed = {**refused, "client_secret": api.sb.demo_clients[0]["client_secret"]}
    assert api.admin.post(VALIDATE, json=fixed).status_code == 200


def test_validate_with_an_unknown_id_and_no_secret_is_500(api: Api) -> None:
    body = new_connection(api.sb, id="aaaaaaaaaaaaaaaaaaaaaaaaaa", client_secret="")
    assert_app_error(api.admin.post(VALIDATE, json=body), 500, ERROR_ID)


def test_the_demo_seed_connections_validate_as_documented(api: Api) -> None:
    outcomes = {}
    for conn in api.admin.get(CONNECTIONS, params={"limit": 100}).json():
        outcomes[conn["name"]] = api.admin.post(VALIDATE, json={**conn, "client_secret": ""}).status_code
    assert outcomes == {
        "CI Hooks": 200,
        "Pager": 200,
        "Helpdesk": 200,
        "Helpdesk (legacy ticket)": 200,
        "Reports": 200,
        "Standup Bot": 400,
        "Billing": 502,
        "Legacy Portal": 400,  # a password grant: the server fills in the secret only, never the password
    }


def test_bad_json_is_400(api: Api) -> None:
    response = api.admin.post(VALIDATE, content=b"nope", headers={"Content-Type": "application/json"})
    assert_app_error(response, 400, "api.context.outgoing_oauth_connection.validate_connection_credentials.input_error")


class _Odd(BaseHTTPRequestHandler):
    """A token endpoint answering 200 without a token, or redirecting."""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"token_type": "Bearer"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def odd_endpoint() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Odd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_200_without_access_token_and_a_redirect_are_refused(api: Api, odd_endpoint: str) -> None:
    missing = api.admin.post(VALIDATE, json=new_connection(api.sb, oauth_token_url=f"{odd_endpoint}/token"))
    assert assert_app_error(missing, 400, ERROR_ID)["detailed_error"] == "oauth2: server response missing access_token"
    redirect = api.admin.post(VALIDATE, json=new_connection(api.sb, oauth_token_url=f"{odd_endpoint}/redirect"))
    assert "302" in str(assert_app_error(redirect, 400, ERROR_ID)["detailed_error"])
