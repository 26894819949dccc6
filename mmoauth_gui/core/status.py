"""How a state looks to the user: one closed set of kinds, so a typo is a type error rather than a grey icon."""

from __future__ import annotations

from enum import StrEnum


class Look(StrEnum):
    """The colour and glyph a status is shown with."""

    VALID = "valid"
    REFUSED = "refused"
    ERROR = "error"
    UNREACHABLE = "unreachable"
    WARNING = "warning"
    UNCHECKED = "unchecked"
    STALE = "stale"
    INFO = "info"
    EDIT = "edit"
    SHOW = "show"
    NONE = ""  # plain text, no colour
