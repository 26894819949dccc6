"""Mattermost faults as the command line meets them: exit 2 with "sign in again" when the token stops working
part-way through a command, exit 3 for a server that answers 5xx or nonsense or pages forever, and Ctrl+C
ending a command stuck on a slow server at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hardening_support import ExpiringToken, InProcessCli, LoopbackServers

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.paths import app_paths

ExpireToken = Callable[[Sandbox, str, int], ExpiringToken]
SIGN_IN_AGAIN = "Sign in again"


def server_env(token: str) -> dict[str, str]:
    return {"MMOAUTH_SERVER_TOKEN": token}


def by_name(sb: Sandbox, name: str) -> Any:
    return next(c for c in sb.state.connections() if c.name == name)


# ---- the token stops working part-way through a command: exit 2, "sign in again", nothing half-done -------


def test_update_whose_token_expires_after_reading_exits_2_and_changes_nothing(
    cli: InProcessCli, sandbox: Sandbox, expire_token: ExpireToken
) -> None:
    pager = by_name(sandbox, "Pager")
    expiring = expire_token(sandbox, sandbox.admin_token, 1)  # the GET of the stored copy, then the PUT fails
    result = cli(
        "connections",
        "update",
        pager.id,
        "--name",
        "Pager v2",
        "--new-secret",
        "--server",
        sandbox.url,
        stdin="n3w-pager-s3cret\n",
        env=server_env(sandbox.admin_token),
    )
    assert expiring.expired
    assert result.code == 2, result.err
    assert SIGN_IN_AGAIN in result.err and "Could not update connection" in result.err and "HTTP 401" in result.err
    assert sandbox.state.connection(pager.id) == pager
    assert "n3w-pager-s3cret" not in result.err + result.out and sandbox.admin_token not in result.err


def test_validate_all_whose_token_expires_after_listing_exits_2_once(
    cli: InProcessCli, sandbox: Sandbox, expire_token: ExpireToken
) -> None:
    expire_token(sandbox, sandbox.admin_token, 1)  # the list works, every validation is refused
    result = cli("connections", "validate", "--all", "--server", sandbox.url, env=server_env(sandbox.admin_token))
    assert result.code == 2, result.out + result.err
    assert SIGN_IN_AGAIN in result.err and result.err.count(SIGN_IN_AGAIN) == 1
    assert "FAILED" not in result.out  # the connections were not found wanting: the sign-in was


def test_validate_without_the_permission_exits_2_naming_it(cli: InProcessCli, sandbox: Sandbox) -> None:
    result = cli(
        "connections",
        "validate",
        "--all",
        "--team",
        "engineering",
        "--server",
        sandbox.url,
        env=server_env(sandbox.user_token),
    )
    assert result.code == 2, result.out + result.err
    assert "manage_outgoing_oauth_connections" in result.err and result.err.count("HTTP 403") == 1


def test_validate_all_when_the_feature_is_turned_off_mid_way_exits_3_once(
    cli: InProcessCli, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookup = sandbox.state.user_for_token

    def then_off(token: str) -> Any:
        user = lookup(token)
        sandbox.feature = "off"  # after the listing, every validation meets the 501
        return user

    monkeypatch.setattr(sandbox.state, "user_for_token", then_off)
    result = cli("connections", "validate", "--all", "--server", sandbox.url, env=server_env(sandbox.admin_token))
    assert result.code == 3, result.out + result.err
    assert result.err.count("HTTP 501") == 1 and "EnableOutgoingOAuthConnections" in result.err


def test_push_whose_token_expires_mid_way_exits_2_and_keeps_the_draft(
    cli: InProcessCli, sandbox: Sandbox, expire_token: ExpireToken
) -> None:
    env = server_env(sandbox.admin_token)
    pulled = cli("drafts", "pull", by_name(sandbox, "Pager").id, "--server", sandbox.url, "--json", env=env)
    assert pulled.code == 0, pulled.err
    draft_id = pulled.json()["draft"]["id"]
    assert cli("drafts", "edit", draft_id, "--audience", "https://pager.example.com/v2/*").code == 0
    expire_token(sandbox, sandbox.admin_token, 1)
    pushed = cli("drafts", "push", draft_id, "--server", sandbox.url, env=env)
    assert pushed.code == 2, pushed.err
    assert SIGN_IN_AGAIN in pushed.err
    kept = cli("drafts", "show", draft_id, "--json").json()
    assert kept["connection"]["audiences"] == ["https://pager.example.com/v2/*"] and kept["status"] == "modified"


def test_preview_whose_token_expires_mid_sync_exits_2_and_keeps_the_last_good_cache(
    cli: InProcessCli, sandbox: Sandbox, expire_token: ExpireToken
) -> None:
    env = server_env(sandbox.admin_token)
    first = cli("preview", "--server", sandbox.url, "--json", env=env)
    assert first.code == 0, first.err
    cache_files = list(app_paths().preview_cache.glob("*.json"))
    assert len(cache_files) == 1
    cached = cache_files[0].read_bytes()
    expire_token(sandbox, sandbox.admin_token, 3)
    again = cli("preview", "--server", sandbox.url, "--json", env=env)
    assert again.code == 2 and SIGN_IN_AGAIN in again.err and again.out == ""
    assert cache_files[0].read_bytes() == cached
    offline = cli("preview", "--server", sandbox.url, "--offline", "--json")
    assert offline.code == 0 and offline.json()["offline"] is True


# ---- server faults: exit 3 with what happened and what to do ----------------------------------------------


def test_a_500_shows_the_servers_detailed_error_and_exits_3(cli: InProcessCli, loopback: LoopbackServers) -> None:
    detail = 'pq: relation "outgoingoauthconnections" does not exist'
    body = {
        "id": "app.outgoing_oauth_connection.list.app_error",
        "message": "Unable to list the connections.",
        "detailed_error": detail,
        "request_id": "x",
        "status_code": 500,
    }
    server = loopback(lambda m, p, q: (500, body, {}))
    result = cli("connections", "list", "--server", server.url, env=server_env("tok-500-cli"))
    assert result.code == 3
    assert f"Server detail: {detail}" in result.err and "Unable to list the connections" in result.err


@pytest.mark.parametrize(
    ("status", "body"),
    [(502, b"<html><h1>502 Bad Gateway</h1></html>"), (503, b""), (503, {"id": "x", "message": "maintenance"})],
)
def test_gateway_errors_exit_3(cli: InProcessCli, loopback: LoopbackServers, status: int, body: Any) -> None:
    server = loopback(lambda m, p, q: (status, body, {"Content-Type": "text/html"} if isinstance(body, bytes) else {}))
    for args in (["connections", "list"], ["preview"], ["connections", "show", "c" * 26]):
        result = cli(*args, "--server", server.url, env=server_env("tok-gw-cli"))
        assert result.code == 3, (args, result.err)
        assert f"HTTP {status}" in result.err and "try again later" in result.err and "<html>" not in result.err


@pytest.mark.parametrize("raw", [b'[{"id": "abc", "na', b"[" * 100_000 + b"]" * 100_000, b"<html>login</html>"])
def test_malformed_json_exits_3(cli: InProcessCli, loopback: LoopbackServers, raw: bytes) -> None:
    server = loopback(lambda m, p, q: (200, raw, {}))
    result = cli("connections", "list", "--server", server.url, env=server_env("tok-json-cli"))
    assert result.code == 3
    assert "not JSON" in result.err and "Mattermost server's address" in result.err


def test_a_paging_cursor_that_never_ends_is_stopped_with_a_message(
    cli: InProcessCli, loopback: LoopbackServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mmoauth_gui.services.mattermost import client as mattermost

    monkeypatch.setattr(mattermost, "MAX_PAGES", 5)

    def endless(method: str, path: str, query: dict[str, str]) -> Any:
        start = int(query.get("from_id") or "0") + 1
        return 200, [{"id": f"{start + i:026d}", "name": f"c{start + i}"} for i in range(100)], {}

    server = loopback(endless)
    started = time.perf_counter()
    result = cli("connections", "list", "--server", server.url, "--json", env=server_env("tok-paging"))
    assert time.perf_counter() - started < 10
    assert result.code == 3 and result.out == ""
    assert "kept sending full pages" in result.err and "stopped" in result.err and "incomplete" in result.err
    assert len(server.requests) == 5


def test_the_page_limit_is_far_beyond_any_real_server() -> None:
    from mmoauth_gui.services.mattermost import client as mattermost

    assert mattermost.MAX_PAGES * mattermost.PAGE_LIMIT >= 10_000


# ---- a slow server: Ctrl+C ends the command at once ---------------------------------------------------------


HOLD_S = 60  # the slow server holds each answer this long (a process exit on a loaded machine takes seconds)


def _as_from_a_terminal() -> None:
    """Ctrl+C as a shell gives it: the test worker's own signal state (an ignored or blocked SIGINT, which
    a child inherits) must not decide what is tested."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@pytest.mark.parametrize("command", [["connections", "list"], ["preview"], ["drafts", "pull", "c" * 26]])
def test_ctrl_c_on_a_slow_server_ends_the_command_at_once(
    loopback: LoopbackServers, data_dir: Path, command: list[str]
) -> None:
    arrived, release = threading.Event(), threading.Event()

    def slow(method: str, path: str, query: dict[str, str]) -> Any:
        arrived.set()
        release.wait(HOLD_S)
        return 503, b"", {}

    server = loopback(slow)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MMOAUTH_")}
    env.update({"MMOAUTH_SERVER_TOKEN": "tok-slow-cli", "MMOAUTH_DATA_DIR": str(data_dir)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "mmoauth_gui", *command, "--server", server.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_as_from_a_terminal,
    )
    try:
        assert arrived.wait(30), "the command never reached the server"
        sent = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=HOLD_S)
        took = time.perf_counter() - sent
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert took < HOLD_S / 4  # it did not wait for the answer the server holds
    assert "Traceback" not in err and "tok-slow-cli" not in out + err
    assert not list(app_paths(data_dir).preview_cache.glob("*.json"))
