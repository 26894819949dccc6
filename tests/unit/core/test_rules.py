"""Every rule of docs/MATTERMOST.md §3, on both sides of each limit, all problems reported at once."""

from __future__ import annotations

import pytest

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import (
    Severity,
    check_connection,
    go_json_length,
    has_errors,
    overlap_warnings,
    parse_audience_lines,
)

VALID = Connection(
    name="Jira",
    client_id="client",
    client_secret="secret",
    oauth_token_url="https://auth.example.com/oauth/token",
    audiences=("https://hooks.example.com/jira",),
)


def errors(conn: Connection, **kw: bool) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in check_connection(conn, **kw):
        if p.is_error:
            out.setdefault(p.field, []).append(p.message)
    return out


def test_valid_connection_has_no_problem() -> None:
    assert check_connection(VALID) == []


# (field, value just inside the limit, value just outside it)
LENGTH_LIMITS = [
    ("name", "n" * 64, "n" * 65),
    ("client_id", "c" * 255, "c" * 256),
    ("client_secret", "s" * 255, "s" * 256),
    ("oauth_token_url", "https://a.example/" + "t" * (256 - 18), "https://a.example/" + "t" * (257 - 18)),
]


@pytest.mark.parametrize(("field", "inside", "outside"), LENGTH_LIMITS)
def test_length_limits_on_both_sides(field: str, inside: str, outside: str) -> None:
    assert field not in errors(VALID.with_changes(**{field: inside}))
    problem = errors(VALID.with_changes(**{field: outside}))[field]
    assert len(problem) == 1 and "at most" in problem[0]


def test_length_counts_characters_not_bytes() -> None:
    assert "name" not in errors(VALID.with_changes(name="é" * 64))
    assert "name" in errors(VALID.with_changes(name="é" * 65))


@pytest.mark.parametrize("field", ["name", "client_id", "client_secret", "oauth_token_url"])
def test_required_fields(field: str) -> None:
    assert "required" in errors(VALID.with_changes(**{field: ""}))[field][0]


def test_secret_optional_on_edit_but_still_limited() -> None:
    assert "client_secret" not in errors(VALID.with_changes(client_secret=""), require_secret=False)
    assert "client_secret" in errors(VALID.with_changes(client_secret="s" * 256), require_secret=False)


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("HTTPS://auth.example.com/token", "lowercase"),
        ("Http://auth.example.com/token", "lowercase"),
        ("ftp://auth.example.com/token", "not ftp://"),
        ("auth.example.com/token", "must start with http"),
        ("https://", "no host"),
        ("https://auth.example.com:x9/token", "port that is not a number"),
        ("https://auth example.com/token", "space in its host"),
        ("https://auth.example.com/to\x07ken", "control character"),
        ("https://auth.example.com/%zz", 'broken %-escape "%zz"'),
        ("https://auth.example.com/x#%zz", 'broken %-escape "%zz"'),
        ("https://auth.example.com#x", 'character "#" in its host name'),
        ("https://[::1/token", "never closes it with ]"),
        ("https://us er@auth.example.com/token", "before the @"),
    ],
)
def test_token_url_format(url: str, fragment: str) -> None:
    messages = errors(VALID.with_changes(oauth_token_url=url))["oauth_token_url"]
    assert any(fragment in m for m in messages), messages


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("https://auth.example.com:99999/token", "port 99999, beyond 65535"),
        ("https://auth.example.com/to ken", "contains a space"),
        ("https://auth.example.com/token ", "ends with a space"),
        ("http://:80/token", "no host name"),
        ("https://auth.example.com/token#x", "a #"),
        ("https://auth.example.com:8080:90/token", "more than one :"),
    ],
)
def test_what_the_server_stores_is_only_warned(url: str, fragment: str) -> None:
    problems = [p for p in check_connection(VALID.with_changes(oauth_token_url=url)) if p.field == "oauth_token_url"]
    assert not has_errors(problems)
    assert any(fragment in p.message for p in problems), problems


@pytest.mark.parametrize("url", ["http://auth.example.com/token", "https://127.0.0.1:8443/t?x=1"])
def test_token_url_accepted(url: str) -> None:
    assert "oauth_token_url" not in errors(VALID.with_changes(oauth_token_url=url))


def test_http_token_url_is_a_warning_not_an_error() -> None:
    problems = check_connection(VALID.with_changes(oauth_token_url="http://auth.example.com/token"))
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "unencrypted" in problems[0].message


