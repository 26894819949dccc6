"""One scripted session through every path that carries a secret, with DEBUG logging on, then a scan of every
file written and every output for every secret used; and the rotating log, redacted in every file it keeps.

Secrets here: the demo clients' secrets, the demo user's and the Mattermost users' passwords, secrets made up
for the session, the Mattermost tokens (given, and got by signing in), the slash commands' tokens, and every
access token the demo endpoint issued (recorded as it signs them).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import logging.handlers
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import platformdirs
import pytest
from hardening_support import InProcessCli
from support.keyrings import MemoryKeyring

from mmoauth_gui.logs import setup_logging
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.sandbox import token_endpoint as token_endpoint_module
from mmoauth_gui.sandbox.sandbox import MFA_CODE
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.token.client import TokenRequest, basic_authorization, request_token
from mmoauth_gui.storage.paths import APP_NAME, AppPaths, app_paths
from mmoauth_gui.storage.profiles import Profile, ProfileStore
from mmoauth_gui.storage.secrets import SecretKind, SecretStore
from mmoauth_gui.storage.validations import ValidationStore, server_key

MADE_UP = {
    "stdin": "stdin-only-s3cret-7f3a9c",
    "update": "upd4ted-secret+/:%-value 88",
    "wrong": "wr0ng-s3cret-never-valid-41",
    "draft": "draft-s3cret-c0ffee-19",
}


@pytest.fixture
def debug_log(data_dir: Path) -> Iterator[Path]:
    """The app's rotating log in the data dir's log folder, at DEBUG, as the app sets it up."""
    root = logging.getLogger("mmoauth_gui")
    level = root.level
    paths = app_paths()
    handler = setup_logging(paths.log_file, level=logging.DEBUG)
    try:
        yield paths.log_file
    finally:
        handler.flush()
        root.removeHandler(handler)
        handler.close()
        root.setLevel(level)


@pytest.fixture
def issued_tokens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every access token the demo token endpoint signs, from now on."""
    issued: list[str] = []
    sign = token_endpoint_module.sign_hs256

    def recording(claims: dict[str, Any], key: bytes, **kwargs: Any) -> str:
        token = sign(claims, key, **kwargs)
        issued.append(token)
        return token

    monkeypatch.setattr(token_endpoint_module, "sign_hs256", recording)
    return issued


def forms(secret: str) -> set[str]:
    """A secret as it could appear: as is, and URL-encoded either way."""
    return {secret, quote(secret, safe=""), quote_plus(secret, safe="")}


def token_forms(token: str) -> set[str]:
    """A JWT access token, and its signature alone (the part nobody may see)."""
    parts = token.split(".")
    return {token, parts[-1]} if len(parts) == 3 else {token}


def sign_in(sb: Sandbox, login_id: str, password: str, mfa: str = "") -> str:
    async def go() -> str:
        async with make_http_client(timeout=10.0) as http:
            return await MattermostClient.login(sb.url, login_id, password, mfa, http)

    return asyncio.run(go())


def desktop_result(sb: Sandbox, client: dict[str, Any]) -> Any:
    async def go() -> Any:
        async with httpx.AsyncClient(timeout=10.0) as http:
            return await request_token(http, TokenRequest(sb.token_url, client["client_id"], client["client_secret"]))

    return asyncio.run(go())


def connection_id(result: Any) -> str:
    return str(result.out.rsplit("(", 1)[1].split(")", 1)[0])


