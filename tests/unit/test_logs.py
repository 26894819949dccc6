from __future__ import annotations

import logging
from pathlib import Path

import pytest

from mmoauth_gui.logs import redact, setup_logging

SECRETS = ["s3cr+t/value", "hunter2pass", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig", "srvtoken1234567890"]


@pytest.mark.parametrize(
    "line",
    [
        "POST body client_secret=s3cr+t/value&grant_type=client_credentials",
        '{"client_secret": "s3cr+t/value"}',
        "password: hunter2pass",
        '{"access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig", "token_type": "Bearer"}',
        "Authorization: Bearer srvtoken1234567890",
        "headers={'authorization': 'BEARER srvtoken1234567890'}",
        "sent Basic czNjcitoL3ZhbHVl to the endpoint",
    ],
)
def test_redact_removes_secret_values(line: str) -> None:
    out = redact(line)
    assert "[redacted]" in out
    assert not any(s in out for s in SECRETS + ["czNjcitoL3ZhbHVl"])


def test_redact_keeps_ordinary_text() -> None:
    text = "validated connection Jira: token_type=Bearer expires_in=3600 at https://auth/token"
    assert redact(text) == text


def test_log_file_is_redacted(tmp_path: Path) -> None:
    handler = setup_logging(tmp_path / "logs" / "app.log")
    log = logging.getLogger("mmoauth_gui.test")
    try:
        log.info("request with client_secret=%s", "s3cr+t/value")
        try:
            raise RuntimeError("Authorization: Bearer srvtoken1234567890")
        except RuntimeError:
            log.exception("failed")
    finally:
        handler.flush()
        logging.getLogger("mmoauth_gui").removeHandler(handler)
        handler.close()
    text = (tmp_path / "logs" / "app.log").read_text()
    assert "request with client_secret=[redacted]" in text and "RuntimeError" in text
    assert not any(s in text for s in SECRETS)


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ('{"id": "cmd1", "token": "8xk3n5q9ybdt7pq1wz6m2s4rfa"}', "8xk3n5q9ybdt7pq1wz6m2s4rfa"),
        ("MMOAUTH_SERVER_TOKEN=srvtoken1234567890 mmoauth-gui connections list", "srvtoken1234567890"),
    ],
)
def test_server_and_command_tokens_redacted(line: str, secret: str) -> None:
    assert secret not in redact(line)


@pytest.mark.parametrize(
    "line",
    [
        "oauth2: cannot fetch token: 404 Not Found",
        'Post "https://idp.example.com/oauth/token": dial tcp 10.0.0.1:443: connect: connection refused',
    ],
)
def test_error_prose_about_tokens_kept(line: str) -> None:
    assert redact(line) == line


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("GET https://admin:hunter2-pass@mm.example.com/api/v4", "hunter2-pass"),
        ("id token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJl in the answer", "eyJzdWIiOiJib3QifQ"),
        ("Cookie: MMAUTHTOKEN=8xk3n5q9yb; MMUSERID=u1", "8xk3n5q9yb"),
        ("POST https://mm.example.com/hooks/o7rc5zjbg3yfmkxa8ntu9a6kxh", "o7rc5zjbg3yfmkxa8ntu9a6kxh"),
        ("GET /callback?token=abc123&team=ops", "abc123"),
        ("Authorization: Token 8xk3n5q9ybdt7pq1wz6m2s4rfa", "8xk3n5q9ybdt7pq1wz6m2s4rfa"),  # a command's own token
        ('{"Authorization": "MAC kid=abc123def456"}', "abc123def456"),
    ],
)
def test_the_redaction_gaps_are_closed(line: str, secret: str) -> None:
    assert secret not in redact(line)
