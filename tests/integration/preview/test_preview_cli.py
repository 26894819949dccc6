"""``mmoauth-gui preview`` as a user runs it: a subprocess against the sandbox over loopback."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from preview_seed import SECRET, ids_by_name

from mmoauth_gui.core.drafts.model import Origin
from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.secrets import SecretStore


def cli(*args: str, token: str | None = None, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MMOAUTH_SERVER_TOKEN"}
    env["MMOAUTH_DATA_DIR"] = str(data_dir)
    if token:
        env["MMOAUTH_SERVER_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "mmoauth_gui", "preview", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def as_json(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_json_carries_rows_connections_and_warnings(sandbox: Sandbox, data_dir: Path) -> None:
    data = as_json(cli("--server", sandbox.url, "--json", token=sandbox.admin_token, data_dir=data_dir))
    ids = ids_by_name(sandbox)
    rows = {r["trigger"]: r for r in data["rows"]}
    assert len(rows) == 10
    both = rows["both"]
    assert {k: both[k] for k in ("status", "connection_id", "server_connection_id")} == {
        "status": "ambiguous",
        "connection_id": None,
        "server_connection_id": ids["API all"],
    }
    assert sorted(both["matches"]) == sorted([ids["API all"], ids["API v1"]])
    assert both["team_name"] == "Beta" and both["team_id"] and both["command_id"]
    assert both["url"] == "https://api.example.com/v1/both"
    assert rows["weather-slash"]["status"] == "unlinked" and rows["weather-slash"]["matches"] == []
    assert data["counts"] == {"linked": 6, "unlinked": 3, "ambiguous": 1, "mismatch": 0}
    assert {c["name"]: c["used_by"] for c in data["connections"]}["Weather"] == 2
    assert all("client_secret" not in c for c in data["connections"])
    kinds = {w["kind"] for w in data["warnings"]}
    assert {"unused_audience", "ambiguous_overlap", "insecure_url", "unused_connection"} <= kinds
    assert data["server_checked"] is True and data["offline"] is False
    # the sync was cached, with no secret in it
    cached = list(app_paths(data_dir).preview_cache.glob("*.json"))
    assert len(cached) == 1 and SECRET not in cached[0].read_text(encoding="utf-8")


def test_csv_has_a_header_and_a_line_per_command(sandbox: Sandbox, data_dir: Path) -> None:
    done = cli("--server", sandbox.url, "--csv", "--no-server-check", token=sandbox.admin_token, data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    table = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(table) == 10
    deploy = next(r for r in table if r["trigger"] == "deploy")
    assert deploy["url"] == "https://ci.example.com/hooks/deploy?env=prod"
    assert deploy["status"] == "linked" and deploy["connection_id"] == ids_by_name(sandbox)["CI"]
    assert deploy["server_connection_id"] == "" and deploy["method"] == "GET"
    assert deploy["team_name"] == "Alpha" and deploy["connection_name"] == "CI"


def test_strict_fails_on_ambiguity_and_passes_for_a_clean_team(sandbox: Sandbox, data_dir: Path) -> None:
    failed = cli("--server", sandbox.url, "--strict", token=sandbox.admin_token, data_dir=data_dir)
    assert failed.returncode == 1
    assert "1 command ambiguous or mismatched" in failed.stderr
    assert "AMBIGUOUS" in failed.stdout and "/both" in failed.stdout  # the readable table
    clean = cli("--server", sandbox.url, "--team", "alpha", "--strict", token=sandbox.admin_token, data_dir=data_dir)
    assert clean.returncode == 0, clean.stderr
    assert "/deploy" in clean.stdout and "/both" not in clean.stdout


def test_a_forbidden_team_is_reported_and_the_rest_shown(sandbox: Sandbox, data_dir: Path) -> None:
    data = as_json(cli("--server", sandbox.url, "--json", token=sandbox.user_token, data_dir=data_dir))
    errors = [w for w in data["warnings"] if w["kind"] == "team_error"]
    assert len(errors) == 1 and errors[0]["message"].startswith("Gamma: ") and "403" in errors[0]["message"]
    assert {r["team_name"] for r in data["rows"]} == {"Alpha", "Beta"}


def test_offline_uses_the_cache_after_the_server_is_gone(
    sandbox: Sandbox, data_dir: Path, take_down: Callable[[Sandbox], None]
) -> None:
    url = sandbox.url
    assert cli("--server", url, "--json", token=sandbox.admin_token, data_dir=data_dir).returncode == 0
    take_down(sandbox)
    data = as_json(cli("--server", url, "--json", "--offline", "--team", "beta", data_dir=data_dir))
    assert data["offline"] is True and data["age"] == "just now"
    assert {r["trigger"] for r in data["rows"]} == {"both", "forecast", "mine", "root"}
    gone = cli("--server", url, "--json", token=sandbox.admin_token, data_dir=data_dir)
    assert gone.returncode == 3 and "mmoauth-gui:" in gone.stderr


def test_offline_with_nothing_cached_says_what_to_do(data_dir: Path) -> None:
    done = cli("--server", "https://chat.example.com", "--offline", data_dir=data_dir)
    assert done.returncode == 3
    assert "Nothing is cached for https://chat.example.com" in done.stderr and "without --offline" in done.stderr


def test_unreachable_feature_off_and_no_token(sandbox: Sandbox, data_dir: Path, closed_port: int) -> None:
    unreachable = cli("--server", f"http://127.0.0.1:{closed_port}", token="x", data_dir=data_dir)
    assert unreachable.returncode == 3 and unreachable.stdout == ""
    sandbox.feature = "off"
    off = cli("--server", sandbox.url, "--json", token=sandbox.admin_token, data_dir=data_dir)
    assert off.returncode == 3 and "EnableOutgoingOAuthConnections" in off.stderr
    no_token = cli("--server", sandbox.url, data_dir=data_dir)
    assert no_token.returncode == 2 and "MMOAUTH_SERVER_TOKEN" in no_token.stderr


def test_with_drafts_previews_local_drafts_as_if_saved(sandbox: Sandbox, data_dir: Path) -> None:
    ids = ids_by_name(sandbox)
    store = DraftStore(app_paths(data_dir), SecretStore())
    new = store.new(Connection(name="Slash fix", audiences=("https://hooks.example.com/weather/",)))
    pulled = store.new(Connection(name="API v1 narrowed", audiences=("https://api.example.com/v2/*",)))
    store.save(pulled.with_changes(origin=Origin(sandbox.url, ids["API v1"])))
    elsewhere = store.new(Connection(name="Other server", audiences=("https://ci.example.com/hooksX",)))
    store.save(elsewhere.with_changes(server="https://other.example.com"))

    plain = as_json(cli("--server", sandbox.url, "--json", token=sandbox.admin_token, data_dir=data_dir))
    assert plain["drafts_applied"] == []
    token = sandbox.admin_token
    data = as_json(cli("--server", sandbox.url, "--json", "--with-drafts", token=token, data_dir=data_dir))
    assert {d["name"] for d in data["drafts_applied"]} == {"Slash fix", "API v1 narrowed"}
    rows = {r["trigger"]: r for r in data["rows"]}
    assert rows["weather-slash"]["status"] == "linked"
    assert rows["weather-slash"]["connection_id"] == f"draft:{new.id}"
    assert rows["weather-slash"]["server_connection_id"] is None  # the server answered about what is saved
    assert rows["both"]["status"] == "linked" and rows["both"]["connection_id"] == ids["API all"]
    assert rows["hooksx"]["status"] == "unlinked"  # the draft aimed at another server is left out
    names = {c["key"]: c["name"] for c in data["connections"]}
    assert names[f"draft:{new.id}"] == "Slash fix" and names[ids["API v1"]] == "API v1 narrowed"
