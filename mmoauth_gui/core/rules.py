"""Mattermost's rules for a connection (server ``IsValid``, docs/MATTERMOST.md §3), every problem at once.

The server reports only the first broken rule, as an HTTP 500. Here each field gets every problem it
has, in words an admin can act on, so a form can show them all beside their fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from mmoauth_gui.core.audience import AudienceIndex, UrlSet, audience_prefix, is_wildcard
from mmoauth_gui.core.model import Connection, GrantType
from mmoauth_gui.core.request_uri import http_url_error, parse_request_uri

NAME_MAX = 64
CLIENT_ID_MAX = 255
CLIENT_SECRET_MAX = 255
TOKEN_URL_MAX = 256
AUDIENCES_JSON_MAX = 1024

FIELD_LABELS = {
    "name": "Name",
    "client_id": "Client ID",
    "client_secret": "Client Secret",
    "oauth_token_url": "OAuth Token URL",
    "audiences": "Audience URLs",
    "grant_type": "Grant type",
    "credentials_username": "Username",
    "credentials_password": "Password",
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One broken rule (error: the server would refuse it) or a risk (warning: it would accept it)."""

    field: str
    message: str
    severity: Severity = Severity.ERROR
    line: int | None = None  # for audiences: the 0-based position in the list
    connection_id: str = ""  # for warnings across connections: the connection they concern

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "message": self.message, "severity": self.severity.value}
        if self.line is not None:
            out["line"] = self.line
        if self.connection_id:
            out["connection_id"] = self.connection_id
        return out


def parse_audience_lines(text: str) -> list[str]:
    """Audience URLs as the backstage reads its textarea: one per line, trimmed, empty lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def go_json_length(values: Sequence[str]) -> int:
    """Length of the list as Go's ``json.Marshal`` writes it (compact, ``<>&`` escaped): the DB column limit."""
    text = json.dumps(list(values), separators=(",", ":"), ensure_ascii=False)
    extra = sum(text.count(ch) for ch in "<>&\u2028\u2029") * 5
    return len(text) + extra


def _length_problems(field: str, value: str, maximum: int, required_message: str) -> list[Problem]:
    if value == "":
        return [Problem(field, required_message)]
    if len(value) > maximum:
        return [Problem(field, f"{FIELD_LABELS[field]} must be at most {maximum} characters (it has {len(value)}).")]
    return []


def _scheme_problem(url: str, what: str) -> str | None:
    """Why ``url`` does not start the way the server requires (lowercase ``http://``/``https://``), or None."""
    if url.startswith("http://") or url.startswith("https://"):
        return None
    lowered = url.lower()
    if lowered.startswith("http://") or lowered.startswith("https://"):
        return f"{what} must start with lowercase http:// or https:// — Mattermost is case-sensitive here."
    if "://" in url:
        return f"{what} must use http:// or https://, not {url.split('://', 1)[0]}://."
    return f"{what} must start with http:// or https://."


def url_problems(url: str, what: str) -> list[str]:
    """Why ``url`` is not a URL a request can go to (lowercase http(s) scheme, parses, a host, a real port).

    Stricter than the server's rule: for the URLs the app itself calls. A connection's URLs are checked
    with the server's own rule by ``connection_url_problems``.
    """
    scheme = _scheme_problem(url, what)
    if scheme is not None:
        return [scheme]
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return [f"{what} contains a control character."]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        reason = str(exc)
        if "Port" in reason or "port" in reason:
            return [f"{what} has a port that is not a number between 0 and 65535."]
        return [f"{what} is not a valid URL ({reason})."]
    del port
    if not parts.netloc or not parts.hostname:
        return [f"{what} has no host name after the scheme."]
    if any(ch.isspace() for ch in parts.netloc):
        return [f"{what} has a space in its host name."]
    if any(ch.isspace() for ch in url):
        return [f"{what} contains a space; encode it as %20."]
    return []


