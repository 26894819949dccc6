"""Loopback fault endpoints and helpers for the validation tests.

``FaultServer`` answers each path with one fault a token endpoint can show (slow, not JSON, a login
page, no access_token, too large, a redirect, a 401 challenge, …) and records every request, so tests
can also check what was *not* sent. ``/token-held`` answers only once ``release`` is set (or the server stops).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from authserver import LoopbackServer
from werkzeug.wrappers import Request, Response

from mmoauth_gui.core.validation.result import ValidationResult
from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.token.client import TokenRequest, request_token

FAULT_SECRET = "fault-secret+/:% x"
OPAQUE_TOKEN = "opaque-access-token-0123456789"
HUGE_BYTES = 2 * 1024 * 1024


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {}, content_type="application/json")


class FaultServer(LoopbackServer):
    """Scripted token-endpoint faults on loopback; ``metadata`` maps well-known paths to JSON bodies."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.requests: list[dict[str, Any]] = []
        self.metadata: dict[str, Any] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self.release = threading.Event()
        self._lock = threading.Lock()
        super().__init__(self._app, ssl_context=ssl_context)

    def stop(self) -> None:
        self.release.set()
        super().stop()

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.requests.append(
            {
                "path": request.path,
                "method": request.method,
                "form": dict(request.form),
                "authorization": "Authorization" in request.headers,
            }
        )
        return self._answer(request)(environ, start_response)

    def _answer(self, request: Request) -> Response:
        path = request.path
        if path in self.metadata:
            return _json(self.metadata[path])
        if path.startswith("/token-delay/") or path == "/token-held":
            with self._lock:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                if path == "/token-held":
                    self.release.wait()
                else:
                    self.stopping.wait(int(path.rsplit("/", 1)[1]) / 1000)
            finally:
                with self._lock:
                    self.in_flight -= 1
            return _json({"access_token": OPAQUE_TOKEN, "token_type": "Bearer", "expires_in": 300})
        handler = getattr(self, "_" + path.strip("/").replace("-", "_"), None)
        if handler is None:
            return Response(
                "<!doctype html><title>404 Not Found</title><h1>Not Found</h1>", 404, content_type="text/html"
            )
        result: Response = handler(request)
        return result

    def _trickle(self, request: Request) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(100):  # a space every 0.2 s: each read is quick, the whole answer is not
                if self.stopping.wait(0.2):
                    return
                yield b" "
            yield json.dumps({"access_token": OPAQUE_TOKEN, "token_type": "Bearer"}).encode()

        return Response(body(), content_type="application/json")

    def _not_json(self, request: Request) -> Response:
        return Response("Service ready.", content_type="text/plain")

    def _html(self, request: Request) -> Response:
        return Response(
            "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method=post>"
            "<input name=username><input type=password name=password></form></body></html>",
            content_type="text/html; charset=utf-8",
        )

    def _no_token(self, request: Request) -> Response:
        return _json({"token_type": "Bearer", "expires_in": 3600})

    def _json_list(self, request: Request) -> Response:
        return _json([{"access_token": OPAQUE_TOKEN}])

    def _deep_json(self, request: Request) -> Response:
        return Response(b"[" * 200_000, content_type="application/json")

    def _empty(self, request: Request) -> Response:
        return Response(b"", 200, content_type="application/json")

    def _huge(self, request: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield b'{"access_token": "'
            for _ in range(HUGE_BYTES // 65536):
                if self.stopping.is_set():
                    return
                yield b"x" * 65536
            yield b'"}'

        return Response(body(), content_type="application/json")  # streamed: no Content-Length

    def _huge_declared(self, request: Request) -> Response:
        return Response(b"x" * HUGE_BYTES, content_type="application/json")

    def _redirect(self, request: Request) -> Response:
        return Response("", 302, headers={"Location": f"{self.url}/landing"})

    def _landing(self, request: Request) -> Response:
        return _json({"access_token": OPAQUE_TOKEN, "token_type": "Bearer"})

    def _www_auth(self, request: Request) -> Response:
        return Response(
            "Unauthorized", 401, headers={"WWW-Authenticate": 'Basic realm="api-gateway"'}, content_type="text/plain"
        )

    def _get_only(self, request: Request) -> Response:
        if request.method != "GET":
            return Response("Method Not Allowed", 405, headers={"Allow": "GET"}, content_type="text/plain")
        return Response("<html>hello</html>", content_type="text/html")

    def _unknown_error(self, request: Request) -> Response:
        return _json(
            {
                "error": "quota_exceeded",
                "error_description": "Too many tokens today.",
                "error_uri": "https://as.example.com/errors/quota",
            },
            400,
        )

    def _throttled(self, request: Request) -> Response:
        return Response("slow down", 429, headers={"Retry-After": "30"}, content_type="text/plain")

    def _server_error(self, request: Request) -> Response:
        return Response("upstream unavailable", 503, content_type="text/plain")

    def _echo_secret(self, request: Request) -> Response:
        secret = request.form.get("client_secret", "")
        return _json({"error": "invalid_client", "error_description": f"secret {secret} is not right"}, 401)

    def _echo_text(self, request: Request) -> Response:
        return Response(f"bad request: {urlencode(request.form)}", 400, content_type="text/plain")

    def _loose_token(self, request: Request) -> Response:
        return Response(
            json.dumps({"access_token": OPAQUE_TOKEN, "token_type": "mac", "expires_in": "3600", "scope": ["a", "b"]}),
            content_type="text/plain",
        )

    def _no_token_type(self, request: Request) -> Response:
        return _json({"access_token": OPAQUE_TOKEN})

    def _error_200(self, request: Request) -> Response:
        return _json({"error": "invalid_client"})


def check(req: TokenRequest, *, ca_file: Path | None = None) -> ValidationResult:
    """Run one validation with a client of its own, closed afterwards."""

    async def go() -> ValidationResult:
        async with make_http_client(ca_file=ca_file) as http:
            return await request_token(http, req)

    return asyncio.run(go())
