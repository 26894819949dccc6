"""Secrets in the OS keyring only; with no usable keyring, in memory for this session and nowhere else.

A secret is addressed by a kind and a key:

- ``server-token``: key = the server profile's name;
- ``client-secret`` and ``password``: key = a draft id, or ``server:<profile>:<connection id>``;
- ``config``: key = the NAME of a connections file's ``{keyring: NAME}`` reference.

Keyring calls can block (a locked keychain, a D-Bus round trip): call these methods off the GUI thread.
"""

from __future__ import annotations

import logging
import os
import threading
from enum import StrEnum

import keyring
import keyring.backend
import keyring.errors

log = logging.getLogger(__name__)

SERVICE = "mmoauth-gui"

NO_KEYRING = "No usable system keyring on this computer"
NONE_AVAILABLE = "no system keyring is available"  # what NO_KEYRING already says: not repeated after it
SESSION_ONLY_MESSAGE = (
    f"Secret not stored: {NO_KEYRING[0].lower()}{NO_KEYRING[1:]}, so it is kept for this session only and must be "
    "entered again after the app closes."
)


class SecretKind(StrEnum):
    SERVER_TOKEN = "server-token"
    CLIENT_SECRET = "client-secret"
    PASSWORD = "password"
    CONFIG = "config"  # a connections file's {keyring: NAME} reference: key = NAME


def server_secret_key(profile: str, connection_id: str) -> str:
    """The key of a secret typed for a connection on a server (as opposed to a draft's)."""
    return f"server:{profile}:{connection_id}"


