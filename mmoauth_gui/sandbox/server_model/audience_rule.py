"""Which stored connection the sandbox answers for a URL: its own matcher and its own pick among matches.

The rule the server's docs and webapp tests state (docs/MATTERMOST.md §5): an audience
ending in ``*`` matches every URL that starts with the text before the ``*``; any other audience matches
only the identical text. Case, trailing slashes, query strings, escapes and ports are compared as they are
written. Which connection the real server picks among several matches is closed code; ``AudienceRule``
names the sandbox's choices (``oldest`` is its default, labelled as its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from mmoauth_gui.core.model import Connection


class AudienceRule(StrEnum):
    OLDEST = "oldest"  # the match created first (create_at, then id)
    NEWEST = "newest"  # the match created last
    LONGEST = "longest"  # the match whose audience is the longest text (an exact audience beats its prefixes)


DEFAULT_AUDIENCE_RULE = AudienceRule.OLDEST
RULE_LABELS = {
    AudienceRule.OLDEST: "several matching connections: the oldest (create_at, then id) is used",
    AudienceRule.NEWEST: "several matching connections: the newest (create_at, then id) is used",
    AudienceRule.LONGEST: "several matching connections: the one with the longest matching audience is used",
}


def audience_covers(audience: str, url: str) -> bool:
    """Does ``audience`` match ``url``, character for character."""
    if audience.endswith("*"):
        prefix = audience[:-1]
        if len(url) < len(prefix):
            return False
        for i in range(len(prefix)):
            if url[i] != prefix[i]:
                return False
        return True
    return url == audience


def longest_match(conn: Connection, url: str) -> tuple[int, bool] | None:
    """How much of ``url`` ``conn``'s best audience spells out, and whether it is exact (``None``: no match)."""
    best: tuple[int, bool] | None = None
    for audience in conn.audiences:
        if audience_covers(audience, url):
            exact = not audience.endswith("*")
            score = (len(audience) if exact else len(audience) - 1, exact)
            if best is None or score > best:
                best = score
    return best


def pick_connection(connections: Iterable[Connection], url: str, rule: AudienceRule) -> Connection | None:
    """The connection the sandbox uses for ``url`` under ``rule``: one loop over every stored connection."""
    ordered = sorted(connections, key=lambda c: (c.create_at, c.id))
    if rule is AudienceRule.NEWEST:
        ordered.reverse()
    chosen: Connection | None = None
    chosen_score: tuple[int, bool] = (-1, False)
    for conn in ordered:
        score = longest_match(conn, url)
        if score is None:
            continue
        if chosen is None or (rule is AudienceRule.LONGEST and score > chosen_score):
            chosen, chosen_score = conn, score
    return chosen
