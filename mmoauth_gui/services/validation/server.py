"""Validation through the Mattermost server (``POST …/validate``), in the same result shape as the desktop check.

The server answers only "token obtained" (200) or an error (docs/MATTERMOST.md §4): 400 the token endpoint
refused the settings or they are invalid, 502 it could not reach the token endpoint, 501 the feature is
off, 403 the account lacks the permission, 401 the sign-in is no longer valid. The server's own
``detailed_error`` — which the product drops — is kept, and read for an OAuth error code or a network
cause so the hint can be as specific as a desktop check's.
"""

from __future__ import annotations

import json
import re
import time
from http import HTTPStatus

import httpx

from mmoauth_gui.core.clock import now_iso
from mmoauth_gui.core.model import Connection
from mmoauth_gui.core.rules import check_connection
from mmoauth_gui.core.urls import is_internal_url
from mmoauth_gui.core.validation import hints as hints
from mmoauth_gui.core.validation.result import Category, Source, ValidationResult
from mmoauth_gui.services.mattermost.client import MattermostClient
from mmoauth_gui.services.mattermost.diagnosis import Action, explain_refusal, where_to_look_for
from mmoauth_gui.services.mattermost.errors import (
    BadRequest,
    FeatureUnavailable,
    InvalidResponse,
    MattermostError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    Unreachable,
)
from mmoauth_gui.services.transport_errors import classify_transport_error

_CHECKED_FIELDS = {
    "client_id",
    "client_secret",
    "oauth_token_url",
    "grant_type",
    "credentials_username",
    "credentials_password",
}
_OAUTH2_CODE = re.compile(r'oauth2:\s*"([A-Za-z0-9_.-]+)"(?:\s*"((?:[^"\\]|\\.)*)")?')
_JSON_ERROR = re.compile(r'"error"\s*:\s*"([A-Za-z0-9_.-]+)"')
_JSON_DESCRIPTION = re.compile(r'"error_description"\s*:\s*"((?:[^"\\]|\\.)*)"')
# Go's x/oauth2 says "cannot fetch token: 404 Not Found"; a redacting layer may have eaten the number.
_FETCH_STATUS = re.compile(r"cannot fetch token:\s*(?:(\d{3})|\[redacted\])\s*([A-Za-z][A-Za-z' -]*)?")
_STATUS_BY_PHRASE = {s.phrase.lower(): s.value for s in HTTPStatus}

DESKTOP_CHECK = (
    "A desktop check asks the same token endpoint from this computer and shows its own answer (Validate here, "
    "or mmoauth-gui validate --token-url …): it tells a refused secret from an unreachable host."
)
PASSWORD_NEEDED = (
    "Validating a stored password-grant connection through the server needs its password: the server fills in "
    "only the stored client secret, never the password (docs/MATTERMOST.md, Appendix C.2). Give the password."
)
TIMEOUT_SETTING = "ServiceSettings.OutgoingIntegrationRequestsTimeout"
ALLOWED_INTERNAL_SETTING = "ServiceSettings.AllowedUntrustedInternalConnections"

SERVER_OK_HINT = (
    "The Mattermost server obtained a token with these settings, from its own network, the way it will for "
    "slash commands and webhooks."
)


def _unquote(text: str) -> str:
    try:
        value = json.loads(f'"{text}"')
    except ValueError:
        return text
    return value if isinstance(value, str) else text


def oauth_error_in(detail: str) -> tuple[str | None, str | None]:
    """The RFC 6749 error code (and description) inside a server's ``detailed_error``, if it names one."""
    found = _OAUTH2_CODE.search(detail)
    if found:
        return found.group(1), _unquote(found.group(2)) if found.group(2) else None
    code = _JSON_ERROR.search(detail)
    if code:
        description = _JSON_DESCRIPTION.search(detail)
        return code.group(1), _unquote(description.group(1)) if description else None
    return None, None


def _network_cause(detail: str) -> tuple[str, str]:
    """(category, hint) for a 502: the server could not reach the token endpoint."""
    lowered = detail.lower()
    prefix = "The Mattermost server could not reach the token endpoint (HTTP 502)"
    if "x509" in lowered or "certificate" in lowered or "tls" in lowered or "ssl" in lowered:
        return Category.TLS.value, (
            f"{prefix}: the TLS certificate was not trusted by the server. Add the authorization server's CA "
            "certificate to the Mattermost server's system trust store; trusting it on this computer is not enough."
        )
    if "deadline exceeded" in lowered or "timeout" in lowered or "timed out" in lowered:
        return Category.TIMEOUT.value, (
            f"{prefix}: no answer in time. A firewall between the Mattermost server and the token endpoint may "
            "drop the traffic, or the endpoint is down."
        )
    if "no such host" in lowered or "name or service not known" in lowered or "name resolution" in lowered:
        return Category.NETWORK.value, (
            f"{prefix}: the server cannot resolve the host name. Check the spelling, and the server's DNS for "
            "internal names."
        )
    if "connection refused" in lowered:
        return Category.NETWORK.value, (
            f"{prefix}: the connection was refused. Check the port, and that the token endpoint accepts "
            "connections from the Mattermost server."
        )
    return Category.NETWORK.value, (
        f"{prefix}. The settings may be right: check that the server can reach that host (DNS, firewall, "
        "proxy, TLS trust on the server)."
    )


