"""Keyrings for tests, installed with ``keyring.set_keyring``: stand-ins (``memory_keyring``) and a real
encrypted file keyring in a temp folder (``file_keyring``) that subprocesses reach through the environment."""

from __future__ import annotations

import configparser
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyrings.alt.escape import unescape
from keyrings.alt.file import EncryptedKeyring


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


FILE_KEYRING_PASSWORD = "test-keyring-unlock-7e1d"
TESTS_DIR = Path(__file__).resolve().parent.parent


class UnlockedEncryptedKeyring(EncryptedKeyring):
    """keyrings.alt's EncryptedKeyring taking its file and password from ``KEYRING_PROPERTY_*`` as keyring's
    own backends do (keyrings.alt 5.0.2's ``Encrypted.__init__`` skips that), so a subprocess never prompts."""

    def __init__(self) -> None:
        super().__init__()
        self.set_properties_from_env()


@dataclass
class FileKeyring:
    """keyrings.alt's EncryptedKeyring in ``path``, unlocked; ``env`` points a subprocess at the same file."""

    path: Path
    backend: EncryptedKeyring

    @property
    def env(self) -> dict[str, str]:
        return {
            "PYTHON_KEYRING_BACKEND": f"support.keyrings.{UnlockedEncryptedKeyring.__name__}",
            "PYTHONPATH": os.pathsep.join(p for p in (str(TESTS_DIR), os.environ.get("PYTHONPATH", "")) if p),
            "KEYRING_PROPERTY_FILE_PATH": str(self.path),
            "KEYRING_PROPERTY_KEYRING_KEY": FILE_KEYRING_PASSWORD,
        }

    def entries(self, service: str) -> set[str]:
        """The user names ``service`` holds in the file, read from the file (in lower case, as keyrings.alt
        keeps them)."""
        if not self.path.exists():
            return set()
        parser = configparser.RawConfigParser()
        parser.read(self.path, encoding="utf-8")
        for section in parser.sections():
            if unescape(section) == service:
                return {unescape(option) for option in parser.options(section)}
        return set()


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[FileKeyring]:
    """A real, encrypted file keyring for this test only, in its temp folder."""
    backend = EncryptedKeyring()
    backend.file_path = str(tmp_path / "keyring" / "crypted_pass.cfg")
    backend.keyring_key = FILE_KEYRING_PASSWORD
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield FileKeyring(Path(backend.file_path), backend)
    finally:
        keyring.set_keyring(previous)