def _unusable_reason(backend: keyring.backend.KeyringBackend) -> str:
    """Why ``backend`` cannot keep a secret across sessions, or "" when it can (as far as we can tell)."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring):
        return NONE_AVAILABLE
    if isinstance(backend, null.Keyring):
        return "the keyring is disabled (null backend)"
    members = list(backend.backends) if isinstance(backend, chainer.ChainerBackend) else [backend]
    if not members:
        return NONE_AVAILABLE
    first = members[0]  # keyring's chainer writes to the first member that takes the secret
    name = type(first).__name__
    if _is_plaintext(first):
        return f"the keyring backend {name} writes secrets to a file unencrypted"
    if not any(_recommended(m) for m in members) and not _named_by_user():
        return (
            f"the keyring backend found, {name}, is a fallback keyring does not recommend; name it in "
            "PYTHON_KEYRING_BACKEND or keyringrc.cfg to use it"
        )
    return ""


def _recommended(backend: keyring.backend.KeyringBackend) -> bool:
    """keyring's own test: an OS keyring has priority 1 or more; a lower one (a file, a prompt for a master
    password) is a fallback keyring would pick only for want of better."""
    try:
        return float(backend.priority) >= 1
    except Exception:  # a backend whose priority check fails is not viable
        return False


def _named_by_user() -> bool:
    """Whether the user chose the backend (``PYTHON_KEYRING_BACKEND`` or keyring's ``keyringrc.cfg``)."""
    from keyring.util import platform_

    return bool(os.environ.get("PYTHON_KEYRING_BACKEND")) or (platform_.config_root() / "keyringrc.cfg").exists()


def _is_plaintext(backend: keyring.backend.KeyringBackend) -> bool:
    """A backend that keeps secrets as readable text in a file (``keyrings.alt``'s ``PlaintextKeyring`` and
    its kind): no better than the app writing them itself, so it counts as no keyring."""
    return any(cls.__name__.startswith("Plaintext") for cls in type(backend).__mro__)


class SecretStore:
    """Get, set and delete secrets; thread-safe.

    ``persistent`` is False when the keyring cannot be used (no backend, or a keyring error): secrets then
    live in this object only, for the session. ``reason`` says why, for the UI to show.
    """

    def __init__(self, service: str = SERVICE, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._service = service
        self._backend = backend
        self._lock = threading.RLock()
        self._memory: dict[tuple[str, str], str] = {}
        self._checked = False
        self._readable = False  # the backend looked usable at start: still read from it after a failed write
        self._persistent = False
        self._reason = ""

    def __repr__(self) -> str:
        held = len(self._memory)
        return f"<SecretStore service={self._service!r} persistent={self.persistent} session_secrets={held}>"

    @property
    def persistent(self) -> bool:
        with self._lock:
            self._check()
            return self._persistent

    @property
    def reason(self) -> str:
        """Why secrets are kept for the session only ("" while the keyring works)."""
        with self._lock:
            self._check()
            return self._reason

    def get(self, kind: SecretKind | str, key: str) -> str | None:
        ref = self._ref(kind, key)
        with self._lock:
            if ref in self._memory:
                return self._memory[ref]
            self._check()
            if not self._readable:
                return None
            try:
                value = self._keyring().get_password(self._service, self._username(ref))
            except Exception as exc:  # a backend may raise anything: EOFError from its password prompt
                self._give_up(exc)
                return None
            return value if isinstance(value, str) else None

    def set(self, kind: SecretKind | str, key: str, value: str) -> bool:
        """Keep ``value``; True when it went to the keyring, False when only kept for the session."""
        ref = self._ref(kind, key)
        if not value:
            self.delete(kind, key)
            return self.persistent
        with self._lock:
            if self._usable():
                try:
                    self._keyring().set_password(self._service, self._username(ref), value)
                except Exception as exc:  # a backend may raise anything: EOFError from its password prompt
                    self._give_up(exc)
                else:
                    self._memory.pop(ref, None)
                    return True
            self._memory[ref] = value
            return False

    def delete(self, kind: SecretKind | str, key: str) -> None:
        """Forget the secret everywhere; nothing happens when there is none."""
        ref = self._ref(kind, key)
        with self._lock:
            self._memory.pop(ref, None)
            self._check()
            if not self._readable:
                return
            try:
                self._keyring().delete_password(self._service, self._username(ref))
            except keyring.errors.PasswordDeleteError:
                pass
            except Exception as exc:  # a backend may raise anything: EOFError from its password prompt
                self._give_up(exc)

    def has(self, kind: SecretKind | str, key: str) -> bool:
        return bool(self.get(kind, key))

    def move(self, kind: SecretKind | str, old_key: str, new_key: str) -> None:
        """Re-file a secret under a new key (a renamed profile, a draft copied); no-op when there is none."""
        with self._lock:
            value = self.get(kind, old_key)
            if value is None:
                return
            self.set(kind, new_key, value)
            self.delete(kind, old_key)

    # -- internals -------------------------------------------------------------------------------

    @staticmethod
    def _ref(kind: SecretKind | str, key: str) -> tuple[str, str]:
        kind_value = SecretKind(kind).value
        if not key:
            raise ValueError("a secret needs a key")
        return kind_value, key

    @staticmethod
    def _username(ref: tuple[str, str]) -> str:
        return f"{ref[0]}:{ref[1]}"

    def _keyring(self) -> keyring.backend.KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def _check(self) -> None:
        if self._checked:
            return
        self._checked = True
        try:
            reason = _unusable_reason(self._keyring())
        except keyring.errors.KeyringError as exc:
            reason = f"the keyring failed ({type(exc).__name__})"
        except Exception as exc:  # a broken third-party backend must not take the app down
            reason = f"the keyring could not be loaded ({type(exc).__name__})"
        self._persistent = self._readable = not reason
        self._reason = (SESSION_ONLY_MESSAGE + ("" if reason == NONE_AVAILABLE else f" ({reason})")) if reason else ""
        if reason:
            log.info("secrets kept for this session only: %s", reason)

    def _usable(self) -> bool:
        self._check()
        return self._persistent

    def _give_up(self, exc: Exception) -> None:
        """A keyring that fails once is not trusted again this session (a half-working one loses secrets)."""
        self._persistent = False
        self._reason = f"{SESSION_ONLY_MESSAGE} (the keyring failed: {type(exc).__name__})"
        log.warning("keyring failed (%s); secrets kept for this session only", type(exc).__name__)
