"""Counts in words: "1 command", "3 commands", never "command(s)"."""

from __future__ import annotations


def counted(n: int, one: str, many: str = "") -> str:
    """``n`` and the noun that agrees with it; ``many`` for a plural that is not ``one`` + "s"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
