"""The sandbox as a target: its validate route refuses internal addresses as a real server's untrusted client
does unless ``AllowedUntrustedInternalConnections`` allows them, bodies are capped before authentication, and
binding beyond loopback needs ``--expose`` (issue 17, item 9)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from sandbox_helpers import CONNECTIONS, client, new_connection

from mmoauth_gui.cli.main import main
from mmoauth_gui.sandbox import Sandbox, SeedError
from mmoauth_gui.sandbox.server import MAX_BODY
from mmoauth_gui.sandbox.server_model.untrusted import ADDRESS_FORBIDDEN, ALLOWED_UNTRUSTED_INTERNAL
from mmoauth_gui.sandbox.token_fetch import forbidden_reason

VALIDATE = f"{CONNECTIONS}/validate"
LOOPBACK = "localhost 127.0.0.0/8 ::1/128"


def _validate(sb: Sandbox) -> Any:
    with client(sb, sb.admin_token) as admin:
        return admin.post(VALIDATE, json=new_connection(sb))


@pytest.fixture
def file_seeded(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    seed, settings = request.param
    with Sandbox(seed=seed, settings=settings, errors="developer") as sb:
        yield sb


@pytest.mark.parametrize("file_seeded", [({"teams": []}, None)], indirect=True)
def test_a_seed_without_settings_refuses_a_loopback_token_url_as_a_real_server(file_seeded: Sandbox) -> None:
    before = len(file_seeded.token_requests)
    response = _validate(file_seeded)
    assert response.status_code == 502, response.text
    assert response.json()["detailed_error"] == f'Post "{file_seeded.token_url}": {ADDRESS_FORBIDDEN}'
    assert len(file_seeded.token_requests) == before  # nothing was sent to the token endpoint


@pytest.mark.parametrize(
    "file_seeded",
    [
        ({"teams": [], "settings": {ALLOWED_UNTRUSTED_INTERNAL: LOOPBACK}}, None),
        ({"teams": []}, {ALLOWED_UNTRUSTED_INTERNAL: "127.0.0.1"}),  # a host entry: the host as the URL has it
        ("empty", None),  # the built-in seeds allow their own token endpoint's home
        ("demo", None),
    ],
    indirect=True,
)
def test_loopback_allowed_by_the_seed_or_a_setting(file_seeded: Sandbox) -> None:
    assert _validate(file_seeded).status_code == 200


def test_a_setting_overrides_the_seed() -> None:
    with Sandbox(seed="demo", settings={ALLOWED_UNTRUSTED_INTERNAL: "10.0.0.0/8"}) as sb:
        assert _validate(sb).status_code == 502


@pytest.mark.parametrize(
    ("url", "allowed", "refused"),
    [
        ("http://127.0.0.1:9/token", "", True),
        ("http://10.1.2.3/token", "", True),
        ("http://169.254.169.254/latest/meta-data", "", True),
        ("http://[::1]:9/token", "", True),
        ("http://100.64.0.1/token", "", True),
        ("http://10.1.2.3/token", "10.0.0.0/8", False),
        ("http://10.1.2.3/token", "192.168.0.0/16, 10.1.2.3", False),
        ("http://10.1.2.3/token", "10.1.2.3/32", False),
        ("http://127.0.0.1/token", "localhost", True),  # a host entry allows that host name only
        ("http://93.184.215.14/token", "", False),
    ],
)
def test_the_untrusted_internal_rule(url: str, allowed: str, refused: bool) -> None:
    assert bool(forbidden_reason(url, allowed)) is refused


def test_an_unknown_seed_setting_is_refused() -> None:
    with pytest.raises(SeedError, match="does not read the setting"):
        Sandbox(seed={"settings": {"ServiceSettings.SiteURL": "x"}})


def test_a_chunked_body_over_the_cap_is_refused_before_authentication(empty_sandbox: Sandbox) -> None:
    host, port = empty_sandbox.url.removeprefix("http://").split(":")
    chunk = b"x" * (1 << 20)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            f"POST {CONNECTIONS} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: application/json\r\n\r\n".encode()
        )
        sent = 0
        try:
            while sent <= MAX_BODY + len(chunk):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
        except OSError:
            pass  # the server stopped reading: what the cap is for
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"request_body_too_large" in answer


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "Add --expose if that is meant"),
        (["--setting", "ServiceSettings.Nope=1"], "does not read the setting"),
        (["--setting", "novalue"], "KEY=VALUE"),
    ],
)
def test_the_sandbox_command_refuses(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", *args]) == 2
    assert message in capsys.readouterr().err
