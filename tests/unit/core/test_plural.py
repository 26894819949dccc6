"""Counts agree with their nouns."""

from __future__ import annotations

from mmoauth_gui.core.plural import counted


def test_one_and_many() -> None:
    assert counted(1, "command") == "1 command"
    assert counted(0, "command") == "0 commands"
    assert counted(3, "callback URL") == "3 callback URLs"
    assert counted(2, "more error", "more errors") == "2 more errors"
    assert counted(1, "entry", "entries") == "1 entry" and counted(5, "entry", "entries") == "5 entries"
