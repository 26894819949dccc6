"""Stand-ins for an OS keyring, installed with ``keyring.set_keyring``, and the ``memory_keyring`` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Stand-in for an OS keyring (this machine has none): a dict, so tests can see what went in."""

    # Below the `fail` backend (0): keyring must never pick this class by itself when it looks for one.
    priority = -10

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.calls: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append("get")
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append("set")
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append("delete")
        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.items[(service, username)]


class BrokenKeyring(MemoryKeyring):
    """A keyring that reads but fails on writes (a locked or misbehaving backend)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append("set")
        raise keyring.errors.PasswordSetError("locked")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """A keyring that works, for this test only: what goes in stays in ``.items``."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
