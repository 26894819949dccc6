"""Files from outside or left damaged: seed files, import files, draft files, the profiles file, the preview
cache and the validations file. Each is read, or refused with its documented error and a message, or set aside
(never deleted) with a message; never a crash.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fuzz_documents import draft_json, entry_json, profile_json, results_json, seeds, sync_json
from fuzz_support import DEEP, FUZZ_FILES, broken_bytes, json_values, objects_with, texts, weighted
from hypothesis import event, given
from hypothesis import strategies as st

from mmoauth_gui.core.drafts.model import DraftError
from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.sandbox.seed import Placeholders, SeedError, apply_seed, load_seed
from mmoauth_gui.sandbox.state import State
from mmoauth_gui.storage.drafts import DraftStore
from mmoauth_gui.storage.drafts_exchange import EXPORT_KIND, ExchangeFileError, read_exchange_file
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.preview_cache import PreviewCache
from mmoauth_gui.storage.profiles import ProfileStore
from mmoauth_gui.storage.secrets import SecretStore
from mmoauth_gui.storage.validations import ValidationStore


@contextmanager
def fresh_paths() -> Iterator[AppPaths]:
    """A data dir of its own for one example (a test's tmp_path is shared by all of them)."""
    with tempfile.TemporaryDirectory(prefix="mmoauth-fuzz-") as root:
        yield AppPaths.under(root)


def envelope(kind: str, body: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    """A file as the app writes it (kind, schema) around a fuzzed body, or the envelope itself fuzzed."""
    good = st.fixed_dictionaries({"kind": st.just(kind), "schema": st.just(1)})
    odd = st.fixed_dictionaries(
        {"kind": st.one_of(st.just(kind), texts), "schema": st.one_of(st.integers(-2, 3), json_values)}
    )
    return weighted(
        (6, st.builds(lambda h, b: {**b, **h}, good, body)),
        (1, st.builds(lambda h, b: {**b, **h}, odd, body)),
        (1, json_values),
    )


def file_bytes(kind: str, body: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[bytes]:
    return broken_bytes(envelope(kind, body))


def only_moved_aside(folder: Path, name: str) -> None:
    """The unreadable file is still there under a new name, not deleted."""
    assert not (folder / name).exists()
    assert list(folder.glob(f"{name}.corrupt-*"))


# ---- seed files (the sandbox) ----------------------------------------------------------------------------


def apply(seed: Any) -> None:
    state = State()
    admin = state.add_user("admin", "pw", system_admin=True)
    user = state.add_user("user", "pw")
    values = Placeholders(
        "http://127.0.0.1:1", "http://127.0.0.1:1/demo-oauth/token", {"mattermost-commands": "s"}, "pw"
    )
    try:
        apply_seed(seed, state, values, admin_id=admin.id, team_user_id=user.id)
    except SeedError as exc:  # a placeholder naming no demo client, found when filled in
        assert str(exc)


@FUZZ_FILES
@given(seeds)
def test_a_seed_is_loaded_or_refused_with_a_seed_error(data: dict[str, Any]) -> None:
    try:
        seed = load_seed(data)
    except SeedError as exc:
        assert str(exc).startswith("seed")
        event("refused")
        return
    event("loaded")
    apply(seed)


@FUZZ_FILES
@given(broken_bytes(seeds))
def test_a_seed_file_is_loaded_or_refused_with_a_seed_error(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / "seed.json"
        path.write_bytes(raw)
        try:
            seed = load_seed(path)
        except SeedError as exc:
            assert str(path) in str(exc)
            event("refused")
            return
    event("loaded")
    apply(seed)


# ---- import files ---------------------------------------------------------------------------------------

exports = weighted(
    (3, st.fixed_dictionaries({"drafts": st.lists(entry_json, max_size=3)})),
    (1, objects_with(["drafts", "exported_at", "source"], st.lists(entry_json, max_size=3) | json_values)),
)


@FUZZ_FILES
@given(file_bytes(EXPORT_KIND, exports))
def test_an_import_file_is_read_or_refused_and_left_untouched(raw: bytes) -> None:
    with fresh_paths() as paths:
        path = paths.data / "import.json"
        path.parent.mkdir(parents=True)
        path.write_bytes(raw)
        try:
            found = read_exchange_file(path)
        except ExchangeFileError as exc:
            assert str(path) in str(exc)
            assert path.read_bytes() == raw
            event("refused")
            return
        event(f"read {len(found)} entries")
        store = DraftStore(paths, SecretStore())
        plan = store.plan_import(found)
        report = store.apply_import(plan, "rename")
        assert len(store.list().drafts) == len(report.added) + len(report.renamed)


# ---- the app's own files, damaged ------------------------------------------------------------------------


@FUZZ_FILES
@given(file_bytes("draft", draft_json), st.sampled_from(["0123456789ab"] * 4 + ["abc", "Not-An-Id"]))
def test_a_draft_file_is_read_or_set_aside_with_a_message(raw: bytes, name: str) -> None:
    with fresh_paths() as paths:
        paths.drafts.mkdir(parents=True)
        (paths.drafts / f"{name}.json").write_bytes(raw)
        store = DraftStore(paths, SecretStore())
        listed = store.list()
        assert len(listed.drafts) + len(listed.problems) == 1
        event("set aside" if listed.problems else "read")
        for problem in listed.problems:
            assert f"{name}.json could not be read" in str(problem)
            only_moved_aside(paths.drafts, f"{name}.json")
        for draft in listed.drafts:
            assert store.get(draft.id) == draft
            assert store.find(draft.id) == draft
        try:
            store.find("0123456789ab")
        except DraftError as exc:
            assert str(exc)


@FUZZ_FILES
@given(file_bytes("profiles", objects_with(["profiles"], st.lists(profile_json | json_values, max_size=3))))
def test_the_profiles_file_is_read_or_set_aside_with_a_message(raw: bytes) -> None:
    with fresh_paths() as paths:
        paths.profiles_file.parent.mkdir(parents=True)
        paths.profiles_file.write_bytes(raw)
        store = ProfileStore(paths)
        profiles = store.load()
        if store.problem is not None:
            assert "profiles.json could not be read" in str(store.problem) and not profiles
            only_moved_aside(paths.config, "profiles.json")
            event("set aside")
            return
        event(f"read {len(profiles)} profiles, {len(store.entry_problems)} kept unread")
        assert all(p.name and p.url for p in profiles)
        assert all(isinstance(m, str) and m for m in store.entry_problems)
        if profiles:  # a save keeps the entries it could not read
            before = len(json.loads(paths.profiles_file.read_text("utf-8"))["profiles"])
            store.save(profiles[0])
            assert len(json.loads(paths.profiles_file.read_text("utf-8"))["profiles"]) == before


@FUZZ_FILES
@given(file_bytes("preview-cache", sync_json))
def test_the_preview_cache_is_read_or_set_aside_with_a_message(raw: bytes) -> None:
    with fresh_paths() as paths:
        cache = PreviewCache(paths)
        path = cache.path_for("https://chat.example.com")
        path.parent.mkdir(parents=True)
        path.write_bytes(raw)
        loaded = cache.load("https://chat.example.com")
        if loaded.result is None:
            assert path.name in loaded.problem and "it was kept as" in loaded.problem
            only_moved_aside(path.parent, path.name)
            event("set aside")
            return
        event("read")
        assert loaded.result.age_text()
        assert all(row.status for row in loaded.result.preview().rows())


stored_results = objects_with(["result", "checked_at"], json_values | results_json)


@FUZZ_FILES
@given(file_bytes("validations", objects_with(["results"], st.dictionaries(texts, stored_results, max_size=3))))
def test_the_validations_file_is_read_or_set_aside(raw: bytes) -> None:
    with fresh_paths() as paths:
        paths.validations_file.parent.mkdir(parents=True)
        paths.validations_file.write_bytes(raw)
        store = ValidationStore(paths)
        entries = store.all()
        if store.problem is not None:
            assert "validations.json could not be read" in str(store.problem) and not entries
            only_moved_aside(paths.state, "validations.json")
            event("set aside")
            return
        event(f"read {len(entries)} results")
        for stored in entries.values():
            assert stored.result.access_token is None and isinstance(stored.checked_at, str)
        store.put("https://chat.example.com|x", ValidationResult(ok=True, category="ok"))
        assert "https://chat.example.com|x" in store.all()


def test_every_file_nested_too_deep_is_refused_not_a_crash() -> None:
    with fresh_paths() as paths:
        for folder in (paths.drafts, paths.config, paths.state, PreviewCache(paths).folder):
            folder.mkdir(parents=True)
        (paths.drafts / "0123456789ab.json").write_text(DEEP)
        paths.profiles_file.write_text(DEEP)
        paths.validations_file.write_text(DEEP)
        cache = PreviewCache(paths)
        cache.path_for("https://x").write_text(DEEP)
        imported = paths.data / "import.json"
        imported.write_text(DEEP)
        assert len(DraftStore(paths, SecretStore()).list().problems) == 1
        profiles = ProfileStore(paths)
        assert profiles.load() == [] and profiles.problem is not None
        validations = ValidationStore(paths)
        assert validations.all() == {} and validations.problem is not None
        assert cache.load("https://x").problem
        try:
            read_exchange_file(imported)
        except ExchangeFileError as exc:
            assert "not a readable JSON file" in str(exc)
        else:
            raise AssertionError("a file nested too deep was read")
        try:
            load_seed(imported)
        except SeedError as exc:
            assert "not valid JSON" in str(exc) or "nested" in str(exc)
        else:
            raise AssertionError("a seed nested too deep was read")