def _token_endpoint_status(detail: str) -> int | None:
    fetched = _FETCH_STATUS.search(detail)
    if fetched is None:
        return None
    if fetched.group(1):
        return int(fetched.group(1))
    phrase = (fetched.group(2) or "").strip().lower()
    return _STATUS_BY_PHRASE.get(phrase)


def _bad_request(exc: BadRequest, conn: Connection) -> ValidationResult:
    detail = exc.detailed_error or exc.message
    code, description = oauth_error_in(detail)
    if code:
        return ValidationResult.failure(
            Category.OAUTH_ERROR,
            "The Mattermost server asked the token endpoint for a token and was refused. "
            + hints.oauth_error_hint(code, grant_type=conn.grant_type, auth_method=hints.POST),
            error=code,
            error_description=description,
        )
    if "input_error" in exc.error_id or "invalid_param" in exc.error_id or detail.startswith("parse "):
        return ValidationResult.failure(
            Category.CONFIG,
            "The Mattermost server did not accept these settings (HTTP 400). Check the fields the server detail names.",
        )
    if "missing access_token" in detail:
        return ValidationResult.failure(
            Category.INVALID_RESPONSE,
            "The Mattermost server got an answer without an access token (HTTP 400). "
            + hints.invalid_response_hint("no_access_token"),
        )
    status = _token_endpoint_status(detail)
    if status is not None:
        return ValidationResult.failure(
            Category.HTTP_ERROR,
            f"The Mattermost server asked the token endpoint, which answered HTTP {status}. "
            + hints.http_status_hint(status),
        )
    if not exc.detailed_error:
        return ValidationResult.failure(Category.OAUTH_ERROR, _refused_without_detail(conn))
    return ValidationResult.failure(
        Category.OAUTH_ERROR,
        "The Mattermost server could not get a token with these settings (HTTP 400): the token endpoint refused "
        "them or they are invalid. The server detail, when given, says which; a desktop check explains the "
        "token endpoint's answer in full.",
    )


def _refused_without_detail(conn: Connection) -> str:
    """What a 400 from validate can mean when the server keeps the reason to itself (production)."""
    causes = [
        "the client ID or secret refused (invalid_client)",
        "this client not allowed the grant type (unauthorized_client)",
        "the token URL answering an error page or a non-token answer",
    ]
    if conn.uses_password_grant:
        causes.insert(0, "the username or password refused or missing (the server fills in the stored secret only)")
    return (
        "The Mattermost server asked the token endpoint and got no token (HTTP 400); this server does not say "
        f"why. It could be: {'; '.join(causes)}. {DESKTOP_CHECK} {where_to_look_for(Action.VALIDATE)}"
    )


def _unreached_without_detail(conn: Connection) -> str:
    """What a 502 from validate can mean without the server's detail, the internal-address block first."""
    causes = [
        "the host name unknown to the server's DNS",
        "a firewall or proxy between the server and the token endpoint",
        "a TLS certificate the server does not trust",
        f"no answer within the server's timeout ({TIMEOUT_SETTING})",
    ]
    if is_internal_url(conn.oauth_token_url):
        causes.insert(
            0,
            "the server's block on internal addresses: this token URL is a private or loopback address, which the "
            f"server refuses unless {ALLOWED_INTERNAL_SETTING} lists it",
        )
    return (
        "The Mattermost server could not reach the token endpoint (HTTP 502); this server does not say why. "
        f"It could be: {'; '.join(causes)}. The settings may still be right. {DESKTOP_CHECK} "
        f"{where_to_look_for(Action.VALIDATE)}"
    )


MATTERMOST_NOT_REACHED = "The Mattermost server was not reached"


def mattermost_not_reached(result: ValidationResult) -> bool:
    """True when ``result`` says nothing about the connection: the Mattermost server itself did not answer
    (a state of the server, not of the connection's token endpoint)."""
    return result.source == Source.SERVER.value and not result.ok and result.hint.startswith(MATTERMOST_NOT_REACHED)


