"""Server URLs as the app keeps and compares them: one rule for profiles, drafts, the cache and the client."""

from __future__ import annotations

API_PATH = "/api/v4"


def canonical_server_url(url: str) -> str:
    """``url`` trimmed, without a trailing slash and without a pasted ``/api/v4`` suffix.

    Stripping the API path is deliberate and applies everywhere: an admin who pastes a REST URL means the
    server, and a profile, a draft target and a cache key for that server must compare equal.
    """
    url = url.strip().rstrip("/")
    if url.endswith(API_PATH):
        url = url[: -len(API_PATH)].rstrip("/")
    return url


def url_origin(url: str) -> str:
    """``scheme://host:port`` of ``url``, lower-cased with the default port filled in; "" when it has none.

    A stored credential belongs to one origin: two URLs share it only when this is equal and not empty.
    """
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not scheme or not host:
        return ""
    port = port or {"https": 443, "http": 80}.get(scheme)
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}" if port else f"{scheme}://{host}"


def url_host(url: str) -> str:
    """The lower-cased host name of ``url``; "" when it has none or cannot be parsed."""
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def same_origin(a: str, b: str) -> bool:
    origin = url_origin(a)
    return bool(origin) and origin == url_origin(b)


def is_loopback_url(url: str) -> bool:
    """True when ``url``'s host is ``localhost`` or a loopback address."""
    import ipaddress

    host = url_host(url)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_internal_url(url: str) -> bool:
    """True when ``url``'s host is an IP literal in a private, loopback or link-local range, or ``localhost``.

    Host names are not resolved (core does no I/O): a name that resolves to an internal address is not seen.
    """
    import ipaddress

    if is_loopback_url(url):
        return True
    try:
        address = ipaddress.ip_address(url_host(url))
    except ValueError:
        return False
    return address.is_private or address.is_link_local or address.is_loopback
