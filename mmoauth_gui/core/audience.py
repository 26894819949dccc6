"""Audience matching (docs/MATTERMOST.md §5) — the only matcher in the project.

An audience ending in ``*`` matches every URL starting with the text before the ``*``; any other
audience matches only the identical URL. Several connections may match one URL: the server's choice
among them is not public, so every match is returned and callers show the ambiguity.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import unquote

WILDCARD = "*"


def is_wildcard(audience: str) -> bool:
    return audience.endswith(WILDCARD)


def audience_prefix(audience: str) -> str:
    """The text a wildcard audience requires a URL to start with (the audience itself when exact)."""
    return audience[:-1] if is_wildcard(audience) else audience


def audience_matches(audience: str, url: str) -> bool:
    """Reference rule for one audience and one URL."""
    if is_wildcard(audience):
        return url.startswith(audience[:-1])
    return url == audience


class AudienceIndex:
    """Which connections match a URL, without a loop over every audience.

    Exact audiences sit in one dict; wildcard prefixes are grouped by length, so a lookup costs one
    dict probe per distinct prefix length. Keys (connection ids) can be replaced one at a time, which
    keeps a keystroke's update cheap.
    """

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]] = ()) -> None:
        self._audiences: dict[str, tuple[str, ...]] = {}
        self._exact: dict[str, set[str]] = {}
        self._prefixes: dict[int, dict[str, set[str]]] = {}
        self._lengths: list[int] = []
        for key, audiences in entries:
            self.set(key, audiences)

    def __len__(self) -> int:
        return len(self._audiences)

    def __contains__(self, key: object) -> bool:
        return key in self._audiences

    def keys(self) -> Iterator[str]:
        return iter(self._audiences)

    def audiences(self, key: str) -> tuple[str, ...]:
        return self._audiences.get(key, ())

    def set(self, key: str, audiences: Iterable[str]) -> None:
        """Add ``key`` with ``audiences``, replacing whatever it had."""
        self.remove(key)
        auds = tuple(audiences)
        self._audiences[key] = auds
        for aud in auds:
            if is_wildcard(aud):
                prefix = aud[:-1]
                bucket = self._prefixes.get(len(prefix))
                if bucket is None:
                    bucket = self._prefixes[len(prefix)] = {}
                    self._lengths = sorted(self._prefixes)
                bucket.setdefault(prefix, set()).add(key)
            else:
                self._exact.setdefault(aud, set()).add(key)

    def remove(self, key: str) -> None:
        auds = self._audiences.pop(key, None)
        if auds is None:
            return
        for aud in auds:
            if is_wildcard(aud):
                prefix = aud[:-1]
                bucket = self._prefixes.get(len(prefix))
                if bucket is None or prefix not in bucket:
                    continue
                bucket[prefix].discard(key)
                if not bucket[prefix]:
                    del bucket[prefix]
                    if not bucket:
                        del self._prefixes[len(prefix)]
                        self._lengths = sorted(self._prefixes)
            else:
                keys = self._exact.get(aud)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del self._exact[aud]

    def match(self, url: str) -> list[str]:
        """Every key with an audience matching ``url``, sorted."""
        found: set[str] = set()
        exact = self._exact.get(url)
        if exact:
            found |= exact
        size = len(url)
        for length in self._lengths:
            if length > size:
                break
            keys = self._prefixes[length].get(url[:length])
            if keys:
                found |= keys
        return sorted(found)


class UrlSet:
    """A sorted set of URLs answering "which of them does this audience match" (the reverse lookup)."""

    def __init__(self, urls: Iterable[str]) -> None:
        self._urls = sorted(set(urls))
        self._members = set(self._urls)

    def __len__(self) -> int:
        return len(self._urls)

    def matched_by(self, audience: str) -> list[str]:
        if not is_wildcard(audience):
            return [audience] if audience in self._members else []
        prefix = audience[:-1]
        urls = self._urls
        i, end = bisect_left(urls, prefix), len(urls)
        out: list[str] = []
        while i < end and urls[i].startswith(prefix):  # no slice: that would copy the rest of the list
            out.append(urls[i])
            i += 1
        return out


def _without_default_port(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    default = {"http": ":80", "https": ":443"}.get(scheme.lower(), "")
    if default and host.endswith(default):
        host = host[: -len(default)]
    return scheme + sep + host + slash + path


# Differences the documented rule counts but the real server might not: its handling of them is not public.
_NEAR_FORMS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("letter case", str.lower),
    ("a trailing slash", lambda url: url.rstrip("/")),
    ("the query string", lambda url: url.split("?", 1)[0]),
    ("percent-encoding", unquote),
    ("a default port", _without_default_port),
)


def _host_key(url: str) -> str:
    """The host, lowercased, without a port (and any digits ending it): audiences that could nearly match a URL
    share it."""
    return url.partition("://")[2].split("/", 1)[0].split("?", 1)[0].lower().rstrip("0123456789:")


class NearMisses:
    """Exact audiences that miss a URL only in case, a trailing slash, the query, escaping or a default port.

    The documented rule compares text exactly (docs/MATTERMOST.md §5); whether the real server does so for
    these differences is closed code, so a preview names them. Audiences are grouped by host, so a lookup
    compares the URL with the few audiences on its host only.
    """

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._by_host: dict[str, list[tuple[str, str]]] = {}
        for key, audiences in entries:
            for aud in audiences:
                self._by_host.setdefault(_host_key(aud), []).append((key, aud))

    def find(self, url: str) -> tuple[str, str, str] | None:
        """``(key, audience, what differs)`` for a URL no audience matches, or ``None``."""
        candidates = self._by_host.get(_host_key(url), ())
        for what, form in _NEAR_FORMS:
            target = form(url)
            for key, aud in candidates:
                if not is_wildcard(aud) and form(aud) == target:
                    return key, aud, what
        for key, aud in candidates:
            if is_wildcard(aud) and aud[:-1] == url + "/":
                return key, aud, "a trailing slash"
        return None
