"""Stop PySide6 from keeping the source of every module imported after it (about 12 MB in this app).

shiboken6 replaces ``__import__``. For every module imported after PySide6 it asks whether the module's
source mentions "PySide6" (``shibokensupport.feature._mod_uses_pyside``, so that ``from __feature__
import ...`` applies only to modules that use PySide). It asks with ``inspect.getsource``, which goes
through ``linecache``: every line of every module imported after PySide6 then stays in memory for the
life of the process.

:func:`install` keeps the question and its answer but reads the module's ``.py`` file as bytes, without
caching it. Anything else (no ``__file__``, not a ``.py`` file, a file that cannot be read) is asked the
original way. Tracebacks still show source lines: ``linecache`` reads a file when a traceback needs it.
It also empties ``linecache`` once: when PySide6 was imported, its hook already read the modules imported
before it (``typing``, ``subprocess``, ``enum``… about 1 MB).
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

MARKER = b"PySide6"
_FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"
_INSTALLED = "_mmoauth_reads_bytes"


def source_mentions_pyside(module: ModuleType, fallback: Callable[[ModuleType], Any]) -> bool:
    """Whether the ``.py`` file of ``module`` contains "PySide6"; ``fallback(module)`` when it has none."""
    path = getattr(module, "__file__", None)
    if isinstance(path, str) and path.endswith(".py"):
        try:
            with open(path, "rb") as file:
                return MARKER in file.read()
        except OSError:
            pass
    return bool(fallback(module))


def install() -> bool:
    """Replace PySide's check (once); False when PySide6 is not imported or has no such check."""
    feature = sys.modules.get(_FEATURE_MODULE)
    original = getattr(feature, _CHECK, None)
    if feature is None or not callable(original):
        return False
    if getattr(original, _INSTALLED, False):
        return True

    def check(module: ModuleType) -> bool:
        return source_mentions_pyside(module, original)

    setattr(check, _INSTALLED, True)
    setattr(feature, _CHECK, check)
    linecache.clearcache()
    return True
