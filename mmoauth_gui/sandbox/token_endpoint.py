"""A demo OAuth 2.0 token endpoint (RFC 6749 §4.4 client credentials, §4.3 password) on the sandbox server.

Clients authenticate by form (``client_secret_post``) or HTTP Basic, where id and secret are
form-urlencoded before base64 (RFC 6749 §2.3.1). Errors are RFC 6749 §5.2 bodies. Access tokens are
RFC 9068 JWTs signed HS256 with a key made per run. ``history`` records each request (never a secret).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass
from typing import Any

from mmoauth_gui.sandbox.demo_clients import CLIENT_CREDENTIALS, PASSWORD, DemoClient, DemoUser
from mmoauth_gui.sandbox.http_types import Request, Response
from mmoauth_gui.sandbox.ids import new_token
from mmoauth_gui.sandbox.jwt_sign import sign_hs256
from mmoauth_gui.sandbox.router import Router

ISSUER_PATH = "/demo-oauth"
TOKEN_PATH = f"{ISSUER_PATH}/token"
DEFAULT_AUDIENCE = "mattermost-integrations"
EXPIRES_IN = 3600
_NO_STORE = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400, *, challenge: bool = False) -> None:
        super().__init__(error)
        self.error = error
        self.description = description
        self.status = status
        self.challenge = challenge

    def response(self) -> Response:
        headers = list(_NO_STORE)
        if self.challenge:
            headers.append(("WWW-Authenticate", 'Basic realm="sandbox", charset="UTF-8"'))
        return Response.json(self.status, {"error": self.error, "error_description": self.description}, headers)


@dataclass(frozen=True)
class _Caller:
    client: DemoClient
    auth_method: str  # "client_secret_basic" | "client_secret_post"


class TokenEndpoint:
    def __init__(self, clients: list[DemoClient], user: DemoUser, key: bytes) -> None:
        self.clients = {c.client_id: c for c in clients}
        self.user = user
        self.signing_key = key
        self.base_url = ""
        self._lock = threading.Lock()
        self._history: deque[dict[str, Any]] = deque(maxlen=1000)

    @property
    def issuer(self) -> str:
        return self.base_url + ISSUER_PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    @property
    def history(self) -> list[dict[str, Any]]:
        """Every token request seen: client_id, auth_method, grant_type, status, error (no secret)."""
        with self._lock:
            return list(self._history)

    def register(self, router: Router) -> None:
        router.add("POST", TOKEN_PATH, self.token)
        router.add("GET", TOKEN_PATH, self.wrong_method)
        router.add("GET", f"/.well-known/oauth-authorization-server{ISSUER_PATH}", self.metadata)
        router.add("GET", f"{ISSUER_PATH}/.well-known/openid-configuration", self.metadata)

    def metadata(self, request: Request) -> Response:
        del request
        scopes = sorted({s for c in self.clients.values() for s in c.scope.split()})
        return Response.json(
            200,
            {
                "issuer": self.issuer,
                "token_endpoint": self.token_url,
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "grant_types_supported": [CLIENT_CREDENTIALS, PASSWORD],
                "scopes_supported": scopes,
                "response_types_supported": ["token"],
            },
        )

    def wrong_method(self, request: Request) -> Response:
        del request
        error = OAuthError("invalid_request", "The token endpoint accepts only POST requests.", 405)
        response = error.response()
        response.headers.append(("Allow", "POST"))
        return response

    def token(self, request: Request) -> Response:
        record: dict[str, Any] = {"client_id": "", "auth_method": "", "grant_type": "", "status": 200, "error": ""}
        try:
            form = _form(request)
            record["grant_type"] = form.get("grant_type", "")
            caller = self._authenticate(request, form)
            record["client_id"] = caller.client.client_id
            record["auth_method"] = caller.auth_method
            response = self._issue(caller.client, form)
        except OAuthError as exc:
            record["status"], record["error"] = exc.status, exc.error
            response = exc.response()
        with self._lock:
            self._history.append(record)
        return response

    def _authenticate(self, request: Request, form: dict[str, str]) -> _Caller:
        header = request.header("Authorization").strip()
        if header:
            scheme, _, value = header.partition(" ")
            if scheme.lower() != "basic":
                raise OAuthError(
                    "invalid_client", f"Unsupported authentication scheme {scheme!r}.", 401, challenge=True
                )
            client_id, secret = _basic_credentials(value.strip())
            if "client_secret" in form:
                raise OAuthError("invalid_request", "The client used more than one authentication method.")
            if form.get("client_id", client_id) != client_id:
                raise OAuthError("invalid_request", "client_id in the body differs from the Basic credentials.")
            return _Caller(self._client(client_id, secret, basic=True), "client_secret_basic")
        if "client_id" not in form:
            raise OAuthError("invalid_client", "No client authentication was included.", 401, challenge=True)
        client = self._client(form["client_id"], form.get("client_secret", ""), basic=False)
        return _Caller(client, "client_secret_post")

    def _client(self, client_id: str, secret: str, *, basic: bool) -> DemoClient:
        client = self.clients.get(client_id)
        if client is None or not hmac.compare_digest(client.client_secret.encode(), secret.encode()):
            status = 401 if basic else 400
            raise OAuthError("invalid_client", "Client authentication failed.", status, challenge=basic)
        return client

    def _issue(self, client: DemoClient, form: dict[str, str]) -> Response:
        grant = form.get("grant_type", "")
        if not grant:
            raise OAuthError("invalid_request", "The grant_type parameter is missing.")
        if grant not in (CLIENT_CREDENTIALS, PASSWORD):
            raise OAuthError("unsupported_grant_type", f"The grant type {grant!r} is not supported.")
        if grant not in client.grant_types:
            raise OAuthError("unauthorized_client", f"This client may not use the {grant} grant.")
        subject = client.client_id
        if grant == PASSWORD:
            subject = self._resource_owner(form)
        allowed = client.scope.split()
        requested = form.get("scope", "").split()
        if any(s not in allowed for s in requested):
            raise OAuthError("invalid_scope", f"Allowed scopes for this client: {client.scope}.")
        scope = " ".join(requested) if requested else client.scope
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "aud": form.get("resource") or form.get("audience") or DEFAULT_AUDIENCE,
            "client_id": client.client_id,
            "iat": now,
            "exp": now + EXPIRES_IN,
            "jti": new_token(),
            "scope": scope,
        }
        body = {
            "access_token": sign_hs256(claims, self.signing_key),
            "token_type": "Bearer",
            "expires_in": EXPIRES_IN,
            "scope": scope,
        }
        return Response.json(200, body, list(_NO_STORE))

    def _resource_owner(self, form: dict[str, str]) -> str:
        username, password = form.get("username", ""), form.get("password", "")
        if not username or not password:
            raise OAuthError("invalid_request", "The password grant needs username and password.")
        user_ok = hmac.compare_digest(username.encode(), self.user.username.encode())
        if not (user_ok and hmac.compare_digest(password.encode(), self.user.password.encode())):
            raise OAuthError("invalid_grant", "The username or password is wrong.")
        return username


def _form(request: Request) -> dict[str, str]:
    content_type = request.header("Content-Type").split(";", 1)[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "The body must be application/x-www-form-urlencoded.")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "The body is not valid UTF-8.") from None
    pairs = urllib.parse.parse_qsl(text, keep_blank_values=True)
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise OAuthError("invalid_request", f"The parameter {key} is repeated.")
        form[key] = value
    return form


def _basic_credentials(value: str) -> tuple[str, str]:
    """RFC 6749 §2.3.1: base64 of ``urlencode(id):urlencode(secret)``."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise OAuthError("invalid_client", "Malformed HTTP Basic credentials.", 401, challenge=True) from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise OAuthError("invalid_client", "Malformed HTTP Basic credentials.", 401, challenge=True)
    return urllib.parse.unquote_plus(client_id), urllib.parse.unquote_plus(secret)
