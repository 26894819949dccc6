"""The server side of ``POST …/validate``: request a token from the posted token URL (docs/MATTERMOST.md §4–5).

A URL-encoded form POST with ``grant_type``, ``client_id``, ``client_secret`` (``client_secret_post``),
no scope, no audience; redirects are not followed and no proxy is used. The outcome's ``detail`` reads
like Go's ``golang.org/x/oauth2`` errors and never holds the secret or the token.
"""

from __future__ import annotations

import functools
import json
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from mmoauth_gui.core.model import Connection
from mmoauth_gui.logs import redact
from mmoauth_gui.sandbox.server_model import GoUrlError, parse_request_uri
from mmoauth_gui.sandbox.server_model.untrusted import (
    ADDRESS_FORBIDDEN,
    ALLOWED_UNTRUSTED_INTERNAL,
    allowed_entries,
    parse_addresses,
    refused,
)

# ---- the server's rule for its own outbound requests to untrusted URLs, and the settings that steer it ----
# Mattermost's untrusted HTTP client (server/platform/services/httpservice/httpservice.go and client.go)
# refuses to dial a reserved address (loopback, private, link-local, CGNAT, documentation and other special
# ranges) or the server's own address (not modelled here), unless AllowedUntrustedInternalConnections lets it:
# the setting is split on whitespace and commas; an entry equal to the URL's host allows that host without
# looking at its addresses, an entry that parses as a CIDR allows the addresses inside it. The sandbox applies
# it to the token requests of POST …/outgoing_connections/validate (docs/MATTERMOST.md, Appendix H): with the
# default (empty) setting a token URL on loopback is refused, as on a real server.

ENABLE_DEVELOPER = "ServiceSettings.EnableDeveloper"
HARDENED_MODE = "ServiceSettings.ExperimentalEnableHardenedMode"
REQUESTS_TIMEOUT = "ServiceSettings.OutgoingIntegrationRequestsTimeout"
INSECURE_OUTGOING = "ServiceSettings.EnableInsecureOutgoingConnections"
# each setting the sandbox reads, with the server's default (server/public/model/config.go, Appendix H)
KNOWN_SETTINGS = {
    ALLOWED_UNTRUSTED_INTERNAL: "",
    ENABLE_DEVELOPER: "false",
    HARDENED_MODE: "false",
    REQUESTS_TIMEOUT: "30",
    INSECURE_OUTGOING: "false",
}
LOOPBACK_ALLOWED = "localhost 127.0.0.0/8 ::1/128"  # what the built-in seeds allow: their token endpoint's home


class SettingError(ValueError):
    """A ``--setting`` or seed setting the sandbox does not know, or without ``KEY=VALUE``."""


