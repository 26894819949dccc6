"""Loopback ports nothing listens on, for the tests that need a refused connection."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest

from mmoauth_gui.sandbox import Sandbox


@pytest.fixture
def closed_port() -> Iterator[int]:
    """Connecting is refused. The port stays bound (not listening) for the test, so no other test's server
    and no client's own end of a connection can take it meanwhile."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def take_down() -> Iterator[Callable[[Sandbox], None]]:
    """``take_down(sandbox)`` stops it as a server that went down: its port then stays bound (not listening)
    until the test ends, so its clients are refused rather than answered by another test's new server."""
    held: list[socket.socket] = []

    def stop(sandbox: Sandbox) -> None:
        port = urlsplit(sandbox.url).port
        sandbox.stop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        held.append(sock)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past its connections in TIME_WAIT
        sock.bind(("127.0.0.1", port or 0))

    yield stop
    for sock in held:
        sock.close()
