"""Saved Mattermost servers ("profiles"). No secret is ever written here: tokens live in the SecretStore."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

from mmoauth_gui.core.urls import canonical_server_url
from mmoauth_gui.storage.atomic import CorruptFileError, read_json_file, write_json_atomic
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.process_lock import ProcessLock
from mmoauth_gui.storage.secrets import SecretKind, SecretStore

log = logging.getLogger(__name__)

KIND = "profiles"
SCHEMA = 1

AuthMethod = Literal["token", "password"]
AUTH_METHODS: tuple[AuthMethod, ...] = ("token", "password")

__all__ = ["CorruptFileError", "Profile", "ProfileError", "ProfileStore"]


class ProfileError(ValueError):
    """A profile operation that cannot be done (unknown name, a name taken, a field missing)."""


@dataclass(frozen=True)
class Profile:
    name: str
    url: str
    auth: AuthMethod = "token"
    username: str = ""
    team_id: str = ""
    team_name: str = ""
    ca_file: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ProfileError("A server profile needs a name.")
        if not canonical_server_url(self.url):
            raise ProfileError(f"Server profile “{self.name}” needs a server URL.")
        if self.auth not in AUTH_METHODS:
            raise ProfileError(f"Server profile “{self.name}”: sign-in must be token or password, not {self.auth!r}.")
        object.__setattr__(self, "name", self.name.strip())
        object.__setattr__(self, "url", canonical_server_url(self.url))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Profile:
        def text(key: str) -> str:
            value = data.get(key, "")
            if value is None:
                return ""
            if not isinstance(value, str):
                raise ProfileError(f"field {key} is not text")
            return value

        auth = text("auth") or "token"
        if auth not in AUTH_METHODS:
            raise ProfileError(f"sign-in method {auth!r} is unknown")
        return cls(
            name=text("name"),
            url=text("url"),
            auth=auth,
            username=text("username"),
            team_id=text("team_id"),
            team_name=text("team_name"),
            ca_file=text("ca_file"),
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def with_changes(self, **changes: Any) -> Profile:
        return replace(self, **changes)


class ProfileStore:
    """The profiles file (``paths.profiles_file``), read afresh by every call, rewritten atomically on change.

    A file that cannot be read is set aside (renamed, never deleted) and ``problem`` holds the
    :class:`CorruptFileError` naming it; the store then starts empty. An entry that cannot be read is
    kept in the file as it was (and listed in ``entry_problems``) so a later save does not lose it.
    """

    def __init__(self, paths: AppPaths, secrets: SecretStore | None = None) -> None:
        self._path = paths.profiles_file
        self._secrets = secrets
        self._lock = threading.RLock()
        self._update = ProcessLock(self._path)
        self._profiles: list[Profile] = []
        self._unreadable: list[Any] = []
        self.problem: CorruptFileError | None = None
        self.entry_problems: list[str] = []

    @property
    def path(self) -> Path:
        return self._path

    def load(self) -> list[Profile]:
        with self._lock:
            self._profiles, self._unreadable, self.entry_problems = [], [], []
            try:
                document = read_json_file(self._path, KIND, SCHEMA)
            except FileNotFoundError:
                return []
            except CorruptFileError as exc:
                log.warning("%s", exc)
                self.problem = exc
                return []
            entries = document.get("profiles")
            if not isinstance(entries, list):
                entries = []
                self.entry_problems.append(f"{self._path.name} has no list of profiles; it was read as empty.")
            seen: set[str] = set()
            for i, entry in enumerate(entries):
                try:
                    if not isinstance(entry, Mapping):
                        raise ProfileError("not an object")
                    profile = Profile.from_json(entry)
                    if profile.name in seen:
                        raise ProfileError(f"a second profile named “{profile.name}”")
                except ProfileError as exc:
                    self._unreadable.append(entry)
                    self.entry_problems.append(
                        f"Profile {i + 1} in {self._path.name} could not be read ({exc}); it is kept in the file."
                    )
                    continue
                seen.add(profile.name)
                self._profiles.append(profile)
            for message in self.entry_problems:
                log.warning("%s", message)
            return list(self._profiles)

    def names(self) -> list[str]:
        return [p.name for p in self.load()]

    def get(self, name: str) -> Profile | None:
        return next((p for p in self.load() if p.name == name), None)

    def find_by_url(self, url: str) -> list[Profile]:
        wanted = canonical_server_url(url)
        return [p for p in self.load() if p.url == wanted]

    def save(self, profile: Profile) -> None:
        """Add ``profile``, or replace the one with the same name."""
        with self._lock, self._update:
            self.load()
            for i, existing in enumerate(self._profiles):
                if existing.name == profile.name:
                    self._profiles[i] = profile
                    break
            else:
                self._profiles.append(profile)
            self._write()

    def remove(self, name: str) -> None:
        """Drop the profile and its server token; unknown names raise :class:`ProfileError`."""
        with self._lock, self._update:
            self.load()
            kept = [p for p in self._profiles if p.name != name]
            if len(kept) == len(self._profiles):
                raise ProfileError(f"No server profile named “{name}”.")
            self._profiles = kept
            self._write()
        if self._secrets is not None:
            self._secrets.delete(SecretKind.SERVER_TOKEN, name)

    def rename(self, old: str, new: str) -> Profile:
        new = new.strip()
        with self._lock, self._update:
            self.load()
            current = next((p for p in self._profiles if p.name == old), None)
            if current is None:
                raise ProfileError(f"No server profile named “{old}”.")
            if new == old:
                return current
            if any(p.name == new for p in self._profiles):
                raise ProfileError(f"A server profile named “{new}” already exists.")
            renamed = current.with_changes(name=new)
            self._profiles = [renamed if p.name == old else p for p in self._profiles]
            self._write()
        if self._secrets is not None:
            self._secrets.move(SecretKind.SERVER_TOKEN, old, new)
        return renamed

    def _write(self) -> None:
        entries: list[Any] = [p.to_json() for p in self._profiles] + list(self._unreadable)
        write_json_atomic(self._path, KIND, SCHEMA, {"profiles": entries})
        self.problem = None
