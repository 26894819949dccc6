"""``core.request_uri`` against Go: every row was run through go1.19.8's ``net/url`` once.

Regenerate with ``go run scripts/go_request_uri_vectors.go < urls.json`` (a JSON array of the URLs below);
the columns are the URL, Mattermost's ``IsValidHTTPURL`` and ``url.ParseRequestURI``'s error (None: parsed).
"""

from __future__ import annotations

import pytest

from mmoauth_gui.core.request_uri import RequestUriError, http_url_error, is_valid_http_url, parse_request_uri

GO_1_19_8 = [
    ("https://example.com", True, None),
    ("https://example.com/", True, None),
    ("https://example.com?x=1", True, None),
    ("https://example.com/x ", True, None),
    ("https://example.com/a b", True, None),
    ("https://exa mple.com/x", False, 'invalid character " " in host name'),
    ("https://example.com/%zz", False, 'invalid URL escape "%zz"'),
    ("https://example.com/%2", False, 'invalid URL escape "%2"'),
    ("https://example.com/x%", False, 'invalid URL escape "%"'),
    ("https://example.com/ok%20ok", True, None),
    ("https://example.com/x?q=%zz", True, None),
    ("https://example.com/x?q=a b", True, None),
    ("https://example.com/x#frag", True, None),
    ("https://example.com/x#%zz", False, 'invalid URL escape "%zz"'),
    ("https://example.com/x?q=1#f%zz", True, None),
    ("https://example.com#x", False, 'invalid character "#" in host name'),
    ("https://example.com:99999/x", True, None),
    ("https://example.com:/x", True, None),
    ("https://example.com:abc/x", False, 'invalid port ":abc" after host'),
    ("http://:80/x", True, None),
    ("http:///x", False, None),
    ("http://", False, None),
    ("https://", False, None),
    ("https://[::1]:8443/x", True, None),
    ("https://[::1/x", False, "missing ']' in host"),
    ("https://::1/x", True, None),
    ("https://[fe80::1%25en0]/x", True, None),
    ("https://[fe80::1%en0]/x", False, 'invalid URL escape "%en"'),
    ("https://[127.0.0.1]/x", True, None),
    ("https://[::1]extra/x", False, 'invalid port "extra" after host'),
    ("https://example.com:8080:90/x", True, None),
    ("https://user:pass@example.com/x", True, None),
    ("https://user@example.com/x", True, None),
    ("https://us er@example.com/x", False, "net/url: invalid userinfo"),
    ("https://us%zz@example.com/x", False, 'invalid URL escape "%zz"'),
    ("https://a@b@example.com/x", True, None),
    ("https://example.com/x\t", False, "net/url: invalid control character in URL"),
    ("https://example.com/\nx", False, "net/url: invalid control character in URL"),
    ("https://example.com/\x01", False, "net/url: invalid control character in URL"),
    ("https://example.com/\x7f", False, "net/url: invalid control character in URL"),
    ("https://example.com\\x", False, 'invalid character "\\\\" in host name'),
    ("https://example.com/x|y", True, None),
    ("https://example.com/x{y}", True, None),
    ("https://example.com/x;y", True, None),
    ("https://example.com/ü", True, None),
    ("https://exämple.com/x", True, None),
    ("https://ex_ample.com/x", True, None),
    ("https://*.example.com/x", True, None),
    ("https://exa%20mple.com/x", False, 'invalid URL escape "%20"'),
    ("https://example.com%2F/x", False, 'invalid URL escape "%2F"'),
    ("https://ex%C3%A4mple.com/x", True, None),
    ("https://example.com/*", True, None),
    ("https://example.com/api/*", True, None),
    ("HTTPS://example.com/x", False, None),
    ("Https://example.com/x", False, None),
    (" https://example.com/x", False, "invalid URI for request"),
    ("ftp://example.com/x", False, None),
    ("https:example.com", False, None),
    ("http://example.com?", True, None),
    ("https://example.com/x?", True, None),
    ("https://example.com/a?b?c", True, None),
    ("https://example.com:0/x", True, None),
    ("https://example.com:65535/x", True, None),
    ("https://[::1]:/x", True, None),
    ("https://[::1]:99999/x", True, None),
    ("https://example.com/%41%42", True, None),
    ("https://example.com/x%2Fy", True, None),
    ("https://хост.рф/x", True, None),
    ("https://xn--h1aheh.xn--p1ai/x", True, None),
    ("https://example.com/\xa0", True, None),
    ("https://exa\xa0mple.com/x", True, None),
    ("https://[fe80::1%25en%200]/x", True, None),
    ("https://[fe80::1%25%zz]/x", False, 'invalid URL escape "%zz"'),
    ("https://@example.com/x", True, None),
    ("https://:@example.com/x", True, None),
    ("https://example.com/x?#", True, None),
    ('https://example.com"/x', True, None),
    ("https://exa<mple>.com/x", True, None),
    ('https://example.com/x"y', True, None),
]


@pytest.mark.parametrize(("url", "valid", "go_error"), GO_1_19_8)
def test_agrees_with_go(url: str, valid: bool, go_error: str | None) -> None:
    assert is_valid_http_url(url) is valid
    if go_error is None:
        parse_request_uri(url)
    else:
        with pytest.raises(RequestUriError) as refused:
            parse_request_uri(url)
        assert str(refused.value) == go_error


def test_parse_keeps_what_the_server_keeps() -> None:
    parsed = parse_request_uri("https://u:p@exa%C3%A4mple.com:99999/a%20b#frag?q=%zz")
    assert (parsed.scheme, parsed.host, parsed.path, parsed.has_user) == (
        "https",
        "exaämple.com:99999",
        "/a b#frag",
        True,
    )
    assert parsed.raw_query == "q=%zz"


def test_the_reason_names_the_part_go_refused() -> None:
    assert http_url_error("HTTPS://example.com") == "does not start with lowercase http:// or https://"
    assert http_url_error("http:///x") == "has no host"
    assert http_url_error("https://example.com/%zz") == 'invalid URL escape "%zz"'
    assert http_url_error("https://example.com/x") is None
