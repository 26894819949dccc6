"""HTTP plumbing: a threaded HTTP/1.1 server (keep-alive, large backlog) that hands ``Request``s to an app."""

from __future__ import annotations

import logging
import selectors
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from mmoauth_gui.logs import redact
from mmoauth_gui.sandbox.errors import AppError
from mmoauth_gui.sandbox.faults import GARBAGE_BODY, UNAVAILABLE_PAGE, Fault, Faults
from mmoauth_gui.sandbox.http_types import Request, Response
from mmoauth_gui.sandbox.ids import new_token

log = logging.getLogger(__name__)


class App(Protocol):
    def __call__(self, request: Request) -> Response: ...

    def error_response(self, error: AppError, request_id: str) -> Response: ...


IDLE_TIMEOUT_SECONDS = 120
MAX_BODY = 8 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_SECONDS
    server: SandboxHTTPServer
    server_version = "sandbox"
    # A buffered wfile sends head and body in one write (handle_one_request flushes it): two small
    # writes per response would meet Nagle's algorithm and delayed ACKs on keep-alive connections.
    wbufsize = 64 * 1024
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:  # capped as it is read, before any route (or its authentication) sees it
                size = int(self.rfile.readline(1024).split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._discard(length)
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _discard(self, length: int) -> None:
        """Read a refused body, so the client reads the answer instead of a connection reset."""
        remaining = min(length, 8 * MAX_BODY)
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 16))
            if not chunk:
                return
            remaining -= len(chunk)

    def _handle(self) -> None:
        request_id = new_token()
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            error = AppError("api.context.invalid_body_param.app_error", 400, "unreadable request body", name="body")
            self._send_error(error, request_id)
            return
        if body is None:
            self.close_connection = True
            error = AppError("api.context.request_body_too_large.app_error", 413, f"limit {MAX_BODY} bytes")
            self._send_error(error, request_id)
            return
        parts = urllib.parse.urlsplit(self.path)
        request = Request(
            method=self.command,
            path=urllib.parse.unquote(parts.path),
            query=urllib.parse.parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            request_id=request_id,
        )
        fault = self.server.faults.draw() if request.path.startswith("/api/v4/") else None
        if fault is Fault.RESET:
            return self._cut()
        if fault is Fault.UNAVAILABLE:
            return self._send(Response(503, UNAVAILABLE_PAGE, [("Content-Type", "text/html")]))
        response = self.server.app(request)
        if fault is Fault.LOST_ANSWER:
            return self._cut()
        if fault is Fault.GARBAGE:
            response = Response(200, GARBAGE_BODY, [("Content-Type", "application/json")])
        if fault is Fault.TRICKLE:
            return self._trickle(response)
        self._send(response)

    def _send_error(self, error: AppError, request_id: str) -> None:
        response = self.server.app.error_response(error, request_id)
        response.headers.append(("X-Request-Id", request_id))
        self._send(response)

    def _cut(self) -> None:
        """End the connection with a reset, no answer."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _trickle(self, response: Response) -> None:
        self._send(Response(response.status, b"", response.headers), length=len(response.body))
        self.wfile.flush()
        slow, rest = response.body[:256], response.body[256:]
        for i in range(0, len(slow), 16):
            time.sleep(self.server.faults.trickle_delay)
            self.wfile.write(slow[i : i + 16])
            self.wfile.flush()
        self.wfile.write(rest)

    def _send(self, response: Response, length: int | None = None) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        log.debug("%s", redact(format % args))


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self, host: str, port: int, app: App, faults: Faults | None = None) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.app = app
        self.faults = faults or Faults()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        with self._open_lock:  # accepted and counted as open in one step: ``has_connections`` sees no gap
            sock, address = super().get_request()
            self._open.add(sock)
        return sock, address

    def shutdown_request(self, request: Any) -> None:
        try:
            super().shutdown_request(request)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def has_connections(self) -> bool:
        """Whether a connection is open (being read, handled or kept alive) or waits to be accepted."""
        with self._open_lock, selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            return bool(self._open or selector.select(0))

    def close_open_connections(self) -> None:
        """End idle keep-alive connections, so their threads finish and clients see the server gone."""
        with self._open_lock:
            socks = list(self._open)
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection from %s ended with an error", client_address, exc_info=True)
