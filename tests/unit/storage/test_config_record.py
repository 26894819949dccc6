"""The local record of applied secret versions: per server, atomic, set aside when unreadable."""

from __future__ import annotations

import json

from mmoauth_gui.storage.config_record import AppliedRecord
from mmoauth_gui.storage.paths import AppPaths


def test_versions_per_server_survive_a_new_instance(paths: AppPaths) -> None:
    record = AppliedRecord(paths)
    assert record.versions("https://a.example.com") == {}
    record.record("https://a.example.com/", "id1", "Weather", 2)
    record.record("https://b.example.com", "id1", "Weather", 5)
    again = AppliedRecord(paths)
    assert again.versions("https://a.example.com") == {"id1": 2}
    assert again.versions("https://b.example.com/api/v4") == {"id1": 5}
    again.forget("https://a.example.com", "id1")
    assert AppliedRecord(paths).versions("https://a.example.com") == {}
    document = json.loads(paths.config_record_file.read_text())
    assert (document["kind"], document["schema"]) == ("config-applied", 1)
    assert document["servers"]["https://b.example.com"] == {"id1": {"name": "Weather", "secret_version": 5}}


def test_an_unreadable_record_is_set_aside_and_counts_as_empty(paths: AppPaths) -> None:
    paths.config_record_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_record_file.write_text("{not json", encoding="utf-8")
    record = AppliedRecord(paths)
    assert record.versions("https://a.example.com") == {}
    assert record.problem is not None and record.problem.set_aside_as is not None
    assert record.problem.set_aside_as.read_text(encoding="utf-8") == "{not json"
    record.record("https://a.example.com", "id1", "W", 1)
    assert AppliedRecord(paths).versions("https://a.example.com") == {"id1": 1}
