"""Ask a token endpoint for a token the way Mattermost does, and explain the answer.

By default the request is exactly Mattermost's (docs/MATTERMOST.md §5): a form POST with ``grant_type``,
``client_id`` and ``client_secret``, no scope, no audience. ``basic`` puts the credentials in an HTTP
Basic header instead (RFC 6749 §2.3.1); ``auto`` tries Mattermost's way first and Basic after an
``invalid_client``, and says which way the endpoint accepts.

Limits: one total deadline around the whole exchange, a cap on the body read, redirects reported and
never followed with the credentials. The access token never reaches a log; the result keeps only a
masked preview plus an in-memory copy for a deliberate reveal.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import httpx

from mmoauth_gui.core.clock import now_iso
from mmoauth_gui.core.model import Connection, GrantType
from mmoauth_gui.core.rules import url_problems
from mmoauth_gui.core.validation import hints as hints
from mmoauth_gui.core.validation.jwt_inspect import NOT_VERIFIED, inspect_jwt
from mmoauth_gui.core.validation.result import Category, ValidationResult, mask_token
from mmoauth_gui.services.transport_errors import classify_transport_error

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0
MAX_RESPONSE_BYTES = 1024 * 1024
EXCERPT_CHARS = 300
POST = hints.POST
BASIC = hints.BASIC
HTTP_WARNING = "The token URL uses http://: the client secret and the access token travel unencrypted."


class AuthChoice(StrEnum):
    POST = "post"  # Mattermost's way: credentials in the form body (client_secret_post)
    BASIC = "basic"  # HTTP Basic header (client_secret_basic)
    AUTO = "auto"  # Mattermost's way first, Basic after invalid_client


@dataclass(frozen=True)
class TokenRequest:
    """What to ask for. Secrets stay out of ``repr``."""

    token_url: str
    client_id: str
    client_secret: str = field(default="", repr=False)
    grant_type: str = GrantType.CLIENT_CREDENTIALS.value
    username: str = ""
    password: str = field(default="", repr=False)
    auth: str = AuthChoice.POST.value
    timeout: float = DEFAULT_TIMEOUT
    max_response_bytes: int = MAX_RESPONSE_BYTES

    @classmethod
    def for_connection(
        cls, conn: Connection, *, auth: str = AuthChoice.POST.value, timeout: float = DEFAULT_TIMEOUT
    ) -> TokenRequest:
        return cls(
            token_url=conn.oauth_token_url,
            client_id=conn.client_id,
            client_secret=conn.client_secret,
            grant_type=conn.grant_type,
            username=conn.credentials_username,
            password=conn.credentials_password,
            auth=auth,
            timeout=timeout,
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secret and password, and the Basic header's base64 pair an endpoint might echo back."""
        plain = tuple(s for s in (self.client_secret, self.password) if s)
        if not self.client_secret:
            return plain
        pairs = {basic_authorization(self.client_id, self.client_secret).removeprefix("Basic ")}
        pairs.add(base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode("ascii"))
        return plain + tuple(sorted(pairs | {p.rstrip("=") for p in pairs}, key=len, reverse=True))


def request_problems(req: TokenRequest) -> list[str]:
    """Everything that makes the request pointless to send; checked before any network traffic."""
    problems: list[str] = []
    if not req.token_url.strip():
        problems.append("The token URL is required.")
    else:
        problems += url_problems(req.token_url, "The token URL")
    if not req.client_id.strip():
        problems.append("The client ID is required.")
    if not req.client_secret:
        problems.append("The client secret is required.")
    if req.grant_type not in (GrantType.CLIENT_CREDENTIALS.value, GrantType.PASSWORD.value):
        problems.append(f"The grant type must be client_credentials or password, not {req.grant_type!r}.")
    elif req.grant_type == GrantType.PASSWORD.value:
        if not req.username:
            problems.append("The password grant needs a username.")
        if not req.password:
            problems.append("The password grant needs a password.")
    if req.auth not in {a.value for a in AuthChoice}:
        problems.append(f"The auth method must be post, basic or auto, not {req.auth!r}.")
    if not req.timeout > 0:
        problems.append("The timeout must be a positive number of seconds.")
    return problems


