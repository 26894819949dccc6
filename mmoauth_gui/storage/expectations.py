"""What each integration expects of its token (audience, scopes, issuer), as the admin recorded it.

Kept per token identity, ``<token URL>|<client ID>`` (:func:`token_key`): the same client at the same
token URL gets the same token whether it is a draft, a connection on one server or on another, and the key
survives a rename. No secret is stored here.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from mmoauth_gui.core.validation.expectations import Expectations
from mmoauth_gui.storage.atomic import CorruptFileError, read_json_or_empty, write_json_atomic
from mmoauth_gui.storage.paths import AppPaths
from mmoauth_gui.storage.process_lock import ProcessLock

KIND = "expectations"
SCHEMA = 1


def token_key(token_url: str, client_id: str) -> str:
    return f"{token_url.strip()}|{client_id.strip()}"


class ExpectationStore:
    """Read-modify-write of ``paths.expectations_file``; every write atomic, under the lock every process of
    the app shares. Blocking: call off the GUI thread."""

    def __init__(self, paths: AppPaths) -> None:
        self._path = paths.expectations_file
        self._lock = threading.RLock()
        self._update = ProcessLock(self._path)
        self.problem: CorruptFileError | None = None

    def get(self, key: str) -> Expectations:
        with self._lock:
            return self._read().get(key, Expectations())

    def put(self, key: str, expectations: Expectations) -> None:
        with self._lock, self._update:
            entries = self._read()
            if expectations.empty:
                if key not in entries:
                    return
                entries.pop(key)
            else:
                entries[key] = expectations
            body = {"expectations": {k: v.to_json() for k, v in sorted(entries.items())}}
            write_json_atomic(self._path, KIND, SCHEMA, body)

    def _read(self) -> dict[str, Expectations]:
        document, problem = read_json_or_empty(self._path, KIND, SCHEMA)
        self.problem = problem or self.problem
        raw = document.get("expectations")
        if not isinstance(raw, Mapping):
            return {}
        return {k: Expectations.from_json(v) for k, v in raw.items() if isinstance(k, str)}
