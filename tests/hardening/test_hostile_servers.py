"""Servers built to attack the CLI, on loopback: a gzip bomb, a server that trickles, text full of terminal
escapes, an imported draft aimed at an attacker's server, a profile's token asked for by another server
(issue 17: M1, M5, the terminal and origin findings).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hardening_support import InProcessCli, Loopback, LoopbackServers, Responder

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.errors import InvalidResponse, Unreachable
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.profiles import Profile, ProfileStore

ADMIN_TOKEN = "admintokenadmintokenadmint"
CLIENT_SECRET = "client-secret-that-must-stay-home"


# ---- M5: a gzip bomb and a trickling server end in a clear error, in bounded memory and time ------------------


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """256 MiB of JSON-ish zeros, gzipped to a few hundred KB."""
    return gzip.compress(b"[" + b" " * (256 * 1024 * 1024) + b"]", compresslevel=6)


def test_a_gzip_bomb_ends_in_a_size_error_with_bounded_memory(loopback: LoopbackServers, bomb: bytes) -> None:
    server = loopback(lambda method, path, query: (200, bomb, {"Content-Encoding": "gzip"}))

    async def list_them() -> None:
        async with httpx.AsyncClient() as http:
            await MattermostClient(server.url, ADMIN_TOKEN, http).list_connections()

    tracemalloc.start()
    try:
        with pytest.raises(InvalidResponse) as caught:
            asyncio.run(list_them())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "the server sent more than 32 MB (decompressed)" in caught.value.user_message
    assert peak < 80 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_the_cli_names_the_size_cap(cli: InProcessCli, loopback: LoopbackServers, bomb: bytes) -> None:
    server = loopback(lambda method, path, query: (200, bomb, {"Content-Encoding": "gzip"}))
    result = cli("connections", "list", "--server", server.url, env={"MMOAUTH_SERVER_TOKEN": ADMIN_TOKEN})
    assert result.code == 3 and "the server sent more than 32 MB" in result.err


@pytest.fixture
def trickling() -> Iterator[str]:
    """A server that sends its headers, then one byte of body every 0.2 s, for as long as anyone listens."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[")
                while not stop.is_set():
                    conn.sendall(b" ")
                    time.sleep(0.2)
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    listener.close()


