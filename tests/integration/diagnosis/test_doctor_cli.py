"""``mmoauth-gui doctor`` as a user runs it, against sandboxes in several settings: the checks, the JSON
contract, the exit codes, and the server's own failures after real failing executions through the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support.recorder import Recorder

from mmoauth_gui.sandbox import Sandbox

CHECK_KEYS = {"id", "status", "subject", "message", "hint"}
TOKEN_FAILED = "Failed to retrieve token for outgoing oauth connection"


def doctor(sb: Sandbox, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and not k.startswith("MMOAUTH_")}
    env["MMOAUTH_DATA_DIR"] = os.environ["MMOAUTH_DATA_DIR"]
    env["MMOAUTH_SERVER_TOKEN"] = token or sb.admin_token
    return subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "doctor", "--server", sb.url, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def doctor_json(sb: Sandbox, token: str | None = None) -> tuple[int, dict[str, Any]]:
    run = doctor(sb, "--json", "--no-latency", token=token)
    assert run.returncode in (0, 1), run.stderr
    return run.returncode, json.loads(run.stdout)


def by_id(body: dict[str, Any], check_id: str) -> list[dict[str, Any]]:
    return [c for c in body["checks"] if c["id"] == check_id]


def seed(rec_url: str, allowed: str | None) -> dict[str, Any]:
    """A command and a webhook on the recorder (loopback); /good/* has a connection, /bad/* a refused one."""
    data: dict[str, Any] = {
        "teams": [
            {
                "name": "eng",
                "channels": ["town-square"],
                "commands": [
                    {"trigger": "deploy", "url": f"{rec_url}/good/deploy", "method": "P"},
                    {"trigger": "broken", "url": f"{rec_url}/bad/broken", "method": "P"},
                ],
                "outgoing_webhooks": [
                    {"display_name": "Notifier", "trigger_words": ["ship"], "callback_urls": [f"{rec_url}/bad/notify"]}
                ],
            }
        ],
        "connections": [
            {
                "name": "Good",
                "client_id": "mattermost-commands",
                "client_secret": "{secret:mattermost-commands}",
                "oauth_token_url": "{token_url}",
                "audiences": [f"{rec_url}/good/*"],
            },
            {
                "name": "Refused",
                "client_id": "mattermost-commands",
                "client_secret": "wrong-secret",
                "oauth_token_url": "{token_url}",
                "audiences": [f"{rec_url}/bad/*"],
            },
        ],
    }
    if allowed is not None:
        data["settings"] = {"ServiceSettings.AllowedUntrustedInternalConnections": allowed}
    return data


@pytest.fixture
def allowed(recorder: Recorder) -> Iterator[Sandbox]:
    with Sandbox(seed=seed(recorder.url, "127.0.0.0/8")) as sb:
        yield sb


@pytest.fixture
def not_allowed(recorder: Recorder) -> Iterator[Sandbox]:
    with Sandbox(seed=seed(recorder.url, None)) as sb:
        yield sb


def test_loopback_allowed_passes_with_the_json_contract(allowed: Sandbox) -> None:
    code, body = doctor_json(allowed)

    assert code == 0
    assert set(body) == {"checks", "recent_failures"}
    assert all(set(c) == CHECK_KEYS and c["status"] in ("ok", "warn", "fail", "unknown") for c in body["checks"])
    assert [c["status"] for c in by_id(body, "license.sku")] == ["ok"]
    assert [c["status"] for c in by_id(body, "feature.enabled")] == ["ok"]
    assert by_id(body, "outbound.internal") == []
    assert body["recent_failures"] == []


def test_loopback_not_allowed_command_will_and_token_may_be_refused(not_allowed: Sandbox, recorder: Recorder) -> None:
    code, body = doctor_json(not_allowed)

    assert code == 1
    internal = {c["subject"]: c for c in by_id(body, "outbound.internal")}
    command = internal[f"{recorder.url}/good/deploy"]
    assert command["status"] == "fail" and "will be refused" in command["message"]
    assert "AllowedUntrustedInternalConnections" in command["hint"] and "from this computer" in command["hint"]
    token = internal[not_allowed.token_url]
    assert token["status"] == "warn" and "may be refused" in token["message"]
    assert internal[f"{recorder.url}/bad/notify"]["status"] == "fail"


def test_feature_off_fails(allowed: Sandbox) -> None:
    allowed.feature = "off"
    code, body = doctor_json(allowed)

    assert code == 1
    (feature,) = by_id(body, "feature.enabled")
    assert feature["status"] == "fail" and "EnableOutgoingOAuthConnections = true" in feature["hint"]
    assert any("Outgoing OAuth connections" in c["message"] for c in by_id(body, "access.integrations"))


def test_commands_off_warns(allowed: Sandbox) -> None:
    allowed.commands_enabled = False
    code, body = doctor_json(allowed)

    assert code == 0
    (commands,) = by_id(body, "commands.enabled")
    assert commands["status"] == "warn" and "turned off" in commands["message"]


def test_non_admin_gets_unknowns_that_say_which_rights(allowed: Sandbox) -> None:
    code, body = doctor_json(allowed, token=allowed.user_token)

    assert code == 0
    (config,) = by_id(body, "access.config")
    assert config["status"] == "unknown" and "system admin" in config["hint"]
    (logs,) = by_id(body, "access.logs")
    assert logs["status"] == "unknown" and "get_logs" in logs["message"]
    assert [c["status"] for c in by_id(body, "license.sku")] == ["ok"]  # the sanitised licence keeps the SKU
    assert [c["status"] for c in by_id(body, "commands.enabled")] == ["ok"]  # from the client config


def test_failures_after_real_executions_are_grouped_and_attributed(allowed: Sandbox) -> None:
    sb = allowed
    team = sb.state.team_by_name("eng")
    assert team is not None
    channel = sb.state.integrations.channel_by_name(team.id, "town-square")
    assert channel is not None
    headers = {"Authorization": f"Bearer {sb.admin_token}"}
    with httpx.Client(base_url=sb.url, headers=headers, trust_env=False, timeout=30) as admin:
        ran = admin.post("/api/v4/commands/execute", json={"channel_id": channel.id, "command": "/broken"})
        assert ran.status_code == 200
        assert admin.post("/api/v4/posts", json={"channel_id": channel.id, "message": "ship it"}).status_code == 201
    sb.state.integrations.wait_deliveries(1)
    hook = sb.state.integrations.hooks(team_id=team.id)[0]
    refused = next(c for c in sb.state.connections() if c.name == "Refused")

    code, body = doctor_json(sb)

    failures = body["recent_failures"]
    assert len(failures) == 2 and all(f["message"].startswith(TOKEN_FAILED) for f in failures)
    assert failures[0]["time"] >= failures[1]["time"]  # newest first
    webhook_line = next(f for f in failures if "webhook_id" in f)
    assert webhook_line["webhook_id"] == hook.id and webhook_line["connection_id"] == refused.id
    command_line = next(f for f in failures if "webhook_id" not in f)
    assert "connection_id" not in command_line  # the server's command line names neither
    assert set(command_line) == {"time", "level", "message"} and command_line["level"] == "error"
    text = doctor(sb, "--no-latency").stdout
    assert f"Connection Refused ({refused.id}): 1" in text and f"Webhook Notifier ({hook.id}): 1" in text
    assert "Command slash command (unidentified): 1" in text


def test_unreachable_server_exits_3(allowed: Sandbox) -> None:
    url = allowed.url
    allowed.stop()
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["MMOAUTH_SERVER_TOKEN"] = "x" * 26
    run = subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "doctor", "--server", url, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 3, run.stderr
