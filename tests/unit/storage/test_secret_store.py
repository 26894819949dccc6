from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from keyring.backends.chainer import ChainerBackend
from support.keyrings import BrokenKeyring, MemoryKeyring

from mmoauth_gui.storage.secrets import SERVICE, SecretKind, SecretStore, server_secret_key

SECRET = "s3cr3t-value-9d41"


def test_without_a_keyring_secrets_live_in_memory_for_the_session(
    data_dir: Path, files_containing: Callable[[Path, str], list[Path]]
) -> None:
    # tests/conftest.py seals the keyring: the default backend is keyring's `fail` backend.
    assert type(keyring.get_keyring()).__module__ == "keyring.backends.fail"
    store = SecretStore()
    assert store.persistent is False
    assert "kept for this session" in store.reason

    assert store.set(SecretKind.CLIENT_SECRET, "draft1", SECRET) is False
    assert store.get("client-secret", "draft1") == SECRET
    assert store.get(SecretKind.PASSWORD, "draft1") is None
    assert store.has(SecretKind.CLIENT_SECRET, "draft1")

    store.move(SecretKind.CLIENT_SECRET, "draft1", "draft2")
    assert store.get(SecretKind.CLIENT_SECRET, "draft1") is None
    assert store.get(SecretKind.CLIENT_SECRET, "draft2") == SECRET

    store.delete(SecretKind.CLIENT_SECRET, "draft2")
    assert store.get(SecretKind.CLIENT_SECRET, "draft2") is None
    store.delete(SecretKind.CLIENT_SECRET, "never-set")  # no error

    # A second store (a new session) does not see the first one's secrets.
    store.set(SecretKind.SERVER_TOKEN, "prod", SECRET)
    assert SecretStore().get(SecretKind.SERVER_TOKEN, "prod") is None
    assert SECRET not in repr(store)
    assert not data_dir.exists() or files_containing(data_dir, SECRET) == []


def test_with_a_keyring_secrets_go_to_it_and_nowhere_else(
    memory_keyring: MemoryKeyring, data_dir: Path, tmp_path: Path, files_containing: Callable[[Path, str], list[Path]]
) -> None:
    store = SecretStore()
    assert store.persistent is True and store.reason == ""

    assert store.set(SecretKind.CLIENT_SECRET, "d1", SECRET) is True
    assert memory_keyring.items == {(SERVICE, "client-secret:d1"): SECRET}
    key = server_secret_key("prod", "conn42")
    store.set(SecretKind.PASSWORD, key, "pw-value-77")
    assert memory_keyring.items[(SERVICE, "password:server:prod:conn42")] == "pw-value-77"

    # A new store (a new session) reads them back from the keyring.
    again = SecretStore()
    assert again.get(SecretKind.CLIENT_SECRET, "d1") == SECRET
    again.delete(SecretKind.CLIENT_SECRET, "d1")
    assert (SERVICE, "client-secret:d1") not in memory_keyring.items
    again.delete(SecretKind.CLIENT_SECRET, "d1")  # deleting an absent secret is fine
    assert files_containing(tmp_path, SECRET) == []


def test_a_keyring_that_fails_on_write_falls_back_to_the_session() -> None:
    broken = BrokenKeyring()
    broken.items[(SERVICE, "server-token:old")] = "stored-before"
    store = SecretStore(backend=broken)
    assert store.persistent is True
    assert store.set(SecretKind.SERVER_TOKEN, "prod", SECRET) is False
    assert store.persistent is False and "PasswordSetError" in store.reason
    assert store.get(SecretKind.SERVER_TOKEN, "prod") == SECRET
    # What the keyring held before is still readable.
    assert store.get(SecretKind.SERVER_TOKEN, "old") == "stored-before"
    assert SECRET not in repr(store)


class FallbackKeyring(MemoryKeyring):
    """A keyring keyring would only fall back to (a file, a master-password prompt): priority below 1."""

    priority = 0.6


class PromptingKeyring(MemoryKeyring):
    """A keyring that asks for its master password on a terminal there is none of (keyrings.alt's encrypted one)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise EOFError


def test_a_fallback_keyring_is_used_only_when_the_user_names_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no keyringrc.cfg
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    found = FallbackKeyring()
    store = SecretStore(backend=found)
    assert store.persistent is False and "FallbackKeyring, is a fallback keyring does not recommend" in store.reason
    assert store.set(SecretKind.CLIENT_SECRET, "d1", SECRET) is False
    assert store.get(SecretKind.CLIENT_SECRET, "d1") == SECRET and found.calls == []  # never asked
    # keyring's chainer of fallbacks alone (its priority is high whenever it has two members) is no better
    monkeypatch.setattr(ChainerBackend, "backends", [found, MemoryKeyring()])
    assert "FallbackKeyring" in SecretStore(backend=ChainerBackend()).reason and found.calls == []

    config = tmp_path / "config" / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir(parents=True)
    config.write_text("[backend]\ndefault-keyring=tests.FallbackKeyring\n")
    named = SecretStore(backend=found)
    assert named.persistent is True and named.set(SecretKind.CLIENT_SECRET, "d1", SECRET) is True
    assert found.items == {(SERVICE, "client-secret:d1"): SECRET}


def test_a_keyring_that_cannot_prompt_falls_back_to_the_session() -> None:
    store = SecretStore(backend=PromptingKeyring())
    assert store.set(SecretKind.PASSWORD, "d1", SECRET) is False
    assert store.persistent is False and "EOFError" in store.reason
    assert store.get(SecretKind.PASSWORD, "d1") == SECRET


def test_empty_value_deletes_and_bad_arguments_are_refused(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set(SecretKind.CLIENT_SECRET, "d1", SECRET)
    store.set(SecretKind.CLIENT_SECRET, "d1", "")
    assert store.get(SecretKind.CLIENT_SECRET, "d1") is None
    with pytest.raises(ValueError):
        store.get("api-key", "d1")
    with pytest.raises(ValueError):
        store.get(SecretKind.CLIENT_SECRET, "")


@pytest.mark.parametrize("with_keyring", [False, True])
def test_many_threads_at_once(with_keyring: bool, request: pytest.FixtureRequest) -> None:
    if with_keyring:
        request.getfixturevalue("memory_keyring")
    store = SecretStore()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                key = f"t{n}-{i}"
                store.set(SecretKind.CLIENT_SECRET, key, f"value-{n}-{i}")
                assert store.get(SecretKind.CLIENT_SECRET, key) == f"value-{n}-{i}"
                if i % 2:
                    store.delete(SecretKind.CLIENT_SECRET, key)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.get(SecretKind.CLIENT_SECRET, "t3-48") == "value-3-48"
    assert store.get(SecretKind.CLIENT_SECRET, "t3-49") is None