def parse_setting(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` of ``--setting``; the key must be one the sandbox reads."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise SettingError(f"a setting is KEY=VALUE, not {text!r}")
    check_setting_key(key)
    return key, value.strip()


def check_setting_key(key: str) -> None:
    if key not in KNOWN_SETTINGS:
        raise SettingError(f"the sandbox does not read the setting {key!r} (it reads: {', '.join(KNOWN_SETTINGS)})")


def setting(settings: dict[str, str], key: str) -> str:
    """A setting's value, or the server's default when the seed and ``--setting`` leave it out."""
    return settings.get(key, KNOWN_SETTINGS[key])


def requests_timeout(settings: dict[str, str]) -> float:
    """``OutgoingIntegrationRequestsTimeout`` in seconds (the default when the value is not a positive number)."""
    try:
        value = float(setting(settings, REQUESTS_TIMEOUT))
    except ValueError:
        value = 0
    return value if value > 0 else float(KNOWN_SETTINGS[REQUESTS_TIMEOUT])


def forbidden_reason(url: str, allowed_setting: str) -> str:
    """Why the server's untrusted client would not connect to ``url`` ("" when it would)."""
    try:
        host = urllib.parse.urlsplit(url).hostname or ""
    except ValueError:
        return ""
    if not host or host in allowed_entries(allowed_setting):
        return ""
    try:
        addresses = parse_addresses(str(info[4][0]) for info in socket.getaddrinfo(host, None))
    except (OSError, ValueError, UnicodeError):
        return ""  # the lookup fails again when the request is sent, and says so there
    return ADDRESS_FORBIDDEN if refused(host, addresses, allowed_setting) else ""


TIMEOUT_SECONDS = 5.0
_MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class FetchOutcome:
    status: int  # 200 token obtained, 400 refused or invalid, 502 not reached
    detail: str = ""
    access_token: str = field(default="", repr=False)  # kept for the integration request, never logged
    token_type: str = ""

    def header_value(self) -> str:
        """``TokenType + " " + AccessToken`` exactly (docs/MATTERMOST.md §5: a lowercase type stays lowercase)."""
        return f"{self.token_type} {self.access_token}"

    @property
    def ok(self) -> bool:
        return self.status == 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()  # loading the CA bundle costs ~25 ms: once per process


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _NoRedirect(),
        urllib.request.HTTPSHandler(context=_tls_context()),
    )


def _form(conn: Connection) -> bytes:
    fields = {"grant_type": conn.grant_type, "client_id": conn.client_id, "client_secret": conn.client_secret}
    if conn.uses_password_grant:
        fields["username"] = conn.credentials_username
        fields["password"] = conn.credentials_password
    return urllib.parse.urlencode(fields).encode("ascii")


def _parse(body: bytes, content_type: str) -> dict[str, Any]:
    if "application/x-www-form-urlencoded" in content_type or "text/plain" in content_type:
        return {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _refusal(status: int, reason: str, body: bytes, content_type: str) -> str:
    data = _parse(body, content_type)
    error = data.get("error")
    if isinstance(error, str) and error:
        parts = ["oauth2:", json.dumps(error)]
        for key in ("error_description", "error_uri"):
            value = data.get(key)
            if isinstance(value, str) and value:
                parts.append(json.dumps(value))
        return " ".join(parts)
    snippet = redact(body[:200].decode("utf-8", "replace"))
    return f"oauth2: cannot fetch token: {status} {reason}\nResponse: {snippet}"


def fetch_token(conn: Connection, timeout: float = TIMEOUT_SECONDS, *, allowed_internal: str = "") -> FetchOutcome:
    """Ask the token URL for a token; ``allowed_internal`` is ``AllowedUntrustedInternalConnections``."""
    where = f"Post {json.dumps(conn.oauth_token_url)}"
    try:
        scheme, host = parse_request_uri(conn.oauth_token_url)
    except GoUrlError as exc:
        return FetchOutcome(400, str(exc))
    if scheme not in ("http", "https"):
        return FetchOutcome(400, f"{where}: unsupported protocol scheme {json.dumps(scheme)}")
    if not host:
        return FetchOutcome(400, f"{where}: http: no Host in request URL")
    forbidden = forbidden_reason(conn.oauth_token_url, allowed_internal)
    if forbidden:
        return FetchOutcome(502, f"{where}: {forbidden}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is http or https (checked above)
        conn.oauth_token_url,
        data=_form(conn),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            body = response.read(_MAX_BODY)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        with exc:
            body = exc.read(_MAX_BODY)
            content_type = exc.headers.get("Content-Type", "") if exc.headers else ""
        return FetchOutcome(400, _refusal(exc.code, exc.reason, body, content_type))
    except urllib.error.URLError as exc:
        return FetchOutcome(502, f"{where}: {exc.reason}")
    except TimeoutError:
        return FetchOutcome(502, f"{where}: context deadline exceeded (timeout after {timeout:g}s)")
    except (OSError, ssl.SSLError, ValueError) as exc:
        return FetchOutcome(502, f"{where}: {exc}")
    data = _parse(body, content_type)
    token = data.get("access_token")
    if not isinstance(token, str) or not token:
        return FetchOutcome(400, "oauth2: server response missing access_token")
    token_type = data.get("token_type")
    return FetchOutcome(200, access_token=token, token_type=token_type if isinstance(token_type, str) else "")
