"""The offline cache: one file per server, read back as written, unreadable files set aside, never a crash."""

from __future__ import annotations

import json
import time
from pathlib import Path

from preview_seed import SECRET, command_tokens, run_sync

from mmoauth_gui.core.model import Command, Connection, Team
from mmoauth_gui.core.preview.snapshot import SyncResult, describe_age
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.storage.paths import app_paths
from mmoauth_gui.storage.preview_cache import KIND, SCHEMA, PreviewCache


def small_result(url: str = "https://chat.example.com", secret: str = "") -> SyncResult:
    return SyncResult(
        server_url=url,
        fetched_at=1_700_000_000.5,
        teams=(Team("t1", "alpha", "Alpha"),),
        commands=(Command(id="c1", team_id="t1", trigger="w", url="https://h.example.com/w", method="G"),),
        connections=(Connection(id="k1", name="W", client_secret=secret, audiences=("https://h.example.com/*",)),),
        server_answers={"https://h.example.com/w": "k1"},
        server_checked=True,
        team_errors={"t2": "Could not list the team's slash commands (HTTP 403)."},
    )


def test_a_synced_result_comes_back_equal_and_holds_no_secret(sandbox: Sandbox, data_dir: Path) -> None:
    result = run_sync(sandbox, server_check=True)
    cache = PreviewCache()
    path = cache.save(result)
    assert path.parent == app_paths().preview_cache and path.parent.is_relative_to(data_dir)
    assert cache.load(sandbox.url).result == result
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    assert (document["kind"], document["schema"]) == (KIND, SCHEMA)
    assert SECRET not in text and sandbox.admin_token not in text
    assert not [t for t in command_tokens(sandbox) if t in text]
    assert "token" not in document["command_fields"]


def test_one_file_per_server() -> None:
    cache = PreviewCache()
    cache.save(small_result("https://a.example.com"))
    cache.save(small_result("https://b.example.com:8065"))
    assert cache.path_for("https://a.example.com") != cache.path_for("https://b.example.com:8065")
    assert cache.path_for("https://a.example.com/") == cache.path_for("https://a.example.com")
    assert cache.load("https://b.example.com:8065").result == small_result("https://b.example.com:8065")
    assert cache.load("https://c.example.com").result is None
    assert cache.load("https://c.example.com").problem == ""


def test_secrets_of_a_connection_never_reach_the_file() -> None:
    cache = PreviewCache()
    path = cache.save(small_result(secret="never-in-a-file"))
    assert "never-in-a-file" not in path.read_text(encoding="utf-8")
    assert cache.load("https://chat.example.com").result == small_result()


def _set_aside(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".corrupt-*"))


def test_a_corrupt_file_is_set_aside_with_a_message() -> None:
    cache = PreviewCache()
    path = cache.save(small_result())
    path.write_text('{"kind": "preview-cache", "schema": 1, "commands": [', encoding="utf-8")
    loaded = cache.load("https://chat.example.com")
    assert loaded.result is None
    assert "could not be read" in loaded.problem and "Sync again" in loaded.problem
    assert not path.exists() and len(_set_aside(path)) == 1


def test_a_file_not_as_written_is_set_aside() -> None:
    cache = PreviewCache()
    path = cache.save(small_result())
    document = json.loads(path.read_text(encoding="utf-8"))
    document["commands"][0][0] = 12  # an id that is not text
    path.write_text(json.dumps(document), encoding="utf-8")
    loaded = cache.load("https://chat.example.com")
    assert loaded.result is None and "was not as written" in loaded.problem
    assert not path.exists() and len(_set_aside(path)) == 1


def test_a_newer_schema_is_set_aside_not_misread() -> None:
    cache = PreviewCache()
    path = cache.save(small_result())
    document = json.loads(path.read_text(encoding="utf-8"))
    document["schema"] = SCHEMA + 1
    path.write_text(json.dumps(document), encoding="utf-8")
    loaded = cache.load("https://chat.example.com")
    assert loaded.result is None and "newer version" in loaded.problem


def test_ten_thousand_commands_round_trip() -> None:
    commands = tuple(
        Command(id=f"c{i:05d}", team_id=f"t{i % 20}", trigger=f"cmd{i}", url=f"https://h{i % 300}.example.com/{i}")
        for i in range(10_000)
    )
    result = SyncResult("https://big.example.com", time.time(), commands=commands)
    cache = PreviewCache()
    cache.save(result)
    loaded = cache.load("https://big.example.com").result
    assert loaded is not None and loaded.commands == commands


def test_age_is_described_in_words() -> None:
    assert describe_age(1000.0, 1010.0) == "just now"
    assert describe_age(1000.0, 1000.0 + 60) == "1 minute ago"
    assert describe_age(1000.0, 1000.0 + 5 * 3600 + 7) == "5 hours ago"
    assert describe_age(1000.0, 1000.0 + 3 * 86400) == "3 days ago"
    assert describe_age(2000.0, 1000.0) == "just now"  # a clock that went back
