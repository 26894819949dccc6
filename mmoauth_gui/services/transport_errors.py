"""Tell transport failures apart: timeout, TLS (with OpenSSL's verify message), DNS, refused, proxy."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import httpx


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def tls_message(exc: BaseException) -> str:
    """The reason a TLS handshake failed, in OpenSSL's words where it gives them."""
    for item in _chain(exc):
        if isinstance(item, ssl.SSLCertVerificationError):
            return str(item.verify_message or item.reason or "certificate verify failed")
        if isinstance(item, ssl.SSLError):
            return str(item.reason or item).replace("_", " ").lower()
    return str(exc)


def classify_transport_error(exc: BaseException) -> tuple[str, str]:
    """``(kind, detail)``; kind is timeout | tls | dns | refused | proxy | invalid_url | other."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timeout", ""
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "invalid_url", str(exc)
    for item in _chain(exc):
        if isinstance(item, ssl.SSLError):
            return "tls", tls_message(item)
        if isinstance(item, socket.gaierror):
            return "dns", item.strerror or str(item)
        if isinstance(item, ConnectionRefusedError):
            return "refused", "connection refused"
    if isinstance(exc, httpx.ProxyError):
        return "proxy", str(exc)
    for item in _chain(exc):
        if isinstance(item, OSError) and item.strerror:
            return "other", item.strerror
    return "other", str(exc) or type(exc).__name__