def basic_authorization(client_id: str, client_secret: str) -> str:
    """``Basic`` header value per RFC 6749 §2.3.1: both parts form-urlencoded *before* base64.

    Spaces become ``%20`` rather than ``+``: decoders using either plain or form unquoting read that the
    same, while a ``+`` would turn into a space for half of them.
    """
    raw = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}"
    return "Basic " + base64.b64encode(raw.encode("utf-8")).decode("ascii")


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (as is, or URL-encoded either way) replaced."""
    for secret in sorted(secrets, key=len, reverse=True):
        if not secret:
            continue
        for form in {secret, quote(secret, safe=""), quote_plus(secret, safe="")}:
            text = text.replace(form, "[secret]")
    return text


def _excerpt(body: bytes, secrets: Iterable[str]) -> str | None:
    text = body[: EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return None
    text = scrub(text, secrets)
    return text[:EXCERPT_CHARS] + ("…" if len(text) > EXCERPT_CHARS else "")


def _looks_like_html(content_type: str, body: bytes) -> bool:
    start = body[:512].lstrip().lower()
    return "html" in content_type or start.startswith(b"<!doctype html") or start.startswith(b"<html")


def _as_int(value: Any) -> tuple[int | None, bool]:
    """An ``expires_in`` as int, and whether it came as a string (some servers send "3600")."""
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int):
        return value, False
    if isinstance(value, float) and value.is_integer():
        return int(value), False
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()), True
    return None, False


class _TooLarge(Exception):
    pass


async def _read_capped(resp: httpx.Response, cap: int) -> bytes:
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.aiter_bytes():
        size += len(chunk)
        if size > cap:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _host_port(url: str) -> tuple[str, int | None]:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return url, None
    return parts.hostname or url, port


class _Exchange:
    """One POST to the token endpoint with one client-authentication method."""

    def __init__(self, http: httpx.AsyncClient, req: TokenRequest, method: str) -> None:
        self.http = http
        self.req = req
        self.method = method

    def _request_parts(self) -> tuple[dict[str, str], dict[str, str]]:
        req = self.req
        headers = {"Accept": "application/json"}
        form = {"grant_type": req.grant_type}
        if self.method == POST:
            form["client_id"] = req.client_id
            form["client_secret"] = req.client_secret
        else:
            headers["Authorization"] = basic_authorization(req.client_id, req.client_secret)
        if req.grant_type == GrantType.PASSWORD.value:
            form["username"] = req.username
            form["password"] = req.password
        return headers, form

    async def run(self) -> ValidationResult:
        req = self.req
        headers, form = self._request_parts()
        base: dict[str, Any] = {"auth_method": self.method, "token_url": req.token_url, "grant_type": req.grant_type}
        async with self.http.stream(
            "POST",
            req.token_url,
            data=form,
            headers=headers,
            timeout=httpx.Timeout(req.timeout),
            follow_redirects=False,
        ) as resp:
            status = resp.status_code
            base["http_status"] = status
            if status == 429 and resp.headers.get("retry-after"):
                base["retry_after"] = resp.headers["retry-after"][:40]
            www = resp.headers.get("www-authenticate")
            if www:
                base["www_authenticate"] = scrub(www, req.secrets)
            if 300 <= status < 400:
                location = resp.headers.get("location")
                if location:
                    location = scrub(location, req.secrets)
                return ValidationResult.failure(
                    Category.HTTP_ERROR, hints.redirect_hint(status, location), redirect_location=location, **base
                )
            content_type = resp.headers.get("content-type", "").lower()
            try:
                body = await _read_capped(resp, req.max_response_bytes)
            except _TooLarge:
                return ValidationResult.failure(
                    Category.INVALID_RESPONSE,
                    hints.invalid_response_hint("too_large", limit_bytes=req.max_response_bytes),
                    **base,
                )
        return self._interpret(status, content_type, body, base)

    def _interpret(self, status: int, content_type: str, body: bytes, base: dict[str, Any]) -> ValidationResult:
        req = self.req
        parsed: Any = None
        if body.strip():
            try:
                parsed = json.loads(body)
            except (ValueError, RecursionError):
                parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("error"), str) and parsed["error"]:
            result = self._oauth_error(parsed, base)
            if 200 <= status < 300:
                result = result.adding_warnings(f"The endpoint reported the error with HTTP {status} instead of 400.")
            return result
        if status >= 400 or status < 200:
            excerpt = None if _looks_like_html(content_type, body) else _excerpt(body, req.secrets)
            return ValidationResult.failure(
                Category.HTTP_ERROR,
                hints.http_status_hint(status, www_authenticate=base.get("www_authenticate")),
                response_excerpt=excerpt,
                **base,
            )
        if isinstance(parsed, dict):
            token = parsed.get("access_token")
            if isinstance(token, str) and token:
                return self._success(parsed, token, content_type, status, base)
            return ValidationResult.failure(
                Category.INVALID_RESPONSE,
                hints.invalid_response_hint("no_access_token"),
                response_excerpt=scrub(", ".join(sorted(parsed)) or "{}", req.secrets)[:EXCERPT_CHARS],
                **base,
            )
        if parsed is not None:
            reason = "not_object"
        elif not body.strip():
            reason = "empty"
        elif _looks_like_html(content_type, body):
            reason = "html"
        else:
            reason = "not_json"
        return ValidationResult.failure(
            Category.INVALID_RESPONSE,
            hints.invalid_response_hint(reason, content_type=content_type.split(";")[0]),
            response_excerpt=None if reason in ("html", "empty") else _excerpt(body, req.secrets),
            **base,
        )

    def _oauth_error(self, body: dict[str, Any], base: dict[str, Any]) -> ValidationResult:
        secrets = self.req.secrets
        code = scrub(str(body["error"]), secrets)  # the hint quotes an unknown code: scrubbed before
        description = body.get("error_description")
        uri = body.get("error_uri")
        return ValidationResult.failure(
            Category.OAUTH_ERROR,
            hints.oauth_error_hint(code, grant_type=self.req.grant_type, auth_method=self.method),
            error=code,
            error_description=scrub(description, secrets) if isinstance(description, str) else None,
            error_uri=scrub(uri, secrets) if isinstance(uri, str) else None,
            **base,
        )

    def _success(
        self, body: dict[str, Any], token: str, content_type: str, status: int, base: dict[str, Any]
    ) -> ValidationResult:
        warnings: list[str] = []
        token_type = body.get("token_type")
        if not isinstance(token_type, str) or not token_type:
            token_type = None
            warnings.append(
                "The response has no token_type (RFC 6749 requires it): what Mattermost puts before the token "
                "in the Authorization header is then up to the server."
            )
        elif token_type.lower() != "bearer":
            warnings.append(
                f"The token type is {token_type!r}, not Bearer: Mattermost sends 'Authorization: {token_type} …', "
                "so the integration must accept that scheme."
            )
        expires_in, was_text = _as_int(body.get("expires_in"))
        if was_text:
            warnings.append("expires_in came as a string, not a number; strict clients may refuse it.")
        scope = body.get("scope")
        if isinstance(scope, list):
            scope = " ".join(str(s) for s in scope)
            warnings.append("scope came as a list, not a space-separated string.")
        if not isinstance(scope, str):
            scope = None
        if "json" not in content_type:
            warnings.append(
                f"The token response is JSON but labelled {content_type.split(';')[0] or 'with no content type'!r}; "
                "strict clients may refuse it."
            )
        if status != 200:
            warnings.append(f"The token came with HTTP {status} instead of 200.")

        fields: dict[str, Any] = {}
        inspection = inspect_jwt(token)
        if inspection is not None:
            fields["jwt_header"] = inspection.header or None
            if inspection.readable:
                fields.update(
                    claims=inspection.claims,
                    jwt_dates=inspection.dates,
                    jwt_time_left_s=inspection.time_left_s,
                    jwt_note=NOT_VERIFIED,
                )
                warnings += inspection.notes
            else:
                fields["jwt_note"] = inspection.reason
        return ValidationResult(
            ok=True,
            category=Category.OK.value,
            hint=hints.ok_hint(auth_method=self.method, expires_in=expires_in),
            token_type=token_type,
            expires_in=expires_in,
            scope=scope,
            warnings=warnings,
            token_preview=mask_token(token),
            access_token=token,
            **fields,
            **base,
        )


def _transport_failure(exc: BaseException, req: TokenRequest, method: str) -> ValidationResult:
    host, port = _host_port(req.token_url)
    kind, detail = classify_transport_error(exc)
    base: dict[str, Any] = {"auth_method": method, "token_url": req.token_url, "grant_type": req.grant_type}
    detail = scrub(detail, req.secrets)
    if kind == "timeout":
        return ValidationResult.failure(Category.TIMEOUT, hints.timeout_hint(req.timeout), **base)
    if kind == "tls":
        return ValidationResult.failure(
            Category.TLS, hints.tls_hint(host=host, port=port, verify_message=detail), detailed_error=detail, **base
        )
    if kind == "invalid_url":
        problem = f"The token URL cannot be used: {detail}."
        return ValidationResult.failure(Category.CONFIG, hints.config_hint([problem]), **base)
    return ValidationResult.failure(
        Category.NETWORK,
        hints.network_hint(kind, host=host, port=port, detail=detail),
        detailed_error=detail or None,
        **base,
    )


async def _attempt(http: httpx.AsyncClient, req: TokenRequest, method: str, deadline: float) -> ValidationResult:
    try:
        async with asyncio.timeout_at(deadline):
            return await _Exchange(http, req, method).run()
    except (TimeoutError, httpx.HTTPError) as exc:
        return _transport_failure(exc, req, method)


def _attempt_record(r: ValidationResult) -> dict[str, Any]:
    return {
        "auth_method": r.auth_method,
        "ok": r.ok,
        "category": r.category,
        "http_status": r.http_status,
        "error": r.error,
    }


def _mattermost_verdict(r: ValidationResult) -> bool | None:
    """Would Mattermost's own request (the form way, the same request) get a token? None: cannot tell."""
    if r.auth_method != POST:
        return None
    if r.ok:
        return True
    if r.category in (Category.OAUTH_ERROR, Category.HTTP_ERROR, Category.INVALID_RESPONSE):
        return False
    return None


