"""The sandbox's own audience matching and its choice among several matches (``--audience-rule``)."""

from __future__ import annotations

import pytest

from mmoauth_gui.core.model import Connection
from mmoauth_gui.sandbox.server_model import AudienceRule, audience_covers, pick_connection


def conn(name: str, created: int, *audiences: str) -> Connection:
    return Connection(name=name, id=f"{name:0<26}", create_at=created, audiences=audiences)


ALL = conn("all", 1, "https://api.example.com/*")
V1 = conn("v1", 2, "https://api.example.com/v1/*")
EXACT = conn("exact", 3, "https://api.example.com/v1/x")
OTHER = conn("other", 4, "https://other.example.com/x")
EVERY = [EXACT, OTHER, ALL, V1]


@pytest.mark.parametrize(
    ("rule", "url", "expected"),
    [
        (AudienceRule.OLDEST, "https://api.example.com/v1/x", "all"),
        (AudienceRule.NEWEST, "https://api.example.com/v1/x", "exact"),
        (AudienceRule.LONGEST, "https://api.example.com/v1/x", "exact"),
        (AudienceRule.LONGEST, "https://api.example.com/v1/y", "v1"),
        (AudienceRule.NEWEST, "https://api.example.com/v2", "all"),
        (AudienceRule.OLDEST, "https://other.example.com/x", "other"),
    ],
)
def test_each_rule_picks_its_winner(rule: AudienceRule, url: str, expected: str) -> None:
    picked = pick_connection(EVERY, url, rule)
    assert picked is not None and picked.name == expected


def test_no_match_is_none_under_every_rule() -> None:
    for rule in AudienceRule:
        assert pick_connection(EVERY, "https://nothing.example.com/", rule) is None


def test_ties_go_to_the_oldest_then_the_smallest_id() -> None:
    twin_a = conn("a", 5, "https://twin.example.com/*")
    twin_b = conn("b", 5, "https://twin.example.com/*")
    for rule in (AudienceRule.OLDEST, AudienceRule.LONGEST):
        picked = pick_connection([twin_b, twin_a], "https://twin.example.com/x", rule)
        assert picked is not None and picked.name == "a"
    newest = pick_connection([twin_a, twin_b], "https://twin.example.com/x", AudienceRule.NEWEST)
    assert newest is not None and newest.name == "b"


@pytest.mark.parametrize(
    ("audience", "url", "matches"),
    [
        ("https://a.example.com/x", "https://a.example.com/x", True),
        ("https://a.example.com/x", "https://A.example.com/x", False),
        ("https://a.example.com/x", "https://a.example.com/X", False),
        ("https://a.example.com/x", "https://a.example.com/x/", False),
        ("https://a.example.com/x/", "https://a.example.com/x", False),
        ("https://a.example.com/x", "https://a.example.com/x?q=1", False),
        ("https://a.example.com/x?q=1", "https://a.example.com/x?q=1", True),
        ("https://a.example.com/a%20b", "https://a.example.com/a b", False),
        ("https://a.example.com/x", "https://a.example.com:443/x", False),
        ("https://a.example.com/x*", "https://a.example.com/x", True),
        ("https://a.example.com/x*", "https://a.example.com/xy", True),
        ("https://a.example.com/x/*", "https://a.example.com/x", False),
        ("https://a.example.com/*", "https://a.example.com", False),
        ("https://a.example.com/*", "https://A.example.com/y", False),
        ("*", "anything at all", True),
        ("https://a.example.com/*/y", "https://a.example.com/q/y", False),
        ("https://a.example.com/*/y", "https://a.example.com/*/y", True),
    ],
)
def test_matching_compares_text_exactly(audience: str, url: str, matches: bool) -> None:
    assert audience_covers(audience, url) is matches
