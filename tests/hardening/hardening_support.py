"""Helpers of the hardening tests: a scriptable loopback server, an in-memory keyring, the CLI run in-process,
a token that expires mid-session, and a check that no asyncio task outlives a block.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from mmoauth_gui.sandbox import Sandbox

# ---- a loopback server answering whatever a test scripts -----------------------------------------------------

# (method, path, query) -> (status, body, headers); bytes are sent as they are, anything else as JSON
Answer = tuple[int, Any, dict[str, str]]
Responder = Callable[[str, str, dict[str, str]], Answer]


@dataclass
class Loopback:
    url: str = ""
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a cancelled request) is expected here, not worth a traceback."""


def _handler(respond: Responder, record: Loopback) -> type[BaseHTTPRequestHandler]:
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
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

    return Handler


class LoopbackServers:
    """Starts servers on 127.0.0.1 that answer with a ``Responder``; ``close`` stops them all."""

    def __init__(self) -> None:
        self._servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def __call__(self, respond: Responder) -> Loopback:
        record = Loopback()
        server = QuietServer(("127.0.0.1", 0), _handler(respond, record))
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        self._servers.append((server, thread))
        record.url = f"http://127.0.0.1:{server.server_address[1]}"
        return record

    def close(self) -> None:
        for server, thread in self._servers:
            server.shutdown()
            server.server_close()
            thread.join(5)
        self._servers.clear()


# ---- a keyring that works (this machine has none) ------------------------------------------------------------


# ---- the CLI, in this process (so the package's log records reach the log file a test sets up) ---------------


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class InProcessCli:
    """``mmoauth_gui.cli.main.main`` with its own environment and standard input; keeps every output."""

    SECRET_ENV = ("MMOAUTH_SERVER_TOKEN", "MMOAUTH_CLIENT_SECRET", "MMOAUTH_PASSWORD")

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self._monkeypatch = monkeypatch
        self._capsys = capsys
        self.outputs: list[str] = []

    def __call__(self, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> CliResult:
        from mmoauth_gui.cli.main import main

        with self._monkeypatch.context() as patch:
            for name in self.SECRET_ENV:
                patch.delenv(name, raising=False)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            self._capsys.readouterr()
            code = main(list(args))
            captured = self._capsys.readouterr()
        self.outputs += [captured.out, captured.err]
        return CliResult(code, captured.out, captured.err)


# ---- a token that stops working part-way through a session ---------------------------------------------------


class ExpiringToken:
    """Makes ``token`` stop working on the sandbox once it has been accepted ``uses`` times: its session
    expiring mid-session, as a server's session length or an admin's revocation does."""

    def __init__(self, sandbox: Sandbox, token: str, uses: int) -> None:
        self.token = token
        self.left = uses
        self.expired = False
        self._lookup = sandbox.state.user_for_token
        self._revoke = sandbox.state.revoke_token
        self._lock = threading.Lock()

    def __call__(self, token: str) -> Any:
        if token == self.token:
            with self._lock:
                if self.left <= 0 and not self.expired:
                    self._revoke(token)
                    self.expired = True
                self.left -= 1
        return self._lookup(token)


# ---- asyncio hygiene -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def no_leaked_tasks() -> Iterator[None]:
    """Inside a coroutine: every task started within the block has finished when the block ends."""
    before = set(asyncio.all_tasks())
    yield
    left = [t for t in asyncio.all_tasks() - before if not t.done() and t is not asyncio.current_task()]
    assert not left, f"tasks still running: {left!r}"
