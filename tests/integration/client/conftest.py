"""Loopback servers for the faults the sandbox does not produce: odd answers, silence, untrusted TLS."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from loopback_tls import make_self_signed

# (method, path, query) -> (status, body, headers); body: bytes as is, anything else JSON-encoded
Answer = tuple[int, Any, dict[str, str]]
Responder = Callable[[str, str, dict[str, str]], Answer]


@dataclass
class LoopbackServer:
    url: str
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


def _handler_class(respond: Responder, record: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            record.requests.append((self.command, parts.path, query))
            status, body, headers = respond(self.command, parts.path, query)
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            headers = {"Content-Type": "application/json", **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


@pytest.fixture
def loopback() -> Iterator[Callable[..., LoopbackServer]]:
    """Start HTTP(S) servers on 127.0.0.1 answering with ``respond``; all stopped after the test."""
    started: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(respond: Responder, *, tls: ssl.SSLContext | None = None) -> LoopbackServer:
        record = LoopbackServer(url="")
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(respond, record))
        server.daemon_threads = True
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        started.append((server, thread))
        scheme = "https" if tls else "http"
        record.url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
        return record

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections (the kernel's backlog) and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


@dataclass(frozen=True)
class SelfSigned:
    cert_file: Path
    server_context: ssl.SSLContext


@pytest.fixture
def self_signed(tmp_path: Path) -> SelfSigned:
    """A self-signed certificate for 127.0.0.1 (its own CA), and a server context using it."""
    cert_file, key_file = make_self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return SelfSigned(cert_file, context)
