"""Terminal safety: text from servers and files reaches the terminal as text, never as control sequences.

``guarded_output()`` wraps standard output and standard error for the length of a command, so every
human-readable line is escaped once, here, whoever printed it: a connection name, a server's error message or
a draft note holding ``ESC [2J`` (clear screen), an OSC 8 link or an OSC 52 clipboard write shows as
``\\x1b[2J``. JSON goes out through ``write_json`` on the unwrapped stream, still valid JSON, with every
control character as a ``\\uXXXX`` escape. The app's own progress line uses ``raw_stderr()``.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``); tab and newline kept."""
    return _UNSAFE.sub(_escape, text.replace("\r\n", "\n"))


class GuardedStream(io.TextIOBase):
    """A text stream that escapes control characters before they reach ``raw``."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(safe_text(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", "utf-8") or "utf-8"


def _unwrapped(stream: TextIO) -> TextIO:
    return stream.raw if isinstance(stream, GuardedStream) else stream


@contextmanager
def guarded_output() -> Iterator[None]:
    """Escape control characters in everything printed to stdout and stderr until the block ends."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = GuardedStream(_unwrapped(out))  # type: ignore[assignment]
    sys.stderr = GuardedStream(_unwrapped(err))  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = out, err


def raw_stderr() -> TextIO:
    """Standard error without the guard: only for the app's own terminal controls (a progress line)."""
    return _unwrapped(sys.stderr)


def json_text(value: Any) -> str:
    """``value`` as indented JSON; non-ASCII text kept, control and bidi characters as ``\\uXXXX``."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_json(value: Any, *, indent: bool = True) -> None:
    """Print ``value`` as JSON on standard output, bypassing the guard (JSON escapes its own controls)."""
    text = (
        json_text(value)
        if indent
        else _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
    )
    out = _unwrapped(sys.stdout)
    out.write(text + "\n")
    out.flush()
