"""``python -m mmoauth_gui connections ...`` end to end, as a subprocess against a running sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from support.sandboxes import add_password_grant_connection

from mmoauth_gui.core.model import Connection


def cli(*args: str, token: str | None = None, stdin: str = "", env: dict[str, str] | None = None) -> Any:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MMOAUTH_") or k == "MMOAUTH_DATA_DIR"}
    if token is not None:
        full_env["MMOAUTH_SERVER_TOKEN"] = token
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "connections", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
    )


def assert_clean(result: Any, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in result.stdout and secret not in result.stderr


def by_name(sb: Any) -> dict[str, Connection]:
    return {c.name: c for c in sb.state.connections()}


def test_list_json_prints_every_connection_past_the_first_page(empty_sandbox: Any) -> None:
    sb = empty_sandbox
    creds = sb.demo_clients[0]
    for i in range(27):
        sb.state.add_connection(
            f"svc {i:02d}", creds["client_id"], creds["client_secret"], sb.token_url, [f"https://svc{i}.example.com/*"]
        )
    result = cli("list", "--server", sb.url, "--json", token=sb.admin_token)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 27
    assert {r["id"] for r in rows} == {c.id for c in sb.state.connections()}
    assert [r["name"] for r in rows] == sorted(r["name"] for r in rows)
    assert all("client_secret" not in r and "credentials_password" not in r for r in rows)
    assert_clean(result, sb.admin_token, creds["client_secret"])

    table = cli("list", "--server", sb.url, token=sb.admin_token)
    assert table.returncode == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ID", "CLIENT", "ID", "TOKEN", "URL", "AUDIENCES"]
    assert sum(1 for line in lines if line.startswith("svc ")) == 27
    assert "27 connections" in table.stdout


def test_list_text_warns_about_overlapping_audiences(sandbox: Any) -> None:
    result = cli("list", "--server", sandbox.url, token=sandbox.admin_token)
    assert result.returncode == 0
    assert "Helpdesk (legacy ticket)" in result.stdout
    assert "warning:" in result.stderr and "overlap" in result.stderr


def test_team_only_user_lists_with_team_name_and_is_told_without(sandbox: Any) -> None:
    ok = cli("list", "--server", sandbox.url, "--team", "engineering", "--json", token=sandbox.user_token)
    assert ok.returncode == 0, ok.stderr
    assert len(json.loads(ok.stdout)) == len(sandbox.state.connections())

    denied = cli("list", "--server", sandbox.url, token=sandbox.user_token)
    assert denied.returncode == 2
    assert "manage_slash_commands" in denied.stderr and "--team" in denied.stderr
    assert_clean(denied, sandbox.user_token)

    unknown = cli("list", "--server", sandbox.url, "--team", "no-such-team", token=sandbox.user_token)
    assert unknown.returncode == 2 and "no-such-team" in unknown.stderr


def test_show_text_and_json(sandbox: Any) -> None:
    pager = by_name(sandbox)["Pager"]
    text = cli("show", pager.id, "--server", sandbox.url, token=sandbox.admin_token)
    assert text.returncode == 0, text.stderr
    assert "Name:" in text.stdout and "Pager" in text.stdout
    assert "https://pager.example.com/api/oncall" in text.stdout and "https://pager.example.com/api/ack" in text.stdout
    assert "********" in text.stdout
    assert_clean(text, pager.client_secret)

    as_json = cli("show", pager.id, "--server", sandbox.url, "--json", token=sandbox.admin_token)
    assert json.loads(as_json.stdout) == Connection.from_json(pager.public_dict()).public_dict()

    missing = cli("show", "b" * 26, "--server", sandbox.url, token=sandbox.admin_token)
    assert missing.returncode == 2 and "deleted meanwhile" in missing.stderr


def test_create_reads_the_secret_from_stdin(empty_sandbox: Any) -> None:
    sb = empty_sandbox
    creds = sb.demo_clients[0]
    result = cli(
        "create",
        "--server",
        sb.url,
        "--json",
        "--name",
        "From CLI",
        "--client-id",
        creds["client_id"],
        "--token-url",
        sb.token_url,
        "--audience",
        "https://cli.example.com/a",
        "--audience",
        "https://cli.example.com/b/*",
        token=sb.admin_token,
        stdin=creds["client_secret"] + "\n",
    )
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    stored = sb.state.connection(created["id"])
    assert stored is not None and stored.client_secret == creds["client_secret"]
    assert created["audiences"] == ["https://cli.example.com/a", "https://cli.example.com/b/*"]
    assert "client_secret" not in created
    assert_clean(result, creds["client_secret"], sb.admin_token)


def test_create_password_grant_from_environment(empty_sandbox: Any) -> None:
    sb = empty_sandbox
    result = cli(
        "create",
        "--server",
        sb.url,
        "--name",
        "Portal",
        "--client-id",
        "portal",
        "--token-url",
        sb.token_url,
        "--audience",
        "https://portal.example.com/*",
        "--grant-type",
        "password",
        "--username",
        "svc",
        token=sb.admin_token,
        env={"MMOAUTH_CLIENT_SECRET": "env-secret-1", "MMOAUTH_PASSWORD": "env-password-1"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Created connection “Portal”")
    stored = by_name(sb)["Portal"]
    assert (stored.client_secret, stored.credentials_password, stored.credentials_username) == (
        "env-secret-1",
        "env-password-1",
        "svc",
    )
    assert_clean(result, "env-secret-1", "env-password-1")


def test_update_a_password_grant_connection_keeps_what_is_not_given(sandbox: Any) -> None:
    legacy = by_name(sandbox)["Legacy Portal"]
    stored = sandbox.state.connection(legacy.id)
    assert stored is not None and stored.grant_type == "password" and stored.credentials_password

    renamed = cli("update", legacy.id, "--server", sandbox.url, "--name", "Legacy (renamed)", token=sandbox.admin_token)
    assert renamed.returncode == 0, renamed.stderr
    after = sandbox.state.connection(legacy.id)
    assert after is not None and after.name == "Legacy (renamed)"
    assert (after.client_secret, after.credentials_username, after.credentials_password) == (
        stored.client_secret,
        stored.credentials_username,
        stored.credentials_password,
    )

    new_user = cli("update", legacy.id, "--server", sandbox.url, "--username", "svc-other", token=sandbox.admin_token)
    assert new_user.returncode == 0, new_user.stderr
    after = sandbox.state.connection(legacy.id)
    assert after is not None and (after.credentials_username, after.credentials_password) == (
        "svc-other",
        stored.credentials_password,
    )

    new_password = cli(
        "update", legacy.id, "--server", sandbox.url, "--new-password",
        token=sandbox.admin_token, env={"MMOAUTH_PASSWORD": "rotated-password-5"},
    )  # fmt: skip
    assert new_password.returncode == 0, new_password.stderr
    after = sandbox.state.connection(legacy.id)
    assert after is not None and (after.credentials_password, after.client_secret) == (
        "rotated-password-5",
        stored.client_secret,
    )
    assert_clean(new_password, "rotated-password-5", stored.client_secret)


def test_create_lists_every_broken_rule_before_any_request(closed_port: int) -> None:
    result = cli(
        "create",
        "--server",
        f"http://127.0.0.1:{closed_port}",
        "--name",
        "x" * 70,
        "--token-url",
        "HTTPS://idp.example.com/token",
        "--audience",
        "ftp://a.example.com",
        "--audience",
        "https://ok.example.com/x",
        token="unused-token",
        stdin="",
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert "breaks 5 rules" in lines[0]
    assert any(line.strip().startswith("Name:") and "64" in line for line in lines)
    assert any(line.strip().startswith("Client ID:") for line in lines)
    assert any(line.strip().startswith("Client Secret:") and "MMOAUTH_CLIENT_SECRET" in line for line in lines)
    assert any(line.strip().startswith("OAuth Token URL:") and "lowercase" in line for line in lines)
    assert any(line.strip().startswith("Audience URLs:") and "Audience URL 1" in line for line in lines)


def test_update_keeps_the_stored_secret_unless_a_new_one_is_given(sandbox: Any) -> None:
    ci = by_name(sandbox)["CI Hooks"]
    result = cli(
        "update",
        ci.id,
        "--server",
        sandbox.url,
        "--name",
        "CI Hooks v2",
        "--audience",
        "https://ci.example.com/v2/*",
        token=sandbox.admin_token,
        env={"MMOAUTH_CLIENT_SECRET": "ignored-without-flag"},
    )
    assert result.returncode == 0, result.stderr
    assert "Updated connection “CI Hooks v2”" in result.stdout
    assert "stored secret is kept" in result.stderr
    stored = sandbox.state.connection(ci.id)
    assert stored.name == "CI Hooks v2" and stored.audiences == ("https://ci.example.com/v2/*",)
    assert stored.client_secret == ci.client_secret and stored.oauth_token_url == ci.oauth_token_url

    validated = cli("validate", ci.id, "--server", sandbox.url, token=sandbox.admin_token)
    assert validated.returncode == 0, validated.stdout + validated.stderr

    rotated = cli(
        "update",
        ci.id,
        "--server",
        sandbox.url,
        "--new-secret",
        "--json",
        token=sandbox.admin_token,
        stdin="rotated-secret-7\n",
    )
    assert rotated.returncode == 0, rotated.stderr
    assert json.loads(rotated.stdout)["id"] == ci.id
    assert sandbox.state.connection(ci.id).client_secret == "rotated-secret-7"
    assert_clean(rotated, "rotated-secret-7")

    refused = cli("validate", ci.id, "--server", sandbox.url, token=sandbox.admin_token)
    assert refused.returncode == 1 and "FAILED" in refused.stdout
    assert_clean(refused, "rotated-secret-7")


def test_update_renames_a_password_grant_connection_keeping_its_credentials(empty_sandbox: Any) -> None:
    sb = empty_sandbox
    user = sb.demo_user
    conn = add_password_grant_connection(sb, "Portal", "https://portal.example.com/*")
    result = cli("update", conn.id, "--server", sb.url, "--name", "Portal 2", token=sb.admin_token)
    assert result.returncode == 0, result.stderr
    stored = sb.state.connection(conn.id)
    assert stored.name == "Portal 2"
    assert (stored.credentials_username, stored.credentials_password) == (user["username"], user["password"])


def test_update_checks_rules_and_needs_a_change(sandbox: Any, closed_port: int) -> None:
    ci = by_name(sandbox)["CI Hooks"]
    nothing = cli("update", ci.id, "--server", sandbox.url, token=sandbox.admin_token)
    assert nothing.returncode == 2 and "Nothing to change" in nothing.stderr

    bad = cli(
        "update",
        ci.id,
        "--server",
        f"http://127.0.0.1:{closed_port}",
        "--token-url",
        "idp.example.com",
        "--audience",
        "nope",
        token=sandbox.admin_token,
    )
    assert bad.returncode == 1
    assert "OAuth Token URL:" in bad.stderr and "Audience URLs:" in bad.stderr

    to_password = cli(
        "update",
        ci.id,
        "--server",
        sandbox.url,
        "--grant-type",
        "password",
        "--username",
        "u",
        token=sandbox.admin_token,
    )
    assert to_password.returncode == 1 and "--new-password" in to_password.stderr
    assert sandbox.state.connection(ci.id).grant_type == "client_credentials"


def test_delete_says_what_it_deleted(sandbox: Any) -> None:
    pager = by_name(sandbox)["Pager"]
    result = cli("delete", pager.id, "--server", sandbox.url, token=sandbox.admin_token)
    assert result.returncode == 0, result.stderr
    assert "Deleted connection “Pager”" in result.stdout and pager.id in result.stdout
    assert sandbox.state.connection(pager.id) is None

    again = cli("delete", pager.id, "--server", sandbox.url, "--json", token=sandbox.admin_token)
    assert again.returncode == 2 and "deleted meanwhile" in again.stderr


def test_validate_by_id_of_a_password_grant_connection_takes_the_password(sandbox: Any) -> None:
    portal = by_name(sandbox)["Legacy Portal"]
    password = sandbox.demo_user["password"]
    asked = cli("validate", portal.id, "--server", sandbox.url, token=sandbox.admin_token)
    assert asked.returncode == 1 and "needs its password" in asked.stdout
    from_env = cli(
        "validate", portal.id, "--server", sandbox.url, token=sandbox.admin_token, env={"MMOAUTH_PASSWORD": password}
    )
    assert from_env.returncode == 0, from_env.stdout + from_env.stderr
    from_stdin = cli("validate", portal.id, "--server", sandbox.url, token=sandbox.admin_token, stdin=password + "\n")
    assert from_stdin.returncode == 0, from_stdin.stdout + from_stdin.stderr
    assert_clean(from_stdin, password)


@pytest.mark.parametrize("fix", [False, True])
def test_create_reads_back_a_password_grant_connection_and_offers_the_fix(empty_sandbox: Any, fix: bool) -> None:
    sb = empty_sandbox
    sb.state.drop_credentials_on_create = True  # the open store's INSERT quirk
    portal = sb.demo_client("legacy-portal")
    args = ["create", "--server", sb.url, "--name", "Portal", "--client-id", portal.client_id]
    args += ["--token-url", sb.token_url, "--audience", "https://portal.example.com/*", "--grant-type", "password"]
    args += ["--username", "svc-integration", *(["--fix-credentials"] if fix else [])]
    env = {"MMOAUTH_CLIENT_SECRET": portal.client_secret, "MMOAUTH_PASSWORD": "pw-1-secret"}
    result = cli(*args, token=sb.admin_token, env=env)
    assert result.returncode == 0, result.stderr
    assert "without its username 'svc-integration'" in result.stderr
    stored = by_name(sb)["Portal"]
    if fix:
        assert (stored.credentials_username, stored.credentials_password) == ("svc-integration", "pw-1-secret")
    else:
        assert stored.credentials_username == "" and f"connections update {stored.id}" in result.stderr
    assert_clean(result, "pw-1-secret", portal.client_secret)


def test_validate_all_and_by_id(sandbox: Any) -> None:
    names = by_name(sandbox)
    secrets = [c.client_secret for c in names.values()]
    everything = cli("validate", "--all", "--server", sandbox.url, "--json", token=sandbox.admin_token)
    assert everything.returncode == 1, everything.stderr
    rows = {r["connection_name"]: r for r in json.loads(everything.stdout)}
    assert set(rows) == set(names)
    assert rows["CI Hooks"]["ok"] is True and rows["CI Hooks"]["source"] == "server"
    # a production server keeps the token endpoint's answer to itself: the hint lists what it could be
    assert rows["Standup Bot"]["ok"] is False and rows["Standup Bot"]["category"] == "oauth_error"
    assert "invalid_client" in rows["Standup Bot"]["hint"]
    assert rows["Billing"]["ok"] is False and rows["Billing"]["http_status"] == 502
    assert rows["Legacy Portal"]["category"] == "config" and "needs its password" in rows["Legacy Portal"]["hint"]
    assert_clean(everything, sandbox.admin_token, *secrets)

    good = cli("validate", names["CI Hooks"].id, names["Pager"].id, "--server", sandbox.url, token=sandbox.admin_token)
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.count("OK ") == 2

    text = cli("validate", names["Standup Bot"].id, "--server", sandbox.url, token=sandbox.admin_token)
    assert text.returncode == 1
    assert "FAILED" in text.stdout and "does not say why" in text.stdout and "invalid_client" in text.stdout

    usage = cli("validate", "--server", sandbox.url, token=sandbox.admin_token)
    assert usage.returncode == 2


@pytest.mark.parametrize("action", [["list"], ["show", "c" * 26], ["delete", "c" * 26], ["validate", "--all"]])
def test_without_a_token_exit_2_says_how_to_give_one(sandbox: Any, action: list[str]) -> None:
    result = cli(*action, "--server", sandbox.url)
    assert result.returncode == 2
    assert "MMOAUTH_SERVER_TOKEN" in result.stderr and "--profile" in result.stderr


def test_revoked_token_and_missing_permission_exit_2(sandbox: Any) -> None:
    token = sandbox.admin_token
    denied = cli("delete", by_name(sandbox)["Pager"].id, "--server", sandbox.url, token=sandbox.user_token)
    assert denied.returncode == 2 and "manage_outgoing_oauth_connections" in denied.stderr

    sandbox.state.revoke_token(token)
    revoked = cli("list", "--server", sandbox.url, token=token)
    assert revoked.returncode == 2 and "personal access token" in revoked.stderr
    assert_clean(revoked, token)


def test_unreachable_and_unavailable_exit_3(sandbox: Any, closed_port: int) -> None:
    refused = cli("list", "--server", f"http://127.0.0.1:{closed_port}", token="t0k3n-abc")
    assert refused.returncode == 3 and "refused" in refused.stderr
    assert_clean(refused, "t0k3n-abc")

    sandbox.feature = "off"
    off = cli("list", "--server", sandbox.url, token=sandbox.admin_token)
    assert off.returncode == 3 and "EnableOutgoingOAuthConnections" in off.stderr

    sandbox.feature = "unlicensed"
    unlicensed = cli("show", "c" * 26, "--server", sandbox.url, token=sandbox.admin_token)
    assert unlicensed.returncode == 3 and "Enterprise" in unlicensed.stderr


def test_bad_server_url_is_a_usage_error() -> None:
    result = cli("list", "--server", "chat.example.com", token="t")
    assert result.returncode == 2 and "http://" in result.stderr
    nothing = cli("list", token="t")
    assert nothing.returncode == 2 and "--server" in nothing.stderr


def test_profile_gives_the_server_url_and_team(sandbox: Any) -> None:
    from mmoauth_gui.storage.paths import app_paths
    from mmoauth_gui.storage.profiles import Profile, ProfileStore

    ProfileStore(app_paths()).save(Profile(name="demo", url=sandbox.url, team_name="engineering"))
    listed = cli("list", "--profile", "demo", "--json", token=sandbox.user_token)
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == len(sandbox.state.connections())

    no_token = cli("list", "--profile", "demo")
    assert no_token.returncode == 2
    assert "no stored token" in no_token.stderr and "MMOAUTH_SERVER_TOKEN" in no_token.stderr

    unknown = cli("list", "--profile", "other", token=sandbox.user_token)
    assert unknown.returncode == 2 and "No server profile named “other”" in unknown.stderr and "demo" in unknown.stderr


def test_ca_file_lets_the_cli_trust_an_internal_ca(loopback: Any, self_signed: Any) -> None:
    server = loopback(lambda m, p, q: (200, [], {}), tls=self_signed.server_context)
    untrusted = cli("list", "--server", server.url, "--json", token="tls-token-1")
    assert untrusted.returncode == 3
    assert "CA file" in untrusted.stderr and "--ca-file" in untrusted.stderr
    assert_clean(untrusted, "tls-token-1")

    ca_file = str(self_signed.cert_file)
    trusted = cli("list", "--server", server.url, "--json", "--ca-file", ca_file, token="tls-token-1")
    assert trusted.returncode == 0, trusted.stderr
    assert json.loads(trusted.stdout) == []

    missing = cli("list", "--server", server.url, "--ca-file", "/nonexistent/ca.pem", token="tls-token-1")
    assert missing.returncode == 2 and "/nonexistent/ca.pem" in missing.stderr
