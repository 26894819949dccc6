"""A loopback HTTP server that answers every request with the status, headers and body last put in its box."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class AnswerBox:
    def __init__(self) -> None:
        self.url = ""
        self._lock = threading.Lock()
        self._answer: tuple[int, bytes, dict[str, str]] = (200, b"{}", {"Content-Type": "application/json"})

    def set(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        with self._lock:
            self._answer = (status, body, headers)

    def get(self) -> tuple[int, bytes, dict[str, str]]:
        with self._lock:
            return self._answer


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a cancelled request) is expected here, not worth a traceback."""


def _handler(box: AnswerBox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            status, body, headers = box.get()
            self.send_response(status)
            for name, value in headers.items():
                if value.isprintable() and value.isascii():
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

    return Handler


@contextlib.contextmanager
def serve(box: AnswerBox) -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), _handler(box))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
