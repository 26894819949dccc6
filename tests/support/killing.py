"""Kill a piece of work with SIGKILL partway through: the crash-safety tests' one way of doing it (POSIX)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable


def run_and_kill(work: Callable[[], object], after: float) -> bool:
    """Run ``work`` in a forked child and SIGKILL it ``after`` seconds in; True when the kill found it still
    running (False: it had already finished, or failed)."""
    pid = os.fork()
    if pid == 0:
        try:
            work()
        finally:
            os._exit(0)
    time.sleep(after)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)