def test_a_trickling_server_hits_the_deadline(cli: InProcessCli, trickling: str) -> None:
    started = time.monotonic()
    result = cli(
        "connections", "list", "--server", trickling, "--timeout", "1.5", env={"MMOAUTH_SERVER_TOKEN": ADMIN_TOKEN}
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.code == 3, result.err
    assert "did not send a whole answer within 1.5 seconds" in result.err and "--timeout" in result.err
    assert elapsed < 30  # its body would take hours; a deadline per read would never end it


def test_the_client_deadline_covers_the_whole_request(trickling: str) -> None:
    async def ping() -> None:
        async with httpx.AsyncClient() as http:
            await MattermostClient(trickling, ADMIN_TOKEN, http, deadline_s=0.8).ping()

    with pytest.raises(Unreachable) as caught:
        asyncio.run(ping())
    assert caught.value.reason == "timeout"


@pytest.mark.parametrize("bad", ["0", "-1", "soon"])
def test_timeout_must_be_a_positive_number(cli: InProcessCli, bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli("connections", "list", "--server", "https://mm.example.com", "--timeout", bad)
    assert exited.value.code == 2
    assert "--timeout" in capsys.readouterr().err


# ---- terminal escapes from server text never reach the terminal raw -------------------------------------------

HOSTILE = (
    "Evil\x1b[2J\x1b]0;pwned\x07\x1b]8;;file:///etc/passwd\x07link\x1b]8;;\x07\x1b]52;c;cm0gLXJmIH4=\x07\x9b1m\u202e"
)


def test_connection_names_with_terminal_escapes_print_as_text(cli: InProcessCli, sandbox: Sandbox) -> None:
    first = sandbox.state.connections()[0]
    sandbox.state.replace_connection(first.with_changes(name=HOSTILE))
    env = {"MMOAUTH_SERVER_TOKEN": sandbox.admin_token}
    table = cli("connections", "list", "--server", sandbox.url, env=env)
    shown = cli("connections", "show", first.id, "--server", sandbox.url, env=env)
    as_json = cli("connections", "list", "--server", sandbox.url, "--json", env=env)
    assert table.code == shown.code == as_json.code == 0, table.err + shown.err + as_json.err
    for output in (table.out, shown.out, table.err, shown.err):
        assert not any(ch in output for ch in "\x1b\x07\x9b\u202e")
    assert "Evil\\x1b[2J" in shown.out and "\\x9b" in shown.out and "\\u202e" in shown.out
    # JSON stays JSON: the name comes back exactly, every control character escaped by JSON itself.
    assert not any(ch in as_json.out for ch in "\x1b\x07\x9b\u202e")
    assert HOSTILE in [c["name"] for c in as_json.json()]


def test_a_server_error_message_with_escapes_prints_as_text(cli: InProcessCli, loopback: LoopbackServers) -> None:
    message = "Denied\x1b]52;c;ZWNobyBoaQ==\x07"
    body = {"id": "api.context.permissions.app_error", "message": message, "status_code": 403}
    server = loopback(lambda method, path, query: (403, body, {}))
    result = cli("connections", "list", "--server", server.url, env={"MMOAUTH_SERVER_TOKEN": ADMIN_TOKEN})
    assert result.code == 2
    assert "\x1b" not in result.err and "\x07" not in result.err and "Denied\\x1b]52" in result.err


# ---- M1: an imported draft never decides where the token and the secret go ------------------------------------


def _export_file(path: Path, server_url: str) -> Path:
    document = {
        "kind": "drafts-export",
        "schema": 1,
        "exported_at": "2026-01-01T00:00:00Z",
        "source": {"type": "drafts"},
        "drafts": [
            {
                "name": "Billing v2",
                "connection": {
                    "name": "Billing v2",
                    "client_id": "billing",
                    "oauth_token_url": f"{server_url}/oauth/token",
                    "grant_type": "client_credentials",
                    "audiences": ["https://billing.example.com/*"],
                },
                "note": "from a colleague",
                "target": {"server": server_url, "team": ""},
                "origin": {"server_url": server_url, "connection_id": "c" * 26, "update_at": 1},
                "snapshot": None,
                "secret_required": True,
            }
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_an_imported_draft_aimed_at_an_attacker_sends_nothing_there(
    cli: InProcessCli, loopback: LoopbackServers, tmp_path: Path
) -> None:
    attacker = loopback(lambda method, path, query: (200, {"status": "OK"}, {}))
    imported = cli("drafts", "import", str(_export_file(tmp_path / "billing.json", attacker.url)), "--json")
    assert imported.code == 0, imported.err
    shown = cli("drafts", "show", "Billing v2", "--json").json()
    assert shown["target"]["server"] == "" and shown["origin"] is None and shown["note"] == "from a colleague"

    env = {"MMOAUTH_SERVER_TOKEN": ADMIN_TOKEN, "MMOAUTH_CLIENT_SECRET": CLIENT_SECRET}
    push = cli("drafts", "push", "Billing v2", env=env)
    pull = cli("drafts", "pull", "Billing v2", env=env)
    assert push.code == 2 and "no target server" in push.err
    assert pull.code == 2 and "never pulled or pushed" in pull.err
    assert attacker.requests == []


def test_a_draft_target_url_needs_confirming_on_the_command_line(
    cli: InProcessCli, loopback: LoopbackServers, sandbox: Sandbox
) -> None:
    """A URL kept in a draft file (here, typed in by hand) is not paired with the environment's token."""
    attacker = loopback(lambda method, path, query: (200, {"status": "OK"}, {}))
    made = cli(
        "drafts", "new", "--name", "Aimed", "--client-id", "x", "--token-url", "https://idp.example.com/token",
        "--audience", "https://aimed.example.com", "--server", attacker.url,
    )  # fmt: skip
    assert made.code == 0, made.err
    refused = cli("drafts", "push", "Aimed", env={"MMOAUTH_SERVER_TOKEN": ADMIN_TOKEN, "MMOAUTH_CLIENT_SECRET": "s"})
    assert refused.code == 2 and f"give --server {attacker.url}" in refused.err
    assert attacker.requests == []
    confirmed = cli(
        "drafts", "push", "Aimed", "--server", sandbox.url,
        env={"MMOAUTH_SERVER_TOKEN": sandbox.admin_token, "MMOAUTH_CLIENT_SECRET": "s"},
    )  # fmt: skip
    assert f"Destination: {sandbox.url}" in confirmed.err


def test_a_profiles_token_is_not_sent_to_another_server(
    cli: InProcessCli, loopback: LoopbackServers, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mmoauth_gui.storage.secrets import SecretStore

    other = loopback(lambda method, path, query: (200, [], {}))
    ProfileStore(app_paths()).save(Profile("prod", sandbox.url))
    monkeypatch.setattr(SecretStore, "get", lambda self, kind, name: sandbox.admin_token)
    refused = cli("connections", "list", "--profile", "prod", "--server", other.url)
    assert refused.code == 2 and "keeps its token for" in refused.err and other.requests == []
    own = cli("connections", "list", "--profile", "prod", "--json")
    assert own.code == 0, own.err


# ---- M6: discovery never follows a redirect to another origin or down to http ---------------------------------


def _metadata_at(token_url: str) -> dict[str, object]:
    return {"issuer": "x", "token_endpoint": token_url, "grant_types_supported": ["client_credentials"]}


def test_a_cross_origin_discovery_redirect_sends_nothing(cli: InProcessCli, loopback: LoopbackServers) -> None:
    elsewhere = loopback(lambda method, path, query: (200, _metadata_at(f"{elsewhere.url}/token"), {}))
    issuer = loopback(lambda method, path, query: (302, b"", {"Location": f"{elsewhere.url}{path}"}))
    result = cli(
        "validate", "--issuer", issuer.url, "--client-id", "c", "--json", env={"MMOAUTH_CLIENT_SECRET": CLIENT_SECRET}
    )  # fmt: skip
    assert result.code == 1
    assert elsewhere.requests == []
    outcomes = [t["outcome"] for t in result.json()["discovery"]["tried"]]
    assert outcomes and all("to another origin" in o and "not followed" in o for o in outcomes)


class TlsLoopbackServers(LoopbackServers):
    """``LoopbackServers`` speaking https with a certificate of their own CA (``ca``)."""

    def __init__(self, folder: Path) -> None:
        import ssl

        from loopback_tls import make_self_signed

        super().__init__()
        self.ca, key = make_self_signed(folder)
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(self.ca, key)

    def __call__(self, respond: Responder) -> Loopback:
        record = super().__call__(respond)
        server, _ = self._servers[-1]
        server.socket = self._context.wrap_socket(server.socket, server_side=True)
        record.url = record.url.replace("http://", "https://")
        return record


@pytest.fixture
def tls_loopback(tmp_path: Path) -> Iterator[TlsLoopbackServers]:
    servers = TlsLoopbackServers(tmp_path)
    yield servers
    servers.close()


def test_an_https_issuer_redirecting_to_http_or_naming_an_http_endpoint_sends_nothing(
    cli: InProcessCli, loopback: LoopbackServers, tls_loopback: TlsLoopbackServers
) -> None:
    servers, ca = tls_loopback, tls_loopback.ca
    plain = loopback(lambda method, path, query: (200, _metadata_at(f"{plain.url}/token"), {}))
    down = servers(lambda method, path, query: (301, b"", {"Location": f"{plain.url}{path}"}))
    env = {"MMOAUTH_CLIENT_SECRET": CLIENT_SECRET}
    redirected = cli("validate", "--issuer", down.url, "--client-id", "c", "--ca-file", str(ca), "--json", env=env)
    assert redirected.code == 1 and plain.requests == []
    assert "from https to http" in redirected.json()["discovery"]["tried"][0]["outcome"]

    naming = servers(lambda method, path, query: (200, _metadata_at(f"{plain.url}/token"), {}))
    refused = cli("validate", "--issuer", naming.url, "--client-id", "c", "--ca-file", str(ca), "--json", env=env)
    assert refused.code == 1 and plain.requests == []
    discovery = refused.json()["discovery"]
    assert (
        discovery["metadata_url"].startswith(naming.url)
        and "is not https: refused" in discovery["tried"][-1]["outcome"]
    )


# ---- a token endpoint that echoes the Basic header: the base64 pair is scrubbed before it is shown or kept ---


@pytest.fixture
def echoing() -> Iterator[str]:
    from http.server import BaseHTTPRequestHandler

    from hardening_support import QuietServer

    class Echo(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the base class's name
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            echoed = self.headers.get("Authorization", "")
            body = json.dumps({"error": "invalid_client", "error_description": f"refused {echoed}"}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("WWW-Authenticate", f'Basic realm="{echoed}"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

    server = QuietServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token"
    server.shutdown()
    server.server_close()


def test_an_echoed_basic_header_is_scrubbed_from_output_and_files(
    cli: InProcessCli, echoing: str, empty_sandbox: Sandbox
) -> None:
    import base64

    pair = base64.b64encode(f"bot:{CLIENT_SECRET}".encode()).decode()
    env = {"MMOAUTH_CLIENT_SECRET": CLIENT_SECRET}
    made = cli(
        "drafts", "new", "--name", "Echo", "--client-id", "bot", "--token-url", echoing,
        "--audience", "https://echo.example.com", "--secret-from-stdin", stdin=CLIENT_SECRET + "\n",
    )  # fmt: skip
    assert made.code == 0, made.err
    shown = cli("validate", "--token-url", echoing, "--client-id", "bot", "--auth-method", "basic", env=env)
    as_json = cli("validate", "--token-url", echoing, "--client-id", "bot", "--auth-method", "auto", "--json", env=env)
    draft = cli("drafts", "validate", "Echo", "--auth-method", "basic", "--json", env=env)
    assert shown.code == as_json.code == draft.code == 1
    assert "refused" in shown.out and "[secret]" in shown.out
    for output in cli.outputs:
        assert pair not in output and pair.rstrip("=") not in output and CLIENT_SECRET not in output
    for path in app_paths().config.parent.rglob("*"):
        if path.is_file():
            assert pair.rstrip("=").encode() not in path.read_bytes(), path


# ---- M4: http:// servers: no credential before a redirect to https, loopback never through a proxy ----------


def _local_address() -> str:
    """A non-loopback address of this machine (skip when it has none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            address = str(probe.getsockname()[0])
        except OSError:
            address = ""
    if not address or address.startswith("127."):
        pytest.skip("no non-loopback address on this machine")
    return address


def test_an_http_server_that_redirects_to_https_never_sees_the_token(cli: InProcessCli) -> None:
    from http.server import BaseHTTPRequestHandler

    from hardening_support import QuietServer

    host = _local_address()
    seen: list[tuple[str, str]] = []

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            seen.append((self.path, self.headers.get("Authorization", "")))
            self.send_response(308)
            self.send_header("Location", f"https://{host}:9{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

    server = QuietServer((host, 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        url = f"http://{host}:{server.server_address[1]}"
        result = cli("connections", "list", "--server", url, env={"MMOAUTH_SERVER_TOKEN": ADMIN_TOKEN})
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [("/api/v4/system/ping", "")]  # one probe, without the token
    assert f"{url} redirects to https://{host}:9: using https." in result.err
    assert result.code == 3  # nothing listens on https there: the token was never sent at all


def test_a_plain_http_server_beyond_loopback_is_warned_about(cli: InProcessCli) -> None:
    host = _local_address()
    result = cli("connections", "list", "--server", f"http://{host}:9", env={"MMOAUTH_SERVER_TOKEN": ADMIN_TOKEN})
    assert f"warning: http://{host}:9 is not encrypted (http://)" in result.err


def test_a_password_is_not_sent_to_an_http_server_without_a_yes() -> None:
    from mmoauth_gui.services.profile_check import check_profile

    url = f"http://{_local_address()}:9"

    async def test() -> Any:
        async with httpx.AsyncClient() as http:
            return await check_profile(http, url, username="admin", password="pw")

    refused = asyncio.run(test())
    assert refused.cleartext_refused and not refused.signed_in and refused.error is None
    assert f"{url} is not encrypted: the password and MFA code would travel in clear text" in refused.text()


def test_loopback_never_goes_through_a_proxy(cli: InProcessCli, loopback: LoopbackServers, sandbox: Sandbox) -> None:
    proxy = loopback(lambda method, path, query: (502, {"error": "proxied"}, {}))
    env = {"MMOAUTH_SERVER_TOKEN": sandbox.admin_token, "HTTP_PROXY": proxy.url, "ALL_PROXY": proxy.url}
    result = cli("connections", "list", "--server", sandbox.url, "--json", env=env)
    assert result.code == 0, result.err
    assert proxy.requests == []
