"""Autosave timing for an editor: a dirty flag and a delay, driven by the UI's timer (Qt-free)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)


T = TypeVar("T")


class AutosaveBuffer(Generic[T]):
    """Dirty flag + delay: ``maybe_save(now)`` saves once ``delay`` seconds passed since the first unsaved
    change, so steady typing is still saved every ``delay`` seconds. Qt-free: the UI drives it with a timer.
    """

    def __init__(self, save: Callable[[T], object], delay: float = 2.0) -> None:
        self._save = save
        self.delay = delay
        self._value: T | None = None
        self._dirty_since: float | None = None
        self.last_error: Exception | None = None

    @property
    def dirty(self) -> bool:
        return self._dirty_since is not None

    @property
    def value(self) -> T | None:
        return self._value

    def change(self, value: T, now: float | None = None) -> None:
        """The latest state to save; starts the delay if nothing was waiting."""
        self._value = value
        if self._dirty_since is None:
            self._dirty_since = time.monotonic() if now is None else now

    def maybe_save(self, now: float | None = None) -> bool:
        """Save when dirty for at least ``delay`` seconds; True when it saved."""
        if self._dirty_since is None:
            return False
        current = time.monotonic() if now is None else now
        if current - self._dirty_since < self.delay:
            return False
        return self.flush()

    def flush(self) -> bool:
        """Save now if dirty. A failed save (OSError) stays dirty and is kept in ``last_error``."""
        if self._dirty_since is None or self._value is None:
            return False
        try:
            self._save(self._value)
        except OSError as exc:
            self.last_error = exc
            log.warning("autosave failed: %s", exc)
            return False
        self.last_error = None
        self._dirty_since = None
        return True

    def discard(self) -> None:
        self._dirty_since = None
