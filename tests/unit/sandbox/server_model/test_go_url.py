"""The sandbox's port of Go's ``url.ParseRequestURI`` / the server's ``IsValidHTTPURL``: every row of
docs/MATTERMOST.md Appendix B.3 and the prefix rule of B.2, plus zone and userinfo rows; each list was run
through go1.19.8 (and 120,000 generated URLs agreed with it once, docs/TESTING.md)."""

from __future__ import annotations

import pytest

from mmoauth_gui.sandbox.server_model import GoUrlError, is_valid_http_url, parse_request_uri

VALID = [
    "https://example.com",
    "https://example.com/",
    "https://example.com?x=1",
    "https://example.com/x ",
    "https://example.com/a b",
    "https://example.com/ok%20ok",
    "https://example.com/x?q=%zz",
    "https://example.com/x?q=a b",
    "https://example.com/x#frag",
    "https://example.com/x?q=1#f%zz",
    "https://example.com:99999/x",
    "https://example.com:/x",
    "http://:80/x",
    "https://[::1]:8443/x",
    "https://::1/x",
    "https://[fe80::1%25en0]/x",
    "https://[127.0.0.1]/x",
    "https://example.com:8080:90/x",
    "https://user:pass@example.com/x",
    "https://user@example.com/x",
    "https://example.com/x|y",
    "https://example.com/x{y}",
    "https://example.com/x;y",
    "https://example.com/ü",
    "https://exämple.com/x",
    "https://ex_ample.com/x",
    "https://*.example.com/x",
    "https://example.com/*",
    "https://example.com/api/*",
    "https://example.com/%C3%BC",
    "https://ex%C3%A4mple.com/x",
    "https://[fe80::1%25en%200]/x",
    "https://[fe80::1%25en0%41]/x",
    "https://a@b@example.com/x",
]
INVALID = [
    "https://exa mple.com/x",
    "https://example.com/%zz",
    "https://example.com/%2",
    "https://example.com/x%",
    "https://example.com/x#%zz",
    "https://example.com#x",
    "https://example.com:abc/x",
    "http:///x",
    "http://",
    "https://[::1/x",
    "https://[fe80::1%en0]/x",
    "https://[::1]extra/x",
    "https://us er@example.com/x",
    "https://example.com/\tx",
    "https://example.com/x\n",
    "https://example.com/\x01",
    "https://example.com/\x7f",
    "https://example.com\\x",
    "https://exa%20mple.com/x",
    "https://example.com%2F/x",
    "https://user@/x",
    "HTTPS://example.com/x",
    "Https://example.com/x",
    " https://example.com/x",
    "ftp://example.com/x",
    "example.com/x",
    "",
    "https://[fe80::1%25%C3%A4]/x",
    "https://[fe80::1%25en%2F0]/x",
    "https://u%zz@example.com/x",
]


@pytest.mark.parametrize("url", VALID)
def test_urls_go_accepts(url: str) -> None:
    assert is_valid_http_url(url)


@pytest.mark.parametrize("url", INVALID)
def test_urls_the_server_refuses(url: str) -> None:
    assert not is_valid_http_url(url)


def test_errors_read_like_go() -> None:
    cases = {
        "https://example.com/%zz": 'parse "https://example.com/%zz": invalid URL escape "%zz"',
        "https://exa mple.com/x": 'parse "https://exa mple.com/x": invalid character " " in host name',
        "https://example.com:abc/x": 'parse "https://example.com:abc/x": invalid port ":abc" after host',
        "https://[::1/x": "parse \"https://[::1/x\": missing ']' in host",
        "https://example.com/\x01": 'parse "https://example.com/\\u0001": net/url: invalid control character in URL',
        "example.com/x": 'parse "example.com/x": invalid URI for request',
    }
    for url, message in cases.items():
        with pytest.raises(GoUrlError) as caught:
            parse_request_uri(url)
        assert str(caught.value) == message


def test_scheme_is_lowered_and_host_keeps_its_port() -> None:
    assert parse_request_uri("HTTP://Example.com:8080/x") == ("http", "Example.com:8080")
    assert parse_request_uri("mailto:someone@example.com") == ("mailto", "")
