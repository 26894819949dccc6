"""Fixtures for the validation tests: the Authlib authorization server, scripted faults, TLS, a dead port."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from authserver import AuthServer
from loopback_tls import make_self_signed
from validation_support import FaultServer


@pytest.fixture(scope="module")
def authserver() -> Iterator[AuthServer]:
    with AuthServer() as server:
        yield server  # type: ignore[misc]


@pytest.fixture
def auth(authserver: AuthServer) -> AuthServer:
    authserver.requests.clear()
    return authserver


@pytest.fixture(scope="module")
def fault_server() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server  # type: ignore[misc]


@pytest.fixture
def faults(fault_server: FaultServer) -> FaultServer:
    fault_server.requests.clear()
    fault_server.metadata.clear()
    fault_server.max_in_flight = 0
    fault_server.release.clear()
    return fault_server


@pytest.fixture(scope="module")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_self_signed(tmp_path_factory.mktemp("tls"))[0]


@pytest.fixture(scope="module")
def tls_server(tls_cert: Path) -> Iterator[FaultServer]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls_cert, tls_cert.with_suffix(".key"))
    with FaultServer(ssl_context=ctx) as server:
        yield server  # type: ignore[misc]


@pytest.fixture
def refused_url(closed_port: int) -> str:
    """A token URL on a loopback port nothing listens on."""
    return f"http://127.0.0.1:{closed_port}/token"
