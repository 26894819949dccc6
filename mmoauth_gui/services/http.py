"""The one HTTP client: explicit timeouts, the OS trust store, an optional CA file, environment proxies."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import truststore

DEFAULT_TIMEOUT = 15.0
LOOPBACK_PATTERNS = ("all://localhost", "all://127.0.0.1", "all://[::1]")
USER_AGENT = "mmoauth-gui"


def ssl_context(ca_file: str | Path | None = None) -> ssl.SSLContext:
    """The OS trust store (through truststore), plus ``ca_file`` for an internal CA."""
    ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_file:
        ctx.load_verify_locations(cafile=str(ca_file))
    return ctx


def make_http_client(
    *, ca_file: str | Path | None = None, timeout: float = DEFAULT_TIMEOUT, max_connections: int = 128
) -> httpx.AsyncClient:
    """An ``AsyncClient`` for the whole app. No custom transport, so proxies come from the environment."""
    from mmoauth_gui import __version__

    return httpx.AsyncClient(
        verify=ssl_context(ca_file),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        # few idle connections: httpcore's pool does work in proportion to idle x open ones on every request
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=16),
        follow_redirects=False,
        trust_env=True,
        # loopback never through a proxy, whatever the environment says: a proxy would see the token
        mounts={pattern: None for pattern in LOOPBACK_PATTERNS},
        headers={"User-Agent": f"{USER_AGENT}/{__version__}"},
    )