def test_no_secret_reaches_a_file_a_log_or_an_output(
    cli: InProcessCli,
    sandbox: Sandbox,
    memory_keyring: MemoryKeyring,
    debug_log: Path,
    issued_tokens: list[str],
    data_dir: Path,
    tmp_path: Path,
) -> None:
    sb = sandbox
    plain, reports, portal = sb.demo_clients  # reports' secret holds + / : % and a space
    owner = sb.demo_user
    server = {"MMOAUTH_SERVER_TOKEN": sb.admin_token}
    run = cli

    # -- connections on the server: secrets from the environment and from standard input ------------------------
    env_made = run(
        "connections",
        "create",
        "--server",
        sb.url,
        "--name",
        "Env secret",
        "--client-id",
        plain["client_id"],
        "--token-url",
        sb.token_url,
        "--audience",
        "https://env.example.com/*",
        env={**server, "MMOAUTH_CLIENT_SECRET": plain["client_secret"]},
    )
    assert env_made.code == 0, env_made.err
    password_made = run(
        "connections",
        "create",
        "--server",
        sb.url,
        "--name",
        "Password grant",
        "--client-id",
        portal["client_id"],
        "--token-url",
        sb.token_url,
        "--grant-type",
        "password",
        "--username",
        owner["username"],
        "--audience",
        "https://portal-owner.example.com/*",  # the demo's Legacy Portal has portal.example.com
        stdin=f"{portal['client_secret']}\n{owner['password']}\n",
        env=server,
    )
    assert password_made.code == 0, password_made.err
    stdin_made = run(
        "connections",
        "create",
        "--server",
        sb.url,
        "--name",
        "Made-up secret",
        "--client-id",
        "unknown-client",
        "--token-url",
        sb.token_url,
        "--audience",
        "https://made-up.example.com/x",
        stdin=MADE_UP["stdin"] + "\n",
        env=server,
    )
    assert stdin_made.code == 0, stdin_made.err
    made_up_id = connection_id(stdin_made)
    refused = run("connections", "validate", made_up_id, "--server", sb.url, env=server)
    assert refused.code == 1 and "invalid_client" in refused.out
    updated = run(
        "connections",
        "update",
        made_up_id,
        "--new-secret",
        "--server",
        sb.url,
        stdin=MADE_UP["update"] + "\n",
        env=server,
    )
    assert updated.code == 0, updated.err
    rotated = run(
        "connections",
        "update",
        connection_id(env_made),
        "--new-secret",
        "--server",
        sb.url,
        env={**server, "MMOAUTH_CLIENT_SECRET": plain["client_secret"]},
    )
    assert rotated.code == 0, rotated.err
    assert run("connections", "validate", "--all", "--json", "--server", sb.url, env=server).code == 1  # some fail
    assert run("connections", "list", "--json", "--server", sb.url, env=server).code == 0
    assert run("connections", "show", made_up_id, "--server", sb.url, env=server).code == 0

    # -- validate from this computer: every grant and auth method, right and wrong secrets ----------------------
    ok = run(
        "validate",
        "--token-url",
        sb.token_url,
        "--client-id",
        plain["client_id"],
        "--json",
        env={"MMOAUTH_CLIENT_SECRET": plain["client_secret"]},
    )
    assert ok.code == 0 and ok.json()["ok"] is True
    basic = run(
        "validate",
        "--token-url",
        sb.token_url,
        "--client-id",
        reports["client_id"],
        "--auth-method",
        "basic",
        stdin=reports["client_secret"] + "\n",
    )
    assert basic.code == 0, basic.out
    assert (
        run(
            "validate",
            "--token-url",
            sb.token_url,
            "--client-id",
            plain["client_id"],
            "--auth-method",
            "auto",
            stdin=MADE_UP["wrong"] + "\n",
        ).code
        == 1
    )
    password = run(
        "validate",
        "--token-url",
        sb.token_url,
        "--client-id",
        portal["client_id"],
        "--grant-type",
        "password",
        "--username",
        owner["username"],
        "--json",
        stdin=f"{portal['client_secret']}\n{owner['password']}\n",
    )
    assert password.code == 0, password.out
    assert (
        run(
            "validate",
            "--issuer",
            sb.issuer,
            "--client-id",
            plain["client_id"],
            env={"MMOAUTH_CLIENT_SECRET": plain["client_secret"]},
        ).code
        == 0
    )

    # -- a profile whose token is in the keyring ------------------------------------------------------------------
    paths = app_paths()
    secrets = SecretStore()
    ProfileStore(paths, secrets).save(Profile(name="demo", url=sb.url, team_name="engineering"))
    assert secrets.set(SecretKind.SERVER_TOKEN, "demo", sb.admin_token) is True  # into the keyring
    assert run("connections", "list", "--profile", "demo").code == 0
    session_token = sign_in(sb, sb.admin.username, sb.admin.password)
    mfa_token = sign_in(sb, sb.mfa_user.username, sb.mfa_user.password, MFA_CODE)
    ProfileStore(paths, secrets).save(
        Profile(name="by password", url=sb.url, auth="password", username=sb.mfa_user.username)
    )
    secrets.set(SecretKind.SERVER_TOKEN, "by password", mfa_token)
    assert run("connections", "list", "--json", "--profile", "by password").code == 0
    assert run("connections", "list", "--server", sb.url, env={"MMOAUTH_SERVER_TOKEN": session_token}).code == 0

    # -- drafts: new, edit, validate, push, pull, export, import ------------------------------------------------
    new = run(
        "drafts",
        "new",
        "--name",
        "Draft env",
        "--client-id",
        plain["client_id"],
        "--token-url",
        sb.token_url,
        "--audience",
        "https://draft-env.example.com/*",
        "--server",
        "demo",
        env={"MMOAUTH_CLIENT_SECRET": plain["client_secret"]},
    )
    assert new.code == 0, new.err
    piped = run(
        "drafts",
        "new",
        "--name",
        "Draft stdin",
        "--client-id",
        reports["client_id"],
        "--token-url",
        sb.token_url,
        "--audience",
        "https://draft-stdin.example.com/*",
        "--secret-from-stdin",
        stdin=MADE_UP["draft"] + "\n",
    )
    assert piped.code == 0, piped.err
    assert run("drafts", "edit", "Draft stdin", "--secret-from-stdin", stdin=reports["client_secret"] + "\n").code == 0
    assert run("drafts", "validate", "Draft env", "--json").code == 0
    assert run("drafts", "validate", "Draft stdin", "--auth-method", "basic").code == 0
    assert run("drafts", "validate", "Draft stdin", "--secret-from-stdin", stdin=MADE_UP["wrong"] + "\n").code == 1
    assert run("drafts", "push", "Draft env", "--json").code == 0  # to its target: the profile, its stored token
    assert run("drafts", "push", "Draft stdin", "--server", sb.url, env=server).code == 0
    pager = next(c for c in sb.state.connections() if c.name == "Pager")
    assert run("drafts", "pull", pager.id, "--server", sb.url, env=server).code == 0
    exported = tmp_path / "exports" / "drafts.json"
    assert run("drafts", "export", "--out", str(exported)).code == 0
    assert run("drafts", "import", str(exported), "--on-clash", "rename").code == 0
    server_export = tmp_path / "exports" / "server.json"
    assert run("drafts", "export", "--out", str(server_export), "--profile", "demo").code == 0

    # -- the preview, live and offline, as if the drafts were saved ---------------------------------------------
    assert run("preview", "--server", sb.url, "--json", env=server).code == 0
    assert run("preview", "--profile", "demo", "--with-drafts", "--csv").code == 0
    assert run("preview", "--server", sb.url, "--offline").code == 0

    # -- what the app keeps of a validation -----------------------------------------------------------------------
    kept = desktop_result(sb, plain)
    assert kept.ok and kept.access_token
    ValidationStore(paths).put(server_key(sb.url, pager.id), kept)

    # -- a token revoked since: refused, and the refusal says nothing secret -------------------------------------
    sb.state.revoke_token(session_token)
    assert run("connections", "list", "--server", sb.url, env={"MMOAUTH_SERVER_TOKEN": session_token}).code == 2

    # ---- the scan -------------------------------------------------------------------------------------------
    logging.getLogger("mmoauth_gui").handlers[0].flush()
    users = [sb.admin, sb.team_user, sb.mfa_user]
    command_tokens = [c.token for t in sb.state.teams() for c in sb.state.commands_of_team(t.id)]
    secrets_used: dict[str, set[str]] = {
        "client secret": {v for c in sb.demo_clients for v in forms(c["client_secret"])},
        "made-up secret": {v for s in MADE_UP.values() for v in forms(s)},
        "password": forms(owner["password"]) | {v for u in users for v in forms(u.password)},
        "server token": {sb.admin_token, sb.user_token, session_token, mfa_token},
        "command token": set(command_tokens),
        "access token": {v for t in issued_tokens for v in token_forms(t)},
        "basic header": {basic_authorization(c["client_id"], c["client_secret"]).split()[1] for c in sb.demo_clients},
    }
    assert len(command_tokens) >= 10 and len(issued_tokens) >= 10  # the session did use them
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    kinds = {p.relative_to(data_dir).parts[0] for p in written if p.is_relative_to(data_dir)}
    assert kinds >= {"config", "data", "state", "cache", "logs"}, kinds
    leaks = [
        f"{what} in {path.relative_to(tmp_path)}"
        for path in written
        for what, values in secrets_used.items()
        for value in values
        if value.encode() in path.read_bytes()
    ]
    leaks += [
        f"{what} in output {i}"
        for i, output in enumerate(cli.outputs)
        for what, values in secrets_used.items()
        for value in values
        if value in output
    ]
    assert not leaks, leaks

    # The log did record the session (at DEBUG), and the keyring holds what was meant to be kept.
    log_text = debug_log.read_text(encoding="utf-8")
    assert "DEBUG mmoauth_gui.services.mattermost.client: POST /api/v4/oauth/outgoing_connections -> 201" in log_text
    assert "mmoauth_gui.services.token.client: token request to" in log_text
    assert sb.admin_token in memory_keyring.items.values()
    assert plain["client_secret"] in memory_keyring.items.values()