def test_audiences_required_and_each_checked_with_its_line() -> None:
    assert "At least one" in errors(VALID.with_changes(audiences=()))["audiences"][0]
    conn = VALID.with_changes(audiences=("https://ok.example/*", "HTTP://x.example", "nope", "https://ok.example/a"))
    probs = [p for p in check_connection(conn) if p.field == "audiences" and p.is_error]
    assert [p.line for p in probs] == [1, 2]
    assert "Audience URL 2" in probs[0].message and "Audience URL 3" in probs[1].message


def test_trailing_wildcard_is_allowed_inner_star_is_warned() -> None:
    assert check_connection(VALID.with_changes(audiences=("https://a.example/api/*",))) == []
    probs = check_connection(VALID.with_changes(audiences=("https://a.example/*/x",)))
    assert [p.severity for p in probs] == [Severity.WARNING]


def test_duplicate_audience_in_one_connection_is_a_warning() -> None:
    probs = check_connection(VALID.with_changes(audiences=("https://a.example/x", "https://a.example/x")))
    assert [(p.severity, p.line) for p in probs] == [(Severity.WARNING, 1)]


def test_audience_json_limit_both_sides() -> None:
    # ["…"] adds 4 characters around one URL
    base = "https://a.example/"
    inside = (base + "x" * (1024 - 4 - len(base)),)
    outside = (base + "x" * (1025 - 4 - len(base)),)
    assert go_json_length(inside) == 1024
    assert "audiences" not in errors(VALID.with_changes(audiences=inside))
    assert "1025" in errors(VALID.with_changes(audiences=outside))["audiences"][0]


def test_audience_json_length_counts_go_html_escaping() -> None:
    assert go_json_length(["https://a.example/?a=1&b=2"]) == len('["https://a.example/?a=1\\u0026b=2"]')


def test_password_grant_needs_credentials_and_unknown_grant_rejected() -> None:
    pw = VALID.with_changes(grant_type="password")
    errs = errors(pw)
    assert set(errs) == {"credentials_username", "credentials_password"}
    assert errors(pw.with_changes(credentials_username="u", credentials_password="p")) == {}
    assert "password" not in str(errors(pw.with_changes(credentials_username="u"), require_secret=False))
    assert "grant_type" in errors(VALID.with_changes(grant_type="implicit"))
    assert "grant_type" in errors(VALID.with_changes(grant_type="Password"))  # the server compares exactly


def test_every_problem_reported_at_once() -> None:
    bad = Connection(oauth_token_url="HTTPS://x", audiences=("ftp://a", "b"))
    assert set(errors(bad)) == {"name", "client_id", "client_secret", "oauth_token_url", "audiences"}
    assert has_errors(check_connection(bad))


def test_parse_audience_lines_trims_and_drops_empty() -> None:
    assert parse_audience_lines("  https://a/x \n\n\t\nhttps://b/*\r\n") == ["https://a/x", "https://b/*"]


def test_overlap_warnings_across_connections() -> None:
    a = Connection(id="a", name="A", audiences=("https://x.example/api/*",))
    b = Connection(id="b", name="B", audiences=("https://x.example/api/v1",))
    c = Connection(id="c", name="C", audiences=("https://x.example/*",))
    d = Connection(id="d", name="D", audiences=("https://y.example/api",))
    e = Connection(id="e", name="E", audiences=("https://y.example/api",))
    pairs = {(p.connection_id, p.message.split("“")[1].split("”")[0]) for p in overlap_warnings([a, b, c, d, e])}
    assert pairs == {
        ("a", "B"),
        ("a", "C"),
        ("b", "A"),
        ("b", "C"),
        ("c", "A"),
        ("c", "B"),
        ("d", "E"),
        ("e", "D"),
    }
    assert all(p.severity is Severity.WARNING for p in overlap_warnings([a, b]))
    assert overlap_warnings([a, d]) == []


@pytest.mark.parametrize("field", ["name", "client_id", "client_secret", "credentials_username"])
def test_only_spaces_is_stored_by_the_server_so_a_warning(field: str) -> None:
    conn = VALID.with_changes(grant_type="password", credentials_username="svc", credentials_password="pw")
    problems = [p for p in check_connection(conn.with_changes(**{field: "   "})) if p.field == field]
    assert [(p.severity, "only spaces" in p.message) for p in problems] == [(Severity.WARNING, True)]


def test_leading_and_trailing_spaces_are_named_without_echoing_a_secret() -> None:
    problems = check_connection(VALID.with_changes(client_id=" client", client_secret="s3cret "))
    messages = {p.field: p.message for p in problems}
    assert messages["client_id"] == "Client ID starts with a space, which is kept as part of it."
    assert messages["client_secret"] == "Client Secret ends with a space, which is kept as part of it."
    assert not has_errors(problems) and "s3cret" not in " ".join(messages.values())
    assert [p.field for p in problems] == ["client_id", "client_secret"]
