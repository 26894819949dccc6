"""The server side of ``POST …/validate``: request a token from the posted token URL (docs/MATTERMOST.md §4–5).

A URL-encoded form POST with ``grant_type``, ``client_id``, ``client_secret`` (``client_secret_post``),
no scope, no audience; redirects are not followed and no proxy is used. The outcome's ``detail`` reads
like Go's ``golang.org/x/oauth2`` errors and never holds the secret or the token.
"""

from __future__ import annotations

import functools
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import url_problems
from mmoauth_gui.logs import redact

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


def fetch_token(conn: Connection, timeout: float = TIMEOUT_SECONDS) -> FetchOutcome:
    problems = url_problems(conn.oauth_token_url, "The token URL")
    if problems:
        return FetchOutcome(400, f"parse {json.dumps(conn.oauth_token_url)}: {problems[0]}")
    request = urllib.request.Request(  # noqa: S310 - url_problems allowed only http:// and https://
        conn.oauth_token_url,
        data=_form(conn),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    where = f"Post {json.dumps(conn.oauth_token_url)}"
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
