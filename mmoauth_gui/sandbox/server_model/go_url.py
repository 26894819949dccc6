"""Go's ``url.ParseRequestURI`` and Mattermost's ``IsValidHTTPURL``, as the server runs them.

Written from Go's ``net/url`` (go1.19, the behaviour docs/MATTERMOST.md Appendix B.3 records) and the
server's ``model/utils.go`` (Appendix B.2), one step after another as the Go code takes them. Strings are
handled as Go handles them: byte checks apply to ASCII; every other character passes them.
"""

from __future__ import annotations

import json

_HEX = frozenset("0123456789abcdefABCDEF")
# Bytes Go's shouldEscape lets through in a host without escaping (besides letters and digits).
_HOST_PLAIN = frozenset("!$&'()*+,;=:[]<>\"-_.~")


class GoUrlError(ValueError):
    """What Go's parser returned: ``str(error)`` reads like Go's ``*url.Error``."""

    def __init__(self, raw: str, reason: str) -> None:
        super().__init__(f"parse {json.dumps(raw, ensure_ascii=False)}: {reason}")
        self.reason = reason


def _is_ctl(ch: str) -> bool:
    return ch < " " or ch == "\x7f"


def _should_escape_in_host(ch: str) -> bool:
    """Go's ``shouldEscape(c, encodeHost)`` for one byte value."""
    return not (ch.isascii() and ch.isalnum()) and ch not in _HOST_PLAIN


def _unescape(text: str, mode: str) -> None:
    """Go's ``unescape`` with its checks; ``mode`` is ``path``, ``host``, ``zone`` or ``userinfo``."""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "%":
            if i + 2 >= len(text) or text[i + 1] not in _HEX or text[i + 2] not in _HEX:
                raise ValueError(f"invalid URL escape {json.dumps(text[i : i + 3])}")
            triple = text[i : i + 3]
            value = int(text[i + 1 : i + 3], 16)
            if mode == "host" and value < 0x80 and triple != "%25":
                raise ValueError(f"invalid URL escape {json.dumps(triple)}")
            if mode == "zone" and triple != "%25" and value != 0x20 and _should_escape_in_host(chr(value)):
                raise ValueError(f"invalid URL escape {json.dumps(triple)}")
            i += 3
            continue
        if mode in ("host", "zone") and ch < "\x80" and _should_escape_in_host(ch):
            raise ValueError(f"invalid character {json.dumps(ch)} in host name")
        i += 1


def _valid_optional_port(port: str) -> bool:
    if port == "":
        return True
    if port[0] != ":":
        return False
    return all("0" <= ch <= "9" for ch in port[1:])


def _parse_host(host: str) -> str:
    if host.startswith("["):
        end = host.rfind("]")
        if end < 0:
            raise ValueError("missing ']' in host")
        colon_port = host[end + 1 :]
        if not _valid_optional_port(colon_port):
            raise ValueError(f"invalid port {json.dumps(colon_port)} after host")
        zone = host[:end].find("%25")
        if zone >= 0:
            _unescape(host[:zone], "host")
            _unescape(host[zone:end], "zone")
            _unescape(host[end:], "host")
            return host
    else:
        colon = host.rfind(":")
        if colon != -1 and not _valid_optional_port(host[colon:]):
            raise ValueError(f"invalid port {json.dumps(host[colon:])} after host")
    _unescape(host, "host")
    return host


_USERINFO_PLAIN = frozenset("-._:~!$&'()*+,;=%@")


def _parse_authority(authority: str) -> str:
    """The host (with its port) of ``authority``; checks the userinfo as Go does."""
    at = authority.rfind("@")
    host = _parse_host(authority[at + 1 :] if at >= 0 else authority)
    if at >= 0:
        userinfo = authority[:at]
        if not all((ch.isascii() and ch.isalnum()) or ch in _USERINFO_PLAIN for ch in userinfo):
            raise ValueError("net/url: invalid userinfo")
        for part in userinfo.split(":", 1):
            _unescape(part, "userinfo")
    return host


def parse_request_uri(raw: str) -> tuple[str, str]:
    """``(scheme, host)`` as Go's ``url.ParseRequestURI`` finds them; raises ``GoUrlError`` where Go fails.

    Covers the absolute ``scheme://`` form (all ``IsValidHTTPURL`` lets through) plus Go's plain refusals.
    """
    try:
        if any(_is_ctl(ch) for ch in raw):
            raise ValueError("net/url: invalid control character in URL")
        if raw == "":
            raise ValueError("empty url")
        scheme, rest = _get_scheme(raw)
        rest = rest.split("?", 1)[0]
        if not rest.startswith("/"):
            if scheme:
                return scheme, ""  # Go keeps it as an opaque URL: no host
            raise ValueError("invalid URI for request")
        host = ""
        if scheme and rest.startswith("//"):
            authority = rest[2:]
            slash = authority.find("/")
            authority, rest = (authority[:slash], authority[slash:]) if slash >= 0 else (authority, "")
            host = _parse_authority(authority)
        _unescape(rest, "path")
        return scheme, host
    except ValueError as exc:
        raise GoUrlError(raw, str(exc)) from None


def _get_scheme(raw: str) -> tuple[str, str]:
    for i, ch in enumerate(raw):
        if ch.isascii() and ch.isalpha():
            continue
        if ch.isascii() and (ch.isdigit() or ch in "+-."):
            if i == 0:
                return "", raw
            continue
        if ch == ":":
            if i == 0:
                raise ValueError("missing protocol scheme")
            return raw[:i].lower(), raw[i + 1 :]
        return "", raw
    return "", raw


def is_valid_http_url(raw: str) -> bool:
    """The server's ``IsValidHTTPURL``: a lowercase ``http://``/``https://`` start, Go parses it, scheme and host."""
    if not (raw.startswith("http://") or raw.startswith("https://")):
        return False
    try:
        scheme, host = parse_request_uri(raw)
    except GoUrlError:
        return False
    return scheme != "" and host != ""
