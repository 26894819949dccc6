from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from mmoauth_gui.storage.atomic import CorruptFileError, read_json_file, write_atomic, write_json_atomic
from mmoauth_gui.storage.paths import AppPaths, app_paths


def test_round_trip_with_kind_and_schema(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.json"
    write_json_atomic(target, "thing", 1, {"items": [1, 2]})
    assert read_json_file(target, "thing", 1) == {"kind": "thing", "schema": 1, "items": [1, 2]}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["f.json"]


def test_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    write_atomic(target, "a" * 1000)
    write_atomic(target, "b")
    assert target.read_text() == "b"


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.txt"
    write_atomic(target, "old")

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "Expecting property name"),
        (b"\xff\xfe", "utf-8"),
        (b"[1, 2]", "not a JSON object"),
        (json.dumps({"kind": "other", "schema": 1}).encode(), "not a thing file"),
        (json.dumps({"kind": "thing"}).encode(), "no schema version"),
        (json.dumps({"kind": "thing", "schema": 9}).encode(), "newer version"),
    ],
)
def test_unreadable_file_is_set_aside_not_lost(tmp_path: Path, content: bytes, reason: str) -> None:
    target = tmp_path / "f.json"
    target.write_bytes(content)
    with pytest.raises(CorruptFileError) as info:
        read_json_file(target, "thing", 1)
    err = info.value
    assert reason in err.reason
    assert not target.exists()
    assert err.set_aside_as is not None and err.set_aside_as.read_bytes() == content
    assert "f.json" in str(err) and err.set_aside_as.name in str(err)


def test_set_aside_twice_keeps_both(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    kept = []
    for _ in range(2):
        target.write_text("garbage")
        with pytest.raises(CorruptFileError) as info:
            read_json_file(target, "thing", 1)
        kept.append(info.value.set_aside_as)
    assert len(set(kept)) == 2 and all(p is not None and p.exists() for p in kept)


def test_data_dir_override_moves_every_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = app_paths(tmp_path / "x")
    assert all(str(p).startswith(str(tmp_path / "x")) for p in paths.all())
    monkeypatch.setenv("MMOAUTH_DATA_DIR", str(tmp_path / "env"))
    assert app_paths().config == (tmp_path / "env" / "config").resolve()
    monkeypatch.delenv("MMOAUTH_DATA_DIR")
    assert app_paths() == AppPaths.platform_default()
