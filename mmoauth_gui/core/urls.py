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
