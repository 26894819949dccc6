"""A lock shared by every process of the app (GUI windows, the CLI) around one file's read-modify-write.

The files are written atomically, so a reader never sees half a file; the lock stops two writers
from each reading the old file and the second one's write dropping the first one's entry. It is an
OS advisory lock on an empty ``.<name>.lock`` beside the file: the OS releases it when a process dies,
so a killed process never leaves it held.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import TracebackType

from mmoauth_gui.storage.paths import private_dir

WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.005


class ProcessLockTimeout(OSError):
    def __init__(self, path: Path, waited: float) -> None:
        self.path = path
        super().__init__(
            f"{path.name} is being written by another mmoauth-gui process (waited {waited:.0f} s); "
            "try again when it has finished."
        )


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class ProcessLock:
    """``with ProcessLock(path):`` holds the lock of ``path`` against every other holder, in any process.

    Not re-entrant: a holder must not take it again. Waits at most ``wait`` seconds, then raises
    :class:`ProcessLockTimeout`.
    """

    def __init__(self, path: Path, wait: float = WAIT_SECONDS) -> None:
        self._target = path
        self._lock_path = path.with_name(f".{path.name}.lock")
        self._wait = wait
        self._fd: int | None = None

    def __enter__(self) -> ProcessLock:
        private_dir(self._lock_path.parent)
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self._wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                raise ProcessLockTimeout(self._target, self._wait)
            time.sleep(_POLL_SECONDS)
        self._fd = fd
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)