def _refused_client(r: ValidationResult) -> bool:
    return r.error == "invalid_client" or (r.category == Category.HTTP_ERROR and r.http_status == 401)


async def _auto(http: httpx.AsyncClient, req: TokenRequest, deadline: float) -> ValidationResult:
    first = await _attempt(http, req, POST, deadline)
    if not _refused_client(first):
        return first.with_changes(attempts=[_attempt_record(first)], mattermost_compatible=_mattermost_verdict(first))
    second = await _attempt(http, req, BASIC, deadline)
    attempts = [_attempt_record(first), _attempt_record(second)]
    if second.ok:
        return second.with_changes(attempts=attempts, mattermost_compatible=False).adding_warnings(
            "The endpoint refused the credentials in the form body but accepted them in an HTTP Basic header. "
            "Mattermost sends them in the form body, so Mattermost would NOT get a token: allow "
            "client_secret_post for this client on the authorization server."
        )
    if _refused_client(second):
        return first.with_changes(
            attempts=attempts,
            mattermost_compatible=False,
            hint="Both ways were refused (the form body, as Mattermost sends it, and an HTTP Basic header): the "
            "client ID or secret is most likely wrong, or the client is unknown or disabled. Copy them again "
            "from the authorization server.",
        )
    if second.category == Category.OAUTH_ERROR:
        return second.with_changes(attempts=attempts, mattermost_compatible=False).adding_warnings(
            "In the form body (Mattermost's way) the credentials were refused as invalid_client; in an HTTP Basic "
            "header the client was recognised but the request failed further on. Mattermost would fail at the "
            "first step: allow client_secret_post for this client."
        )
    return first.with_changes(attempts=attempts).adding_warnings(
        f"The retry with an HTTP Basic header did not get an answer either: {second.summary}"
    )


