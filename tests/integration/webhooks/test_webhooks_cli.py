"""``try``, ``preview --kind`` and ``connections update|delete --dry-run`` as a user runs them: subprocesses against
the sandbox, whose integrations are the test's own recording endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from support.recorder import Recorder

from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.sandbox.jwt_sign import verify_hs256


def cli(sb: Sandbox, data_dir: Path, *args: str, stdin: str = "", secret: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MMOAUTH_")}
    env.update({"MMOAUTH_DATA_DIR": str(data_dir), "MMOAUTH_SERVER_TOKEN": sb.admin_token})
    if secret:
        env["MMOAUTH_CLIENT_SECRET"] = secret
    return subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", *args, "--server", sb.url],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=90,
    )


def as_json(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    value = json.loads(done.stdout)
    assert isinstance(value, dict)
    return value


def good_secret(sb: Sandbox) -> str:
    return str(sb.demo_client("mattermost-commands").client_secret)


def hook_id(sb: Sandbox, name: str) -> str:
    return next(h.id for h in sb.state.integrations.hooks() if h.display_name == name)


def conn_id(sb: Sandbox, name: str) -> str:
    return next(c.id for c in sb.state.connections() if c.name == name)


def test_try_command_from_here_sends_what_the_server_would(
    hooks_sandbox: Sandbox, recorder: Recorder, data_dir: Path
) -> None:
    sb = hooks_sandbox
    done = cli(
        sb,
        data_dir,
        "try",
        "command",
        "--team",
        "eng",
        "--trigger",
        "deploy",
        "--text",
        "v2",
        "--json",
        secret=good_secret(sb),
    )
    assert done.returncode == 0, done.stderr
    data = as_json(done)
    assert (data["ok"], data["kind"], data["sent"], data["outcome"]) == (True, "command", True, "ok")
    assert data["connection_id"] == conn_id(sb, "Good")
    assert data["token"]["ok"] is True and data["token"]["category"] == "ok"
    (got,) = recorder.requests
    assert verify_hs256(got.headers["authorization"].split(" ", 1)[1], sb.token_signing_key)
    form = got.form()
    command_token = next(c.token for c in sb.state.commands_of_team(form["team_id"]) if c.trigger == "deploy")
    assert form["token"] == command_token and form["command"] == "/deploy" and form["text"] == "v2"
    assert form["team_domain"] == "eng" and form["user_name"] == "sysadmin"
    # What was sent, as printed: every field, secrets redacted, test values labelled.
    request = data["request"]
    assert request["method"] == "POST" and request["url"] == got_url(recorder, "/good/deploy")
    assert set(request["form"]) == set(form)
    assert request["form"]["token"] == "[redacted]" and command_token not in done.stdout
    assert request["headers"]["Authorization"] == "Bearer [redacted]"
    assert got.headers["authorization"].split(" ", 1)[1] not in done.stdout
    assert "channel_id" in request["test_values"]
    assert data["response"]["status"] == 200
    assert data["response"]["command_response"] == {
        "response_type": "in_channel",
        "text": "recorded",
        "attachments": [{"text": "a"}],
    }


def got_url(recorder: Recorder, path: str) -> str:
    return recorder.url + path


def test_try_command_with_a_refused_token_falls_back_and_exits_1(
    hooks_sandbox: Sandbox, recorder: Recorder, data_dir: Path
) -> None:
    sb = hooks_sandbox
    done = cli(sb, data_dir, "try", "command", "--team", "eng", "--trigger", "deploy", stdin="not-the-secret\n")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the token failed; the request went out with the command token" in done.stdout
    assert "Token: FAILED (oauth_error)" in done.stdout
    (got,) = recorder.requests
    assert got.headers["authorization"].startswith("Token ")
    assert got.headers["authorization"].split(" ", 1)[1] not in done.stdout


def test_try_webhook_callbacks_token_failure_is_not_sent(
    hooks_sandbox: Sandbox, recorder: Recorder, data_dir: Path
) -> None:
    sb = hooks_sandbox
    notifier = hook_id(sb, "Notifier")
    refused = cli(sb, data_dir, "try", "webhook", notifier, "--callback", "2", "--json", secret="wrong-secret")
    assert refused.returncode == 1
    data = as_json(refused)
    assert (data["sent"], data["outcome"], data["token"]["ok"]) == (False, "not_sent", False)
    assert recorder.requests == []
    plain = cli(sb, data_dir, "try", "webhook", notifier, "--callback", "3", "--json")  # no connection: no secret asked
    assert plain.returncode == 0, plain.stderr
    data = as_json(plain)
    assert data["token"] is None and data["sent"] is True
    (got,) = recorder.requests
    assert got.path == "/none/notify" and "authorization" not in got.headers
    assert got.json()["trigger_word"] == "ship" and got.json()["text"].startswith("ship")
    assert data["request"]["json"]["token"] == "[redacted]"
    assert cli(sb, data_dir, "try", "webhook", notifier, "--callback", "4").returncode == 2


def test_through_the_server_needs_yes_then_runs_it(hooks_sandbox: Sandbox, recorder: Recorder, data_dir: Path) -> None:
    sb = hooks_sandbox
    args = ("try", "command", "--team", "eng", "--trigger", "broken", "--through-server", "--channel", "builds")
    asked = cli(sb, data_dir, *args)
    assert asked.returncode == 2 and "Add --yes" in asked.stderr and "~builds" in asked.stderr
    assert recorder.requests == []
    done = cli(sb, data_dir, *args, "--yes", "--json")
    assert done.returncode == 1, done.stderr  # the integration answered, but without the OAuth token
    data = as_json(done)
    assert data["through_server"] is True and data["token"]["ok"] is False
    assert "Failed to retrieve token for outgoing oauth connection" in data["token"]["explanation"]
    assert data["server_log"]
    (got,) = recorder.requests
    assert got.headers["authorization"].startswith("Token ")
    hook = cli(
        sb,
        data_dir,
        "try",
        "webhook",
        hook_id(sb, "Notifier"),
        "--callback",
        "2",
        "--through-server",
        "--channel",
        "town-square",
        "--yes",
        "--json",
    )
    data = as_json(hook)
    assert hook.returncode == 1 and data["sent"] is False and data["outcome"] == "not_sent"


def test_preview_kind_and_dry_run_impact_name_both_kinds(hooks_sandbox: Sandbox, data_dir: Path) -> None:
    sb = hooks_sandbox
    hooks = as_json(cli(sb, data_dir, "preview", "--kind", "webhook", "--json"))
    assert {r["kind"] for r in hooks["rows"]} == {"webhook"}
    assert sorted((r["display_name"], r["callback_index"]) for r in hooks["rows"]) == [
        ("Form hook", 0),
        ("Notifier", 0),
        ("Notifier", 1),
        ("Notifier", 2),
    ]
    assert any(w["kind"] == "webhook_split" for w in hooks["warnings"])
    form_hook = next(r for r in hooks["rows"] if r["display_name"] == "Form hook")
    assert form_hook["channel_name"] == "builds" and form_hook["trigger_words"] == ["build"]
    good = conn_id(sb, "Good")
    before = len(sb.state.connections())
    deleted = cli(sb, data_dir, "connections", "delete", good, "--dry-run", "--json")
    assert deleted.returncode == 0, deleted.stderr
    impact = as_json(deleted)["impact"]
    lost = {(i["kind"], i.get("trigger") or i.get("display_name")) for i in impact["lost"]}
    assert lost == {("command", "deploy"), ("command", "status"), ("webhook", "Notifier"), ("webhook", "Form hook")}
    assert all(set(i) >= {"kind", "team_id", "id", "url"} for i in impact["lost"])
    assert len(sb.state.connections()) == before  # a dry run changes nothing
    moved = cli(
        sb,
        data_dir,
        "connections",
        "update",
        conn_id(sb, "Refused"),
        "--audience",
        f"{hooks['rows'][0]['url'].split('/good/')[0]}/good/notify",
        "--dry-run",
        "--json",
    )
    assert moved.returncode == 0, moved.stderr
    impact = as_json(moved)["impact"]
    assert [(i["kind"], i["url"].rsplit("/", 2)[-2:]) for i in impact["lost"]] == [
        ("command", ["bad", "broken"]),
        ("webhook", ["bad", "notify"]),
    ]
    assert [(i["kind"], i["display_name"]) for i in impact["ambiguous"]] == [("webhook", "Notifier")]
    assert sb.state.connection(conn_id(sb, "Refused")).audiences[0].endswith("/bad/*")  # type: ignore[union-attr]


def test_an_integration_that_does_not_answer_exits_3(hooks_sandbox: Sandbox, data_dir: Path) -> None:
    sb = hooks_sandbox
    team = sb.state.team_by_name("eng")
    assert team is not None
    sb.state.add_command(team.id, "dead", "http://127.0.0.1:1/dead")  # nothing listens on port 1
    done = cli(sb, data_dir, "try", "command", "--team", "eng", "--trigger", "dead", "--json")
    assert done.returncode == 3, done.stdout + done.stderr
    data = as_json(done)
    assert data["outcome"] == "unreachable" and data["sent"] is True and data["token"] is None
    assert "did not answer" in data["error"]
