"""``mmoauth-gui validate`` as a user runs it: a subprocess against the sandbox's demo token endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from authserver import AUDIENCE, SECRET, AuthServer
from validation_support import FAULT_SECRET, FaultServer

from mmoauth_gui.sandbox import Sandbox

DESIGN_FIELDS = {
    "ok",
    "category",
    "http_status",
    "error",
    "error_description",
    "hint",
    "auth_method",
    "token_type",
    "expires_in",
    "scope",
    "claims",
    "elapsed_ms",
}


def cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and not k.startswith("MMOAUTH_")}
    environment["MMOAUTH_DATA_DIR"] = os.environ["MMOAUTH_DATA_DIR"]
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "validate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def demo(sb: Sandbox, index: int = 0) -> tuple[str, str]:
    client = sb.demo_clients[index]
    return client["client_id"], client["client_secret"]


def test_demo_client_validates(sandbox: Sandbox) -> None:
    client_id, secret = demo(sandbox)
    run = cli("--token-url", sandbox.token_url, "--client-id", client_id, env={"MMOAUTH_CLIENT_SECRET": secret})

    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Token obtained in ")
    assert "in the form body (client_secret_post), the way Mattermost asks" in run.stdout
    assert "Bearer, expires in" in run.stdout and "--reveal-token prints it in full" in run.stdout
    assert "signature was NOT verified" in run.stdout and f"client_id: {client_id}" in run.stdout
    assert secret not in run.stdout + run.stderr
    assert run.stderr == ""


def test_wrong_secret_exits_1_and_is_explained(sandbox: Sandbox) -> None:
    client_id, _ = demo(sandbox)
    typed = "wrong-secret-from-stdin"
    run = cli("--token-url", sandbox.token_url, "--client-id", client_id, stdin=typed + "\n")

    assert run.returncode == 1
    assert run.stdout.startswith("No token: refused by the token endpoint.")
    assert "OAuth error:   invalid_client — Client authentication failed." in run.stdout
    assert "the client ID or secret is wrong" in run.stdout
    assert typed not in run.stdout + run.stderr


def test_json_carries_every_design_field_and_no_secret(sandbox: Sandbox) -> None:
    client_id, secret = demo(sandbox, 1)  # the secret with + / : % and a space
    run = cli("--token-url", sandbox.token_url, "--client-id", client_id, "--json", stdin=secret + "\n")

    assert run.returncode == 0, run.stdout + run.stderr
    body = json.loads(run.stdout)
    assert DESIGN_FIELDS <= set(body)
    assert body["ok"] is True and body["category"] == "ok" and body["http_status"] == 200
    assert body["auth_method"] == "client_secret_post" and body["token_type"] == "Bearer"
    assert body["scope"] == "reports.read reports.write" and body["claims"]["client_id"] == client_id
    assert "access_token" not in body and secret not in run.stdout


def test_reveal_token_only_when_asked(sandbox: Sandbox) -> None:
    client_id, secret = demo(sandbox)
    env = {"MMOAUTH_CLIENT_SECRET": secret}
    shown = cli("--token-url", sandbox.token_url, "--client-id", client_id, "--json", "--reveal-token", env=env)
    token = json.loads(shown.stdout)["access_token"]
    assert token.count(".") == 2

    plain = cli("--token-url", sandbox.token_url, "--client-id", client_id, "--reveal-token", env=env)
    assert plain.returncode == 0 and "Access token:  eyJ" in plain.stdout
    assert "--reveal-token prints" not in plain.stdout


def test_password_grant_reads_secret_then_password(sandbox: Sandbox) -> None:
    legacy = next(c for c in sandbox.demo_clients if "password" in c["grant_types"])
    user = sandbox.demo_user
    run = cli(
        "--token-url",
        sandbox.token_url,
        "--client-id",
        legacy["client_id"],
        "--grant-type",
        "password",
        "--username",
        user["username"],
        "--json",
        stdin=f"{legacy['client_secret']}\n{user['password']}\n",
    )
    body = json.loads(run.stdout)
    assert run.returncode == 0 and body["grant_type"] == "password" and body["claims"]["sub"] == user["username"]
    assert user["password"] not in run.stdout

    wrong = cli(
        "--token-url",
        sandbox.token_url,
        "--client-id",
        legacy["client_id"],
        "--grant-type",
        "password",
        "--username",
        user["username"],
        "--json",
        env={"MMOAUTH_CLIENT_SECRET": legacy["client_secret"], "MMOAUTH_PASSWORD": "not-it"},
    )
    assert wrong.returncode == 1 and json.loads(wrong.stdout)["error"] == "invalid_grant"


def test_issuer_discovery(sandbox: Sandbox) -> None:
    client_id, secret = demo(sandbox)
    run = cli("--issuer", sandbox.issuer, "--client-id", client_id, "--json", env={"MMOAUTH_CLIENT_SECRET": secret})

    body = json.loads(run.stdout)
    assert run.returncode == 0, body
    assert body["token_url"] == sandbox.token_url and body["discovery"]["token_endpoint"] == sandbox.token_url


def test_auto_auth_method_reports_the_attempts(sandbox: Sandbox) -> None:
    client_id, secret = demo(sandbox)
    run = cli(
        "--token-url",
        sandbox.token_url,
        "--client-id",
        client_id,
        "--auth-method",
        "auto",
        "--json",
        env={"MMOAUTH_CLIENT_SECRET": secret},
    )
    body = json.loads(run.stdout)
    assert body["ok"] and body["mattermost_compatible"] is True and len(body["attempts"]) == 1


def test_every_failure_category_exits_1(faults: FaultServer, refused_url: str) -> None:
    env = {"MMOAUTH_CLIENT_SECRET": FAULT_SECRET}
    for url, category in [
        ("ftp://example.com/token", "config"),
        (refused_url, "network"),
        (f"{faults.url}/html", "invalid_response"),
        (f"{faults.url}/token-delay/3000", "timeout"),
    ]:
        run = cli("--token-url", url, "--client-id", "c", "--timeout", "0.5", "--json", env=env)
        assert run.returncode == 1, (url, run.stderr)
        assert json.loads(run.stdout)["category"] == category
        assert FAULT_SECRET not in run.stdout + run.stderr


def test_ca_file_trusts_an_internal_certificate(tls_server: FaultServer, tls_cert: Path) -> None:
    env = {"MMOAUTH_CLIENT_SECRET": FAULT_SECRET}
    url = f"{tls_server.url}/token-delay/0"
    untrusted = cli("--token-url", url, "--client-id", "c", env=env)
    assert untrusted.returncode == 1 and untrusted.stdout.startswith("No token: certificate not trusted.")
    assert "self-signed certificate" in untrusted.stdout and "--ca-file" in untrusted.stdout

    trusted = cli("--token-url", url, "--client-id", "c", "--ca-file", str(tls_cert), env=env)
    assert trusted.returncode == 0, trusted.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--client-id", "c"], "Give the token URL"),
        (["--token-url", "https://as.example.com/t", "--client-id", "c", "--timeout", "0"], "positive"),
        (["--token-url", "https://as.example.com/t", "--client-id", "c", "--grant-type", "password"], "--username"),
        (
            ["--token-url", "https://as.example.com/t", "--client-id", "c", "--ca-file", "/nonexistent.pem"],
            "Cannot use --ca-file",
        ),
        (["--token-url", "https://as.example.com/t", "--client-id", "c", "--auth-method", "digest"], "invalid choice"),
        (["--token-url", "https://as.example.com/t"], "--client-id"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    run = cli(*args, env={"MMOAUTH_CLIENT_SECRET": "s"})
    assert run.returncode == 2 and message in run.stderr and run.stdout == ""


def test_no_secret_is_a_usage_error() -> None:
    run = cli("--token-url", "https://as.example.com/t", "--client-id", "c", stdin="")
    assert run.returncode == 2 and "MMOAUTH_CLIENT_SECRET" in run.stderr


def test_expectations_met_and_signature_verified_exit_0(auth: AuthServer) -> None:
    run = cli(
        "--token-url",
        auth.token_url,
        "--client-id",
        "post-client",
        "--expect-audience",
        AUDIENCE,
        "--expect-issuer",
        auth.issuer,
        "--json",
        env={"MMOAUTH_CLIENT_SECRET": SECRET},
    )

    assert run.returncode == 0, run.stderr
    body = json.loads(run.stdout)
    assert body["verification"]["status"] == "verified" and body["verification"]["issuer"] == auth.issuer
    assert set(body["verification"]) >= {"status", "key_id", "issuer", "reason"}
    assert [(e["what"], e["expected"], e["ok"]) for e in body["expectations"]] == [
        ("audience", AUDIENCE, True),
        ("issuer", auth.issuer, True),
    ]


def test_unmet_expectation_exits_1_and_says_what_to_configure(auth: AuthServer) -> None:
    run = cli(
        "--token-url",
        auth.token_url,
        "--client-id",
        "post-client",
        "--expect-audience",
        "https://api.example.com/",
        "--expect-scope",
        "commands.write",
        "--expect-scope",
        "read",
        env={"MMOAUTH_CLIENT_SECRET": SECRET},
    )

    assert run.returncode == 1, run.stderr
    assert run.stdout.startswith("Token obtained in ")
    assert "Signature:     signature verified" in run.stdout
    assert "audience https://api.example.com/: NOT MET — The token is for" in run.stdout
    assert "scope commands.write: NOT MET" in run.stdout and "scope read: NOT MET" in run.stdout
    assert "Verdict:       the integration would refuse this token." in run.stdout
    assert "Mattermost sends no audience or resource parameter, so the token carries" in run.stdout
    assert "Access token claims (signature verified):" in run.stdout


def test_hmac_token_is_said_to_be_not_verifiable(sandbox: Sandbox) -> None:
    client_id, secret = demo(sandbox)
    run = cli(
        "--token-url", sandbox.token_url, "--client-id", client_id, "--json", env={"MMOAUTH_CLIENT_SECRET": secret}
    )

    assert run.returncode == 0, run.stderr
    verification = json.loads(run.stdout)["verification"]
    assert verification["status"] == "not_verifiable"
    assert "cannot be verified without the shared key" in verification["reason"]