async def request_token(http: httpx.AsyncClient, req: TokenRequest) -> ValidationResult:
    """Ask ``req.token_url`` for a token and explain the outcome. Never raises for a failed exchange."""
    problems = request_problems(req)
    base_warnings = [HTTP_WARNING] if req.token_url.startswith("http://") else []
    if problems:
        return ValidationResult.failure(
            Category.CONFIG,
            hints.config_hint(problems),
            token_url=req.token_url,
            grant_type=req.grant_type,
            checked_at=now_iso(),
            warnings=base_warnings,
        )
    started = time.perf_counter()
    deadline = asyncio.get_running_loop().time() + req.timeout
    if req.auth == AuthChoice.AUTO.value:
        result = await _auto(http, req, deadline)
    else:
        method = BASIC if req.auth == AuthChoice.BASIC.value else POST
        result = await _attempt(http, req, method, deadline)
        result = result.with_changes(mattermost_compatible=_mattermost_verdict(result))
    if req.auth == AuthChoice.BASIC.value and result.ok:
        result = result.adding_warnings(
            "Mattermost sends the credentials in the form body, not in an HTTP Basic header: check with the "
            "auth method “post” (the default) that the endpoint accepts that too."
        )
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    result = result.with_changes(
        elapsed_ms=elapsed_ms, checked_at=now_iso(), warnings=[*base_warnings, *result.warnings]
    )
    log.info(
        "token request to %s (%s, %s): %s in %d ms",
        scrub(req.token_url, req.secrets),
        req.grant_type,
        result.auth_method,
        result.error or result.category,
        elapsed_ms,
    )
    return result


async def validate_locally(
    http: httpx.AsyncClient, conn: Connection, *, auth: str = AuthChoice.POST.value, timeout_s: float = DEFAULT_TIMEOUT
) -> ValidationResult:
    """Validate a connection from this computer (its own secret is needed: the server never returns it)."""
    return await request_token(http, TokenRequest.for_connection(conn, auth=auth, timeout=timeout_s))