def result_from_error(exc: MattermostError, conn: Connection) -> ValidationResult:
    """The server's refusal as a ValidationResult (without timing, source or connection fields)."""
    detail = exc.detailed_error or None
    if isinstance(exc, Unreachable):
        reached = {"tls": Category.TLS, "timeout": Category.TIMEOUT}.get(exc.reason, Category.NETWORK)
        result = ValidationResult.failure(
            reached, f"{MATTERMOST_NOT_REACHED}, so nothing was validated. {exc.user_message}"
        )
    elif isinstance(exc, BadRequest):
        result = _bad_request(exc, conn)
    elif exc.status == 502 and not exc.detailed_error:
        result = ValidationResult.failure(Category.NETWORK, _unreached_without_detail(conn))
    elif exc.status == 502:
        category, hint = _network_cause(exc.detailed_error)
        result = ValidationResult.failure(category, hint)
    elif isinstance(exc, FeatureUnavailable):
        result = ValidationResult.failure(
            Category.HTTP_ERROR,
            f"The server cannot validate: outgoing OAuth connections are not available there (HTTP {exc.status}). "
            + exc.advice,
        )
    elif isinstance(exc, PermissionDenied):
        lacks = f"The account lacks the permission {exc.permission}. " if exc.permission else ""
        result = ValidationResult.failure(
            Category.HTTP_ERROR, f"The server refused to validate (HTTP 403). {lacks}{exc.advice}"
        )
    elif isinstance(exc, NotAuthenticated):
        result = ValidationResult.failure(
            Category.HTTP_ERROR, f"The server did not accept the sign-in (HTTP {exc.status}). {exc.advice}"
        )
    elif isinstance(exc, NotFound):
        result = ValidationResult.failure(
            Category.HTTP_ERROR,
            f"The stored connection {conn.id} was not found on the server, so its stored secret cannot be used. "
            "Reload the list; validate with the secret typed in instead.",
        )
    elif isinstance(exc, InvalidResponse):
        result = ValidationResult.failure(Category.INVALID_RESPONSE, exc.user_message)
    else:
        result = ValidationResult.failure(Category.HTTP_ERROR, exc.user_message)
    return result.with_changes(http_status=exc.status, detailed_error=detail)


def _config_problems(conn: Connection) -> list[str]:
    problems = check_connection(conn, require_secret=not conn.id)
    return [p.message for p in problems if p.is_error and p.field in _CHECKED_FIELDS]


async def validate_on_server(
    client: MattermostClient, conn: Connection, team_id: str | None = None
) -> ValidationResult:
    """Ask the server to get a token with ``conn`` (its secret as given; with an id and an empty secret,
    the stored one). Never raises for a refusal: every outcome is a result."""
    base = {"source": Source.SERVER.value, "token_url": conn.oauth_token_url, "grant_type": conn.grant_type}
    problems = _config_problems(conn)
    if problems:
        return ValidationResult.failure(Category.CONFIG, hints.config_hint(problems), checked_at=now_iso(), **base)
    if conn.id and not conn.client_secret and conn.uses_password_grant and not conn.credentials_password:
        return ValidationResult.failure(Category.CONFIG, PASSWORD_NEEDED, checked_at=now_iso(), **base)
    started = time.perf_counter()
    try:
        await client.validate_connection(conn, team_id)
        result = ValidationResult(ok=True, category=Category.OK.value, hint=SERVER_OK_HINT, http_status=200)
    except MattermostError as exc:
        if conn.id:
            exc = await explain_refusal(client, exc, Action.VALIDATE, connection_id=conn.id, team_id=team_id)
        result = result_from_error(exc, conn)
    except httpx.HTTPError as exc:
        kind, detail = classify_transport_error(exc)
        result = ValidationResult.failure(
            Category.NETWORK, f"{MATTERMOST_NOT_REACHED} ({kind}: {detail}); nothing was validated."
        )
    if conn.oauth_token_url.startswith("http://"):
        result = result.adding_warnings("The token URL uses http://: the server sends the client secret unencrypted.")
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    return result.with_changes(elapsed_ms=elapsed_ms, checked_at=now_iso(), **base)


async def validate_stored_on_server(
    client: MattermostClient, connection: Connection, team_id: str | None = None
) -> ValidationResult:
    """Validate a saved connection with the secret the server stores: posts its id and an empty secret."""
    if not connection.id:
        return ValidationResult.failure(
            Category.CONFIG,
            hints.config_hint(
                [
                    "The connection is not saved on the server (it has no id), so there is no stored "
                    "secret to use: validate it with its secret instead."
                ]
            ),
            source=Source.SERVER.value,
            token_url=connection.oauth_token_url,
            grant_type=connection.grant_type,
            checked_at=now_iso(),
        )
    return await validate_on_server(client, connection.with_changes(client_secret=""), team_id)
