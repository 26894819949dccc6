"""The product's predictions held against the sandbox's independent server model, on generated input.

The client may warn where the server accepts, but never disagree on an error: a connection the server
refuses must show an error in the app, and one it stores must not. The matcher must find exactly the
connections the server's rule finds, and the server's pick is always one of them.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mmoauth_gui.core.audience import AudienceIndex, audience_matches
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import check_connection
from mmoauth_gui.sandbox.server_model import (
    AudienceRule,
    audience_covers,
    first_invalid,
    pick_connection,
    store_refusal,
)

PROPERTY = settings(max_examples=300, deadline=None, database=None, derandomize=True)

# URLs built from pieces that sit on the matching rule's edges: case, slashes, queries, escapes, ports, "*".
_HOSTS = ["https://a.example.com", "https://A.example.com", "http://a.example.com", "https://a.example.com:443"]
_PIECES = ["/", "x", "X", "/x", "?q=1", "%20", " ", "%2F", "*", "#f", ":8080", "é", "&", "."]
urls = st.builds(
    lambda host, parts: host + "".join(parts), st.sampled_from(_HOSTS), st.lists(st.sampled_from(_PIECES), max_size=5)
)
audiences = st.one_of(urls, urls.map(lambda u: u + "*"))


@PROPERTY
@given(audience=audiences, url=urls)
def test_one_audience_matches_as_the_server_rule_says(audience: str, url: str) -> None:
    assert audience_matches(audience, url) is audience_covers(audience, url)


def stored(audience_lists: list[list[str]]) -> list[Connection]:
    return [
        Connection(name=f"c{i}", id=f"{i:026d}", create_at=1000 + i % 3, audiences=tuple(auds))
        for i, auds in enumerate(audience_lists)
    ]


@PROPERTY
@given(audience_lists=st.lists(st.lists(audiences, min_size=1, max_size=3), max_size=6), url=urls)
def test_the_index_finds_every_match_and_the_server_picks_among_them(audience_lists: list[list[str]], url: str) -> None:
    connections = stored(audience_lists)
    predicted = AudienceIndex((c.id, c.audiences) for c in connections).match(url)
    server_side = sorted(c.id for c in connections if any(audience_covers(a, url) for a in c.audiences))
    assert predicted == server_side
    for rule in AudienceRule:
        picked = pick_connection(connections, url, rule)
        if predicted:
            assert picked is not None and picked.id in predicted
        else:
            assert picked is None


# Field values that sit on the server's rules: lengths at the limits, Go URL corners, odd grant types.
_URL_CORNERS = [
    "https://idp.example.com/token",
    "http://idp.example.com/token",
    "HTTPS://idp.example.com/token",
    "https://idp.example.com/%zz",
    "https://idp.example.com/x?q=%zz",
    "https://idp.example.com/x#frag",
    "https://idp.example.com#x",
    "https://idp.example.com:99999/x",
    "https://idp.example.com:abc/x",
    "http://:80/x",
    "https://[::1]:8443/x",
    "https://user@idp.example.com/x",
    "https://idp.example.com/a b",
    "https://idp.example.com/x ",
    "https://idp.exa mple.com/x",
    "https://idp.example.com/\tx",
    "ftp://idp.example.com/x",
    "idp.example.com/token",
    "",
]
url_fields = st.one_of(st.sampled_from(_URL_CORNERS), urls)
texts = st.one_of(st.sampled_from(["", "a", " ", "é" * 64, "n" * 65, "s" * 255, "s" * 256]), st.text(max_size=8))


GOOD = Connection(
    name="n", client_id="c", client_secret="s", oauth_token_url=_URL_CORNERS[0], audiences=("https://a.example.com/*",)
)


@st.composite
def connections(draw: st.DrawFn) -> Connection:
    return Connection(
        name=draw(texts),
        client_id=draw(texts),
        client_secret=draw(texts),
        oauth_token_url=draw(st.one_of(url_fields, st.just("https://idp.example.com/" + "t" * 233))),
        grant_type=draw(st.sampled_from(["client_credentials", "password", "Password", "implicit", ""])),
        credentials_username=draw(st.sampled_from(["", "user"])),
        credentials_password=draw(st.sampled_from(["", "pass"])),
        audiences=tuple(draw(st.lists(st.one_of(url_fields, audiences), max_size=3))),
    )


@PROPERTY
@given(conn=connections())
@example(conn=GOOD.with_changes(audiences=("https://idp.example.com/%zz",)))
@example(conn=GOOD.with_changes(oauth_token_url="https://idp.example.com:99999/token"))
@example(conn=GOOD.with_changes(audiences=("http://:80/x",)))
def test_the_app_reports_an_error_exactly_when_the_server_refuses(conn: Connection) -> None:
    as_saved = conn.with_changes(id="a" * 26, creator_id="b" * 26, create_at=1, update_at=1)
    refusal = first_invalid(as_saved) or store_refusal(as_saved)
    errors = [p.message for p in check_connection(conn) if p.is_error]
    if refusal is None:
        assert errors == [], f"the app blocks what the server stores: {errors}"
    else:
        assert errors, f"the app lets through what the server refuses: {refusal}"
