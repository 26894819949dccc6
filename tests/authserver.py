"""A real OAuth 2.0 authorization server on loopback, built on Authlib, for the validation tests.

It issues RFC 9068 JWT access tokens (RS256, key id in the header, keys published at the ``jwks_uri`` its
RFC 8414 metadata names) through the client-credentials and password grants. Clients:

- ``post-client``: form authentication only (client_secret_post), the way Mattermost asks;
- ``basic-client``: HTTP Basic only (client_secret_basic) — Mattermost would fail with it;
- ``no-cc-client``: registered for the password grant only, so client credentials → unauthorized_client;
- ``password-client``: the password grant, user ``alice`` / ``PASSWORD``;
- ``scope-client`` / ``resource-client`` / ``audience-client``: refuse a request without a scope
  (invalid_scope), a resource indicator (RFC 8707 invalid_target) or an ``audience`` (invalid_request) —
  what Mattermost never sends.

Secrets deliberately contain ``+ / : %`` and a space (RFC 6749 §2.3.1 encoding before base64).
Every request is recorded in ``requests`` (path, form, whether an Authorization header came).
"""

from __future__ import annotations

import hmac
import ssl
import threading
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.base import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant, ResourceOwnerPasswordCredentialsGrant
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server

POST = "client_secret_post"
BASIC = "client_secret_basic"
SECRET = "s3cr+t/with:odd% chars"
PASSWORD = "pa ss+word/%:"
TOKEN_PATH = "/oauth/token"
JWKS_PATH = "/oauth/jwks.json"
AUDIENCE = "https://integration.example.com/"


class QuietHandler(WSGIRequestHandler):
    """No request lines on stderr."""

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002
        return None


class LoopbackServer:
    """A WSGI app served on 127.0.0.1 (port 0) by a background thread; stop() shuts it down cleanly."""

    def __init__(self, app: Any, *, ssl_context: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        self.stopping = threading.Event()
        self._server = make_server(host, 0, app, threaded=True, request_handler=QuietHandler, ssl_context=ssl_context)
        self.port = self._server.server_port
        self.url = f"{'https' if ssl_context else 'http'}://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"loopback-{self.port}",
            daemon=True,
        )

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str
    auth_methods: tuple[str, ...] = (POST,)
    grant_types: tuple[str, ...] = ("client_credentials",)
    requires: str = ""  # scope | resource | audience: what Mattermost never sends

    def get_client_id(self) -> str:
        return self.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in self.auth_methods

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types

    def get_allowed_scope(self, scope: str | None) -> str:
        return scope or ""


@dataclass
class User:
    username: str
    password: str = field(repr=False)

    def get_user_id(self) -> str:
        return self.username


def default_clients() -> dict[str, Client]:
    clients = [
        Client("post-client", SECRET, (POST,)),
        Client("basic-client", SECRET, (BASIC,)),
        Client("no-cc-client", SECRET, (POST,), ("password",)),
        Client("password-client", SECRET, (POST, BASIC), ("password",)),
        Client("scope-client", SECRET, (POST,), requires="scope"),
        Client("resource-client", SECRET, (POST,), requires="resource"),
        Client("audience-client", SECRET, (POST,), requires="audience"),
    ]
    return {c.client_id: c for c in clients}


class InvalidTargetError(OAuth2Error):  # type: ignore[misc]
    """RFC 8707 §2: the requested resource is invalid, missing or unknown."""

    error = "invalid_target"
    status_code = 400


class ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = [BASIC, POST]

    def validate_token_request(self) -> None:
        super().validate_token_request()
        client: Client = self.request.client
        form = self.request.form
        if client.requires == "scope" and not self.request.payload.scope:
            raise InvalidScopeError("This client must ask for a scope; it has no default scope.")
        if client.requires == "resource" and not form.get("resource"):
            raise InvalidTargetError("A resource indicator is required for this client.")
        if client.requires == "audience" and not form.get("audience"):
            raise InvalidRequestError("Missing 'audience' parameter.")


class Password(ResourceOwnerPasswordCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = [BASIC, POST]
    users: dict[str, User] = {}

    def authenticate_user(self, username: str, password: str) -> User:
        user = self.users.get(username)
        if user is not None and hmac.compare_digest(user.password.encode(), password.encode()):
            return user
        # RFC 6749 §5.2 says invalid_grant here (Authlib's default says invalid_request).
        raise InvalidGrantError("The username or password is wrong.")


class JwtAccessTokens(JWTBearerTokenGenerator):  # type: ignore[misc]
    def __init__(self, issuer: str, key: RSAKey) -> None:
        super().__init__(issuer=issuer, alg="RS256")
        self._key = key

    def get_jwks(self) -> RSAKey:
        return self._key

    def get_audiences(self, client: Client, user: Any, scope: str) -> str:
        return AUDIENCE


class AuthServer(LoopbackServer):
    """The Authlib authorization server. ``token_url``, ``issuer``, ``clients``, ``requests``."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None, password_grant: bool = True) -> None:
        self.password_grant = password_grant
        self.clients = default_clients()
        self.users = {"alice": User("alice", PASSWORD)}
        self.requests: list[dict[str, Any]] = []
        key = RSAKey.generate_key(2048, private=True)
        key.ensure_kid()
        self.signing_key = key
        self._tokens = JwtAccessTokens("", key)
        super().__init__(self._build_app(), ssl_context=ssl_context)
        self._tokens.issuer = self.url
        self.issuer = self.url
        self.token_url = self.url + TOKEN_PATH

    def _build_app(self) -> Flask:
        app = Flask("mmoauth-test-authserver")
        server = AuthorizationServer(app, query_client=self.clients.get, save_token=lambda token, req: None)
        server.register_token_generator("default", self._tokens)
        server.register_grant(ClientCredentials)
        if self.password_grant:
            server.register_grant(type("ServerPassword", (Password,), {"users": self.users}))

        @app.before_request
        def record() -> None:
            self.requests.append(
                {
                    "path": request.path,
                    "method": request.method,
                    "form": dict(request.form),
                    "authorization": "Authorization" in request.headers,
                }
            )

        @app.post(TOKEN_PATH)
        def token() -> Any:
            return server.create_token_response()

        @app.get("/.well-known/oauth-authorization-server")
        def metadata() -> Any:
            return jsonify(
                issuer=self.issuer,
                token_endpoint=self.token_url,
                grant_types_supported=["client_credentials", "password"]
                if self.password_grant
                else ["client_credentials"],
                token_endpoint_auth_methods_supported=[BASIC, POST],
                jwks_uri=self.url + JWKS_PATH,
            )

        @app.get(JWKS_PATH)
        def jwks() -> Any:
            return jsonify(keys=[self.signing_key.as_dict(private=False)])

        return app
