"""A loopback port nothing listens on, for any test that needs a refused connection."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


@pytest.fixture
def closed_port() -> Iterator[int]:
    """Connecting is refused. The port stays bound (not listening) for the test, so no other test's server
    and no client's own end of a connection can take it meanwhile."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
