"""The values behind a connections file's references: the environment, or the keyring entry ``config:NAME``."""

from __future__ import annotations

from typing import Any

from mmoauth_gui.core.config.document import RefSource, SecretRef
from mmoauth_gui.storage.config_secrets import resolve, store_in_keyring
from mmoauth_gui.storage.secrets import SERVICE, SecretStore


def test_env_references_read_the_environment_and_empty_counts_as_unset() -> None:
    ref = SecretRef(RefSource.ENV, "MM_OAUTH_X_SECRET")
    assert resolve(ref, environ={"MM_OAUTH_X_SECRET": "v1"}) == "v1"
    assert resolve(ref, environ={"MM_OAUTH_X_SECRET": ""}) is None
    assert resolve(ref, environ={}) is None


def test_keyring_references_read_the_config_entry(memory_keyring: Any) -> None:
    store = SecretStore()
    ref = SecretRef(RefSource.KEYRING, "billing")
    assert resolve(ref, store) is None
    assert store_in_keyring("billing", "kr-secret", store)
    assert memory_keyring.get_password(SERVICE, "config:billing") == "kr-secret"
    assert resolve(ref, SecretStore()) == "kr-secret"
    assert ref.describe() == "keyring entry “config:billing”"
