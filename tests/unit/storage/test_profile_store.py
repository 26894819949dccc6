from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support.keyrings import MemoryKeyring

from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.profiles import CorruptFileError, Profile, ProfileError, ProfileStore
from mmoauth_gui.storage.secrets import SecretKind, SecretStore


def test_save_load_rename_remove(paths: AppPaths) -> None:
    store = ProfileStore(paths)
    assert store.load() == []
    prod = Profile("prod", "https://mm.example.com/", team_id="t1", team_name="Ops")
    store.save(prod)
    store.save(Profile("staging", "https://staging.example.com", auth="password", username="admin"))
    assert prod.url == "https://mm.example.com"

    again = ProfileStore(paths)
    assert [p.name for p in again.load()] == ["prod", "staging"]
    assert again.get("staging") == Profile("staging", "https://staging.example.com", "password", "admin")
    assert again.find_by_url("https://mm.example.com/") == [prod]

    again.save(prod.with_changes(team_name="Operations"))
    assert [p.team_name for p in ProfileStore(paths).load()] == ["Operations", ""]

    renamed = again.rename("prod", "production")
    assert renamed.name == "production" and again.get("prod") is None
    with pytest.raises(ProfileError, match="already exists"):
        again.rename("staging", "production")
    again.remove("staging")
    assert ProfileStore(paths).names() == ["production"]
    with pytest.raises(ProfileError, match="No server profile named"):
        again.remove("staging")

    document = json.loads(paths.profiles_file.read_text())
    assert document["kind"] == "profiles" and document["schema"] == 1


def test_profiles_refuse_missing_fields() -> None:
    with pytest.raises(ProfileError, match="needs a name"):
        Profile(" ", "https://x")
    with pytest.raises(ProfileError, match="needs a server URL"):
        Profile("a", "")
    with pytest.raises(ProfileError, match="sign-in"):
        Profile("a", "https://x", auth="cookie")  # type: ignore[arg-type]


def test_token_follows_rename_and_goes_with_remove(
    paths: AppPaths, memory_keyring: MemoryKeyring, files_containing: Callable[[Path, str], list[Path]]
) -> None:
    secrets = SecretStore()
    store = ProfileStore(paths, secrets)
    store.save(Profile("prod", "https://mm.example.com"))
    secrets.set(SecretKind.SERVER_TOKEN, "prod", "pat-token-123456")
    store.rename("prod", "production")
    assert secrets.get(SecretKind.SERVER_TOKEN, "prod") is None
    assert secrets.get(SecretKind.SERVER_TOKEN, "production") == "pat-token-123456"
    assert files_containing(paths.config, "pat-token-123456") == []
    store.remove("production")
    assert secrets.get(SecretKind.SERVER_TOKEN, "production") is None
    assert memory_keyring.items == {}


def test_a_corrupt_file_is_set_aside_with_its_name(paths: AppPaths) -> None:
    paths.config.mkdir(parents=True)
    paths.profiles_file.write_text('{"kind": "profiles", "schema": 1, "profiles": [')
    store = ProfileStore(paths)
    assert store.load() == []
    problem = store.problem
    assert isinstance(problem, CorruptFileError)
    assert problem.path == paths.profiles_file and problem.set_aside_as is not None
    assert "profiles.json could not be read" in str(problem) and problem.set_aside_as.name in str(problem)
    assert problem.set_aside_as.read_text().endswith('"profiles": [')  # kept, byte for byte
    assert not paths.profiles_file.exists()

    store.save(Profile("new", "https://n.example.com"))
    assert store.problem is None
    assert [p.name for p in ProfileStore(paths).load()] == ["new"]
    assert problem.set_aside_as.exists()


def test_a_newer_schema_is_set_aside_not_overwritten(paths: AppPaths) -> None:
    paths.config.mkdir(parents=True)
    paths.profiles_file.write_text(json.dumps({"kind": "profiles", "schema": 9, "profiles": []}))
    store = ProfileStore(paths)
    assert store.load() == []
    assert store.problem is not None and "newer version" in str(store.problem)


def test_an_unreadable_entry_is_kept_in_the_file(paths: AppPaths) -> None:
    paths.config.mkdir(parents=True)
    odd = {"name": "odd", "url": 42}
    paths.profiles_file.write_text(
        json.dumps({"kind": "profiles", "schema": 1, "profiles": [{"name": "ok", "url": "https://ok"}, odd, "x"]})
    )
    store = ProfileStore(paths)
    assert [p.name for p in store.load()] == ["ok"]
    assert len(store.entry_problems) == 2 and "Profile 2 in profiles.json" in store.entry_problems[0]
    store.save(Profile("more", "https://more"))
    entries = json.loads(paths.profiles_file.read_text())["profiles"]
    assert odd in entries and "x" in entries
    assert [p.name for p in ProfileStore(paths).load()] == ["ok", "more"]
