"""The recorded expectations: kept per token URL and client ID, atomic, an unreadable file set aside."""

from __future__ import annotations

from pathlib import Path

from mmoauth_gui.core.validation.expectations import Expectations
from mmoauth_gui.storage.expectations import ExpectationStore, token_key
from mmoauth_gui.storage.paths import AppPaths

KEY = token_key("https://idp.test/token ", "bot")


def test_put_get_and_clear(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    store = ExpectationStore(paths)
    expect = Expectations(audience="https://api.test/", scopes=("a", "b"), issuer="https://idp.test/")
    store.put(KEY, expect)
    assert ExpectationStore(paths).get(KEY) == expect
    assert ExpectationStore(paths).get(token_key("https://idp.test/token", "other")) == Expectations()
    store.put(KEY, Expectations())
    assert ExpectationStore(paths).get(KEY) == Expectations()
    assert '"kind": "expectations"' in paths.expectations_file.read_text()


def test_unreadable_file_is_set_aside(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    paths.expectations_file.parent.mkdir(parents=True, exist_ok=True)
    paths.expectations_file.write_text("{not json")
    store = ExpectationStore(paths)
    assert store.get(KEY) == Expectations()
    assert store.problem is not None and not paths.expectations_file.exists()
