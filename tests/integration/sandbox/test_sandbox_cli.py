"""``mmoauth-gui sandbox`` as a user runs it: one JSON line, serve, exit 0 on SIGINT/SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

TIMEOUT = 30


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mmoauth_gui", "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "0"},
    )


def first_line(proc: subprocess.Popen[str]) -> dict[str, object]:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, proc.stderr.read() if proc.stderr else "no output"
    info = json.loads(line)
    assert isinstance(info, dict)
    return info


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_prints_one_json_line_serves_and_exits_0_on_signal(sig: signal.Signals) -> None:
    proc = start("--seed", "demo", "--feature", "off", "--latency-ms", "1")
    try:
        info = first_line(proc)
        assert {"url", "token", "user_token", "token_url", "demo_clients", "mfa_user", "users"} <= set(info)
        assert all({"client_id", "client_secret"} <= set(c) for c in info["demo_clients"])  # type: ignore[attr-defined]
        with httpx.Client(base_url=str(info["url"]), trust_env=False, timeout=10) as client:
            assert client.get("/api/v4/system/ping").json() == {"status": "OK"}
            response = client.get(
                "/api/v4/oauth/outgoing_connections", headers={"Authorization": f"Bearer {info['token']}"}
            )
            assert response.status_code == 501
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out == ""  # nothing after the first line
    assert str(info["token"]) not in err


def test_error_mode_licence_and_duplicate_rule_come_from_flags() -> None:
    proc = start("--seed", "empty", "--errors", "hardened", "--licence", "advanced", "--duplicate-audiences", "allow")
    try:
        info = first_line(proc)
        assert (info["errors"], info["licence"], info["duplicate_audiences"]) == ("hardened", "advanced", "allow")
        with httpx.Client(base_url=str(info["url"]), trust_env=False, timeout=10) as client:
            response = client.get(
                "/api/v4/oauth/outgoing_connections", headers={"Authorization": f"Bearer {info['token']}"}
            )
        assert response.status_code == 500 and response.json()["id"] == ""  # 501 upgrade_needed, hardened
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_a_bad_seed_file_exits_2_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "seed.json"
    bad.write_text('{"teams": [{"name": "Bad Name"}]}')
    proc = subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "sandbox", "--seed", str(bad)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "teams[0].name 'Bad Name'" in proc.stderr


def test_a_busy_port_exits_3(tmp_path: Path) -> None:
    proc = start("--seed", "empty")
    try:
        port = str(first_line(proc)["url"]).rsplit(":", 1)[1]
        second = subprocess.run(
            [sys.executable, "-m", "mmoauth_gui", "sandbox", "--seed", "empty", "--port", port],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert second.returncode == 3
        assert "Pick another --port" in second.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=TIMEOUT)


def test_audience_rule_picks_the_winner_among_several_matches(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    conn = {"client_id": "c", "client_secret": "s", "oauth_token_url": "https://idp.example.com/token"}
    seed.write_text(
        json.dumps(
            {
                "connections": [
                    {**conn, "name": "All", "audiences": ["https://api.example.com/*"]},
                    {**conn, "name": "Exact", "audiences": ["https://api.example.com/v1"]},
                    {**conn, "name": "Later", "audiences": ["https://api.example.com/v*"]},
                ]
            }
        )
    )
    answers: dict[str, object] = {}
    for rule in ("oldest", "newest", "longest"):
        proc = start("--seed", str(seed), "--audience-rule", rule)
        try:
            info = first_line(proc)
            assert info["audience_rule"] == rule and rule in str(info["audience_rule_text"])
            with httpx.Client(base_url=str(info["url"]), trust_env=False, timeout=10) as client:
                found = client.get(
                    "/api/v4/oauth/outgoing_connections",
                    params={"audience": "https://api.example.com/v1"},
                    headers={"Authorization": f"Bearer {info['token']}"},
                ).json()
            answers[rule] = found[0]["name"]
        finally:
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=TIMEOUT)
    assert answers == {"oldest": "All", "newest": "Later", "longest": "Exact"}
    refused = subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "sandbox", "--audience-rule", "random"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert refused.returncode == 2 and "--audience-rule" in refused.stderr
