"""The matcher on docs/MATTERMOST.md §5's examples, the rule pinned (exact text: case, trailing slash, query,
percent-encoding, ports), the near misses the preview names, and the index always agreeing with a plain loop."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmoauth_gui.core.audience import AudienceIndex, NearMisses, UrlSet, audience_matches


def test_examples_from_the_docs() -> None:
    assert audience_matches("https://aud.com/api", "https://aud.com/api")
    assert not audience_matches("https://aud.com/api", "https://aud.com/api/x")
    assert audience_matches("https://aud.com/api/*", "https://aud.com/api/x")
    assert not audience_matches("https://aud.com/api/*", "https://aud.com/api")
    assert audience_matches("https://aud.com/api*", "https://aud.com/apix")
    assert audience_matches("https://aud.com/*", "https://aud.com/a?b=c")
    assert not audience_matches("https://aud.com/hooks", "https://aud.com/hooks?x=1")
    assert not audience_matches("https://Aud.com/api", "https://aud.com/api")


def test_index_returns_every_match_so_ambiguity_shows() -> None:
    index = AudienceIndex(
        [("a", ["https://aud.com/api/*"]), ("b", ["https://aud.com/api/x"]), ("c", ["https://aud.com/*"])]
    )
    assert index.match("https://aud.com/api/x") == ["a", "b", "c"]
    assert index.match("https://aud.com/api/y") == ["a", "c"]
    assert index.match("https://aud.com") == []
    assert index.match("https://other.com/api/x") == []


def test_index_set_replaces_and_remove_forgets() -> None:
    index = AudienceIndex([("a", ["https://x.com/*"]), ("b", ["https://x.com/*"])])
    index.set("a", ["https://y.com/1"])
    assert index.match("https://x.com/q") == ["b"]
    assert index.match("https://y.com/1") == ["a"]
    index.remove("b")
    index.remove("missing")
    assert index.match("https://x.com/q") == []
    assert len(index) == 1 and "a" in index and index.audiences("a") == ("https://y.com/1",)


def test_urlset_reverse_lookup() -> None:
    urls = UrlSet(["https://a.com/hooks", "https://a.com/hooksX", "https://a.com/hooks/1", "https://b.com/"])
    assert urls.matched_by("https://a.com/hooks") == ["https://a.com/hooks"]
    assert urls.matched_by("https://a.com/hooks*") == [
        "https://a.com/hooks",
        "https://a.com/hooks/1",
        "https://a.com/hooksX",
    ]
    assert urls.matched_by("https://a.com/hooks/*") == ["https://a.com/hooks/1"]
    assert urls.matched_by("https://c.com/*") == []


ALPHABET = "ab/:*"
paths = st.text(alphabet=ALPHABET, max_size=6)
audiences = st.builds(lambda p: "h://" + p, paths)
urls = st.builds(lambda p: "h://" + p, st.text(alphabet="ab/:", max_size=7))
connections = st.dictionaries(st.sampled_from("pqrstuvw"), st.lists(audiences, max_size=4), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    connections,
    st.lists(urls, max_size=10),
    st.lists(st.tuples(st.sampled_from("pqrstuvw"), st.lists(audiences, max_size=3))),
)
def test_index_agrees_with_a_plain_loop(conns: dict[str, list[str]], probe: list[str], edits: list) -> None:
    index = AudienceIndex(conns.items())
    current = dict(conns)
    for key, auds in edits:
        if auds:
            index.set(key, auds)
            current[key] = auds
        else:
            index.remove(key)
            current.pop(key, None)
    for url in probe:
        expected = sorted(k for k, auds in current.items() if any(audience_matches(a, url) for a in auds))
        assert index.match(url) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(urls, max_size=12), audiences)
def test_urlset_agrees_with_a_plain_loop(all_urls: list[str], audience: str) -> None:
    expected = sorted({u for u in all_urls if audience_matches(audience, u)})
    assert UrlSet(all_urls).matched_by(audience) == expected


PINNED = [  # (audience, url): each pair differs in one way the documented rule counts as different text
    ("https://aud.com/api", "https://AUD.com/api"),
    ("https://aud.com/api", "https://aud.com/API"),
    ("https://aud.com/api", "HTTPS://aud.com/api"),
    ("https://aud.com/api", "https://aud.com/api/"),
    ("https://aud.com/api/", "https://aud.com/api"),
    ("https://aud.com/api", "https://aud.com/api?x=1"),
    ("https://aud.com/api?x=1", "https://aud.com/api"),
    ("https://aud.com/api?x=1&y=2", "https://aud.com/api?y=2&x=1"),
    ("https://aud.com/a%20b", "https://aud.com/a b"),
    ("https://aud.com/a%2Fb", "https://aud.com/a/b"),
    ("https://aud.com/a%2fb", "https://aud.com/a%2Fb"),
    ("https://aud.com/api", "https://aud.com:443/api"),
    ("http://aud.com/api", "http://aud.com:80/api"),
    ("https://aud.com:8443/api", "https://aud.com/api"),
    ("https://aud.com/api/*", "https://aud.com/api"),
    ("https://aud.com/api/*", "https://AUD.com/api/x"),
    ("https://aud.com:443/*", "https://aud.com/x"),
]


@pytest.mark.parametrize(("audience", "url"), PINNED)
def test_the_rule_compares_text_exactly(audience: str, url: str) -> None:
    assert not audience_matches(audience, url)
    assert AudienceIndex([("c", [audience])]).match(url) == []
    assert audience_matches(audience, audience.removesuffix("*"))


@pytest.mark.parametrize(
    ("audience", "url", "what"),
    [
        ("https://aud.com/api", "https://AUD.com/api", "letter case"),
        ("https://aud.com/api/", "https://aud.com/api", "a trailing slash"),
        ("https://aud.com/api/*", "https://aud.com/api", "a trailing slash"),
        ("https://aud.com/api", "https://aud.com/api?x=1", "the query string"),
        ("https://aud.com/a%20b", "https://aud.com/a b", "percent-encoding"),
        ("https://aud.com/api", "https://aud.com:443/api", "a default port"),
    ],
)
def test_near_misses_name_what_differs(audience: str, url: str, what: str) -> None:
    assert NearMisses([("c", [audience]), ("other", ["https://elsewhere.com/*"])]).find(url) == ("c", audience, what)


def test_a_real_difference_is_no_near_miss() -> None:
    near = NearMisses([("c", ["https://aud.com/api", "https://aud.com:8443/x/*"])])
    assert near.find("https://aud.com/other") is None
    assert near.find("https://aud.com:8443/y") is None
    assert near.find("https://aud.com/x") is None
