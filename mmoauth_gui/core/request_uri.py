"""Go's ``net/url.ParseRequestURI`` and Mattermost's ``IsValidHTTPURL``, ported step by step.

The server accepts a token URL or an audience exactly when ``is_valid_http_url`` is true
(docs/MATTERMOST.md, Appendix B.2 and B.3). The port follows Go 1.19's ``net/url`` function by function
and works on the UTF-8 bytes as Go does; ``tests/unit/core/test_request_uri.py`` holds vectors run
through real Go (``scripts/go_request_uri_vectors.go``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum, auto


class _Mode(Enum):
    PATH = auto()
    HOST = auto()
    ZONE = auto()
    USER_PASSWORD = auto()


class RequestUriError(ValueError):
    """Go refused the URL; the message is Go's inner error text."""


@dataclass(frozen=True)
class RequestUri:
    """What Go's parse keeps of a request URI (``path`` unescaped, the query raw)."""

    scheme: str
    host: str
    path: str
    raw_query: str
    opaque: str = ""
    has_user: bool = False


_HEX = frozenset(b"0123456789abcdefABCDEF")
_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset(b"0123456789")
_ALNUM = _LETTERS | _DIGITS
_HOST_SUB_DELIMS = frozenset(b"!$&'()*+,;=:[]<>\"")
_UNRESERVED_MARKS = frozenset(b"-_.~")
_RESERVED = frozenset(b"$&+,/:;=?@")
_USERINFO_EXTRA = frozenset(b"-._:~!$&'()*+,;=%@")


def _quote(raw: bytes) -> str:
    return json.dumps(raw.decode("utf-8", "replace"), ensure_ascii=False)


def _unhex(c: int) -> int:
    return int(chr(c), 16)


def _should_escape(c: int, mode: _Mode) -> bool:
    if c in _ALNUM:
        return False
    if mode in (_Mode.HOST, _Mode.ZONE) and c in _HOST_SUB_DELIMS:
        return False
    if c in _UNRESERVED_MARKS:
        return False
    if c in _RESERVED:
        if mode is _Mode.PATH:
            return c == ord("?")
        if mode is _Mode.USER_PASSWORD:
            return c in b"@/?:"
    return True


def _unescape(s: bytes, mode: _Mode) -> bytes:
    i = 0
    while i < len(s):
        c = s[i]
        if c == ord("%"):
            if i + 2 >= len(s) or s[i + 1] not in _HEX or s[i + 2] not in _HEX:
                raise RequestUriError(f"invalid URL escape {_quote(s[i : i + 3])}")
            # In a host %-escapes may only stand for non-ASCII bytes, except %25 (RFC 6874 zones).
            if mode is _Mode.HOST and _unhex(s[i + 1]) < 8 and s[i : i + 3] != b"%25":
                raise RequestUriError(f"invalid URL escape {_quote(s[i : i + 3])}")
            if mode is _Mode.ZONE:
                value = _unhex(s[i + 1]) << 4 | _unhex(s[i + 2])
                if s[i : i + 3] != b"%25" and value != ord(" ") and _should_escape(value, _Mode.HOST):
                    raise RequestUriError(f"invalid URL escape {_quote(s[i : i + 3])}")
            i += 3
            continue
        if mode in (_Mode.HOST, _Mode.ZONE) and c < 0x80 and _should_escape(c, mode):
            raise RequestUriError(f"invalid character {_quote(s[i : i + 1])} in host name")
        i += 1
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == ord("%"):
            out.append(_unhex(s[i + 1]) << 4 | _unhex(s[i + 2]))
            i += 3
        else:
            out.append(s[i])
            i += 1
    return bytes(out)


def _get_scheme(raw: bytes) -> tuple[bytes, bytes]:
    for i, c in enumerate(raw):
        if c in _LETTERS:
            continue
        if c in _DIGITS or c in b"+-.":
            if i == 0:
                return b"", raw
            continue
        if c == ord(":"):
            if i == 0:
                raise RequestUriError("missing protocol scheme")
            return raw[:i], raw[i + 1 :]
        return b"", raw
    return b"", raw