def _go_refusal(reason: str, what: str) -> str:
    """Go's reason for refusing a URL, in words an admin can act on."""
    if "control character" in reason:
        return f"{what} contains a control character (a tab, a line break, …)."
    if reason.startswith("invalid URL escape"):
        escape = reason.removeprefix("invalid URL escape ")
        return f"{what} has a broken %-escape {escape}: a % must be followed by two hex digits (write % as %25)."
    if reason.startswith("invalid character"):
        if '" "' in reason:
            return f"{what} has a space in its host name."
        char = reason.removeprefix("invalid character ").removesuffix(" in host name")
        return f"{what} has the character {char} in its host name, which the server refuses."
    if reason.startswith("invalid port"):
        return f"{what} has a port that is not a number."
    if reason == "missing ']' in host":
        return f"{what} opens an IPv6 address with [ but never closes it with ]."
    if reason == "net/url: invalid userinfo":
        return f"{what} has characters the server refuses in the user name or password before the @."
    if reason == "has no host":
        return f"{what} has no host name after the scheme."
    return f"{what} is not a URL the server accepts ({reason})."


def _stored_url_warnings(url: str, what: str) -> list[str]:
    """What is odd about a URL the server accepts and stores (docs/MATTERMOST.md, Appendix B.3)."""
    parsed = parse_request_uri(url)
    out: list[str] = []
    if url != url.strip():
        out.append(f"{what} starts or ends with a space: the server keeps it as part of the URL.")
    elif any(ch.isspace() for ch in url):
        out.append(f"{what} contains a space: the server stores it as is; write it as %20.")
    host, port = parsed.host, ""
    if not host.startswith("["):
        host, _, port = host.rpartition(":") if ":" in host else (host, "", "")
        if ":" in host:
            out.append(
                f"{what} has more than one : after the host: servers built with another Go version may refuse it."
            )
    else:
        port = host.rpartition("]")[2].removeprefix(":")
    if host in ("", "[]"):
        out.append(f"{what} has a port but no host name: the server stores it, but no request can reach it.")
    if port and int(port) > 65535:
        out.append(f"{what} has port {port}, beyond 65535: the server stores it, but no request can reach it.")
    if "#" in url.partition("?")[0]:
        out.append(f"{what} has a #: the server takes it and what follows as part of the path, not as a fragment.")
    return out


def connection_url_problems(field: str, url: str, what: str, line: int | None = None) -> list[Problem]:
    """The server's ``IsValidHTTPURL`` exactly: errors for what it refuses, warnings for odd URLs it stores."""
    reason = _scheme_problem(url, what)
    if reason is None:
        refusal = http_url_error(url)
        if refusal is None:
            return [Problem(field, m, Severity.WARNING, line=line) for m in _stored_url_warnings(url, what)]
        reason = _go_refusal(refusal, what)
    return [Problem(field, reason, line=line)]


def check_connection(conn: Connection, *, require_secret: bool = True) -> list[Problem]:
    """Every problem with ``conn``, errors first per field, in form order.

    ``require_secret`` is False when editing a stored connection: an empty secret then keeps the stored one.
    """
    out: list[Problem] = []
    out += _length_problems("name", conn.name, NAME_MAX, "Name is required.")
    out += _length_problems("client_id", conn.client_id, CLIENT_ID_MAX, "Client ID is required.")
    if conn.client_secret or require_secret:
        out += _length_problems("client_secret", conn.client_secret, CLIENT_SECRET_MAX, "Client Secret is required.")

    url = conn.oauth_token_url
    if url == "":
        out.append(Problem("oauth_token_url", "OAuth Token URL is required."))
    else:
        out += connection_url_problems("oauth_token_url", url, "The token URL")
        if len(url) > TOKEN_URL_MAX:
            out.append(
                Problem(
                    "oauth_token_url",
                    f"OAuth Token URL must be at most {TOKEN_URL_MAX} characters (it has {len(url)}).",
                )
            )
        if url.startswith("http://"):
            out.append(
                Problem(
                    "oauth_token_url",
                    "The token URL uses http://: the client secret would travel unencrypted.",
                    Severity.WARNING,
                )
            )

    if conn.grant_type not in (GrantType.CLIENT_CREDENTIALS.value, GrantType.PASSWORD.value):
        out.append(
            Problem("grant_type", f"Grant type must be client_credentials or password, not {conn.grant_type!r}.")
        )
    elif conn.uses_password_grant:
        if not conn.credentials_username:
            out.append(Problem("credentials_username", "Username is required for the password grant."))
        if not conn.credentials_password and require_secret:
            out.append(Problem("credentials_password", "Password is required for the password grant."))

    out += audience_problems(conn.audiences)
    out += space_warnings(conn)
    return _in_form_order(out)