def _write_log(size: int, secrets: dict[str, str]) -> None:
    log = logging.getLogger("mmoauth_gui.services.token.client")
    lines = [
        ("POST body grant_type=client_credentials&client_id=c&client_secret=%s", secrets["client_secret"]),
        ('answer {"access_token": "%s", "token_type": "Bearer"}', secrets["access_token"]),
        ("request headers {'Authorization': 'Bearer %s'}", secrets["server_token"]),
        ("sign-in with password=%s", secrets["password"]),
        ('command {"id": "c1", "token": "%s"}', secrets["command_token"]),
    ]
    written = 0
    n = 0
    while written < size:
        template, value = lines[n % len(lines)]
        log.debug(template + " #%d", value, n)
        written += len(template) + len(value) + 80
        n += 1
        if n % 1000 == 0:
            try:
                raise RuntimeError(f"token endpoint failed: Authorization: Basic {secrets['basic']}")
            except RuntimeError:
                log.exception("validation failed")


def test_the_log_rotates_in_the_log_folder_and_every_file_is_redacted(debug_log: Path) -> None:
    secrets = {
        "client_secret": "rot4te-s3cret+/value",
        "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJyb3QifQ.c2lnbmF0dXJlLXJvdGF0aW9u",
        "server_token": "srvtok9x8w7v6u5t4s3r2q1p",
        "password": "hunter2-rotation",
        "command_token": "cmdtok5q9ybdt7pq1wz6m2s4r",
        "basic": base64.b64encode(b"client:rot4te-s3cret").decode(),
    }
    _write_log(2_600_000, secrets)
    files = sorted(debug_log.parent.glob(debug_log.name + "*"))
    assert [f.name for f in files] == [debug_log.name, f"{debug_log.name}.1", f"{debug_log.name}.2"]
    for path in files:
        assert path.stat().st_size <= 1_000_000
        text = path.read_text(encoding="utf-8")
        assert "[redacted]" in text
        for name, secret in secrets.items():
            assert secret not in text, f"{name} in {path.name}"
    rotated = files[-1].read_text(encoding="utf-8")
    assert "client_secret=[redacted]" in rotated and '"access_token": "[redacted]"' in rotated


def test_the_log_keeps_five_rotated_files_at_most(debug_log: Path) -> None:
    handler = next(
        h for h in logging.getLogger("mmoauth_gui").handlers if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    assert handler.maxBytes == 1_000_000 and handler.backupCount == 5
    assert Path(handler.baseFilename) == debug_log


def test_the_log_file_lives_in_the_platforms_log_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MMOAUTH_DATA_DIR")
    paths = app_paths()
    assert paths == AppPaths.platform_default()
    assert paths.log_file.parent == Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