def _valid_optional_port(port: bytes) -> bool:
    if not port:
        return True
    return port[:1] == b":" and all(b in _DIGITS for b in port[1:])


def _valid_userinfo(userinfo: bytes) -> bool:
    return all(c in _ALNUM or c in _USERINFO_EXTRA for c in userinfo)


def _parse_host(host: bytes) -> bytes:
    if host.startswith(b"["):
        end = host.rfind(b"]")
        if end < 0:
            raise RequestUriError("missing ']' in host")
        colon_port = host[end + 1 :]
        if not _valid_optional_port(colon_port):
            raise RequestUriError(f"invalid port {_quote(colon_port)} after host")
        zone = host[:end].find(b"%25")
        if zone >= 0:
            return (
                _unescape(host[:zone], _Mode.HOST)
                + _unescape(host[zone:end], _Mode.ZONE)
                + _unescape(host[end:], _Mode.HOST)
            )
    else:
        colon = host.rfind(b":")
        if colon != -1 and not _valid_optional_port(host[colon:]):
            raise RequestUriError(f"invalid port {_quote(host[colon:])} after host")
    return _unescape(host, _Mode.HOST)


def _parse_authority(authority: bytes) -> tuple[bool, bytes]:
    at = authority.rfind(b"@")
    host = _parse_host(authority if at < 0 else authority[at + 1 :])
    if at < 0:
        return False, host
    userinfo = authority[:at]
    if not _valid_userinfo(userinfo):
        raise RequestUriError("net/url: invalid userinfo")
    for part in userinfo.split(b":", 1):
        _unescape(part, _Mode.USER_PASSWORD)
    return True, host


def parse_request_uri(raw_url: str) -> RequestUri:
    """Go's ``url.ParseRequestURI``: the URL as an HTTP request line carries it (no ``#fragment`` split)."""
    raw = raw_url.encode("utf-8", "surrogatepass")
    if any(b < 0x20 or b == 0x7F for b in raw):
        raise RequestUriError("net/url: invalid control character in URL")
    if not raw:
        raise RequestUriError("empty url")
    if raw == b"*":
        return RequestUri("", "", "*", "")
    scheme_bytes, rest = _get_scheme(raw)
    scheme = scheme_bytes.decode("ascii").lower()
    query = b""
    if rest.endswith(b"?") and rest.count(b"?") == 1:
        rest = rest[:-1]
    else:
        rest, _, query = rest.partition(b"?")
    if not rest.startswith(b"/"):
        if scheme:
            return RequestUri(scheme, "", "", _text(query), opaque=_text(rest))
        raise RequestUriError("invalid URI for request")
    has_user, host = False, b""
    if scheme and rest.startswith(b"//"):
        authority, slash, path = rest[2:].partition(b"/")
        rest = slash + path
        has_user, host = _parse_authority(authority)
    path_bytes = _unescape(rest, _Mode.PATH)
    return RequestUri(scheme, _text(host), _text(path_bytes), _text(query), has_user=has_user)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def http_url_error(url: str) -> str | None:
    """Why Mattermost's ``IsValidHTTPURL`` refuses ``url`` (Go's words where Go refused it), or None."""
    if not (url.startswith("http://") or url.startswith("https://")):
        return "does not start with lowercase http:// or https://"
    try:
        parsed = parse_request_uri(url)
    except RequestUriError as exc:
        return str(exc)
    if not parsed.scheme or not parsed.host:
        return "has no host"
    return None


def is_valid_http_url(url: str) -> bool:
    """Mattermost's ``model.IsValidHTTPURL``: lowercase http(s) prefix, Go parses it, scheme and host set."""
    return http_url_error(url) is None