SPACED_FIELDS = ("name", "client_id", "client_secret", "credentials_username", "credentials_password")


def space_warnings(conn: Connection) -> list[Problem]:
    """Values the server stores as typed (it only checks for empty) but that are most likely a pasting slip."""
    out: list[Problem] = []
    for field in SPACED_FIELDS:
        value = getattr(conn, field)
        label = FIELD_LABELS[field]
        if not value:
            continue
        if not value.strip():
            message = f"{label} is only spaces: the server stores it, but it is almost certainly not meant."
        elif value != value.strip():
            ends = [where for where, cut in (("starts", value.lstrip()), ("ends", value.rstrip())) if cut != value]
            message = f"{label} {' and '.join(ends)} with a space, which is kept as part of it."
        else:
            continue
        out.append(Problem(field, message, Severity.WARNING))
    return out


def _in_form_order(problems: list[Problem]) -> list[Problem]:
    order = {field: i for i, field in enumerate(FIELD_LABELS)}
    return sorted(problems, key=lambda p: order.get(p.field, len(order)))


def audience_problems(audiences: Sequence[str]) -> list[Problem]:
    out: list[Problem] = []
    if not audiences:
        return [Problem("audiences", "At least one audience URL is required.")]
    seen: dict[str, int] = {}
    for i, aud in enumerate(audiences):
        label = f"Audience URL {i + 1}"
        out += connection_url_problems("audiences", aud, label, line=i)
        if wildcard_inside(aud):
            out.append(
                Problem(
                    "audiences",
                    f"{label} has a * that is not at the end: only a trailing * is a wildcard, this one is literal.",
                    Severity.WARNING,
                    line=i,
                )
            )
        if aud in seen:
            out.append(Problem("audiences", f"{label} repeats audience URL {seen[aud] + 1}.", Severity.WARNING, line=i))
        else:
            seen[aud] = i
    size = go_json_length(audiences)
    if size > AUDIENCES_JSON_MAX:
        out.append(
            Problem(
                "audiences",
                f"The audience list is too long for the server: stored as JSON it takes {size} characters, "
                f"the limit is {AUDIENCES_JSON_MAX}.",
            )
        )
    return out


def wildcard_inside(audience: str) -> bool:
    return "*" in audience_prefix(audience) if is_wildcard(audience) else "*" in audience


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


def overlap_warnings(connections: Sequence[Connection]) -> list[Problem]:
    """Audiences shared or overlapping between connections: the server may pick either (docs/MATTERMOST.md §5)."""
    index = AudienceIndex((c.id or c.name, c.audiences) for c in connections)
    names = {c.id or c.name: c.name for c in connections}
    exact_urls = UrlSet(a for c in connections for a in c.audiences if not is_wildcard(a))
    wildcard_owners: dict[str, set[str]] = {}
    for c in connections:
        for a in c.audiences:
            if is_wildcard(a):
                wildcard_owners.setdefault(a, set()).add(c.id or c.name)
    wildcards = UrlSet(wildcard_owners)

    out: list[Problem] = []
    for c in connections:
        key = c.id or c.name
        others: set[str] = set()
        for aud in dict.fromkeys(c.audiences):
            others.update(index.match(audience_prefix(aud)))
            if is_wildcard(aud):
                for url in exact_urls.matched_by(aud):
                    others.update(index.match(url))
                for longer in wildcards.matched_by(aud):
                    others.update(wildcard_owners[longer])
        others.discard(key)
        for other in sorted(others, key=lambda k: names.get(k, k)):
            out.append(
                Problem(
                    "audiences",
                    f"Audiences overlap with connection “{names.get(other, other)}”: a URL both match could "
                    "get either connection's token.",
                    Severity.WARNING,
                    connection_id=key,
                )
            )
    return out
