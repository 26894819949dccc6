"""How the REST client sends one request: streamed, its body capped once decompressed, an overall deadline,
and each transport failure turned into the typed error that names it; and the credential-free https probe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from mmoauth_gui.core.urls import API_PATH as API
from mmoauth_gui.core.urls import canonical_server_url, is_loopback_url
from mmoauth_gui.services.bounded_read import BodyTooLarge, describe_size, read_capped
from mmoauth_gui.services.mattermost.errors import InvalidResponse, Unreachable
from mmoauth_gui.services.transport_errors import classify_transport_error

log = logging.getLogger("mmoauth_gui.services.mattermost.client")

TLS_ADVICE = (
    "If the server uses a certificate from an internal CA, give that CA's certificate (PEM) as a CA file "
    "(--ca-file on the command line, the profile's CA file in the app) or add it to the system's trust store."
)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer read whole within the size cap: status, headers and the decoded body."""

    status_code: int
    headers: httpx.Headers
    content: bytes


def unreachable_error(exc: httpx.TransportError, base_url: str, operation: str) -> Unreachable:
    """The Unreachable error for a transport failure (no HTTP answer at all)."""
    kind, detail = classify_transport_error(exc)
    if kind == "tls":
        return Unreachable(
            f"the TLS connection to {base_url} failed ({detail})", reason="tls", operation=operation, advice=TLS_ADVICE
        )
    if kind == "timeout":
        return Unreachable(
            f"{base_url} did not answer in time",
            reason="timeout",
            operation=operation,
            advice="The server may be overloaded, or a firewall may drop the traffic: check the address and try again.",
        )
    host = urlsplit(base_url).netloc or base_url
    advice = "Check the server URL, that the server is running, and the network settings."
    if kind == "refused":
        message = f"nothing accepts connections at {host} (connection refused)"
    elif kind == "dns":
        message = f"the host name in {base_url} could not be resolved ({detail})"
    elif kind == "proxy":
        message = f"the proxy failed ({detail})"
        advice = "Check the HTTPS_PROXY / HTTP_PROXY / NO_PROXY environment variables."
    elif kind == "invalid_url":
        message = f"{base_url} is not a usable URL ({detail})"
        advice = "Give the server URL as https://host[:port]."
    else:
        message = f"the connection to {host} failed ({detail})"
    return Unreachable(message, reason="connection", operation=operation, advice=advice)


async def send_bounded(
    http: httpx.AsyncClient,
    method: str,
    base_url: str,
    path: str,
    *,
    operation: str,
    params: Mapping[str, str] | None,
    body: Any,
    headers: dict[str, str],
    deadline_s: float,
    max_bytes: int,
) -> Answer:
    """One request, read whole within ``deadline_s`` and ``max_bytes``; the typed error otherwise."""
    try:
        async with asyncio.timeout(deadline_s):
            async with http.stream(
                method,
                base_url + path,
                params=dict(params) if params else None,
                json=body,
                headers=headers,
            ) as streamed:
                response = Answer(streamed.status_code, streamed.headers, await read_capped(streamed, max_bytes))
    except TimeoutError:
        log.debug("%s %s took longer than %.0f s", method, path, deadline_s)
        raise Unreachable(
            f"{base_url} did not send a whole answer within {deadline_s:g} seconds",
            reason="timeout",
            operation=operation,
            advice="The server or the network is very slow: try again, or give a longer --timeout.",
        ) from None
    except BodyTooLarge as exc:
        raise InvalidResponse(
            f"the server sent more than {describe_size(exc.cap)} (decompressed)",
            status=None,
            operation=operation,
            advice="No answer of this app's requests is that large: check that the URL is the Mattermost "
            "server's address.",
        ) from None
    except httpx.DecodingError as exc:
        raise InvalidResponse(f"the answer could not be decoded ({exc})", operation=operation) from None
    except httpx.TransportError as exc:
        log.debug("%s %s failed: %s", method, path, type(exc).__name__)
        raise unreachable_error(exc, base_url, operation) from None
    except httpx.InvalidURL as exc:
        raise Unreachable(
            f"{base_url} is not a usable URL ({exc})",
            reason="connection",
            operation=operation,
            advice="Give the server URL as https://host[:port].",
        ) from None
    return response


async def secure_base_url(base_url: str, http: httpx.AsyncClient) -> str:
    """``base_url``, or its https form when the server redirects an ``http://`` ping there.

    The probe carries no credential, so a server that only redirects to https never sees the token,
    password or MFA code in clear text. Any other answer (or none) keeps the URL as given.
    """
    base = canonical_server_url(base_url)
    if not base.lower().startswith("http://") or is_loopback_url(base):
        return base
    try:
        async with asyncio.timeout(10):
            response = await http.get(base + f"{API}/system/ping", headers={"Accept": "application/json"})
    except (httpx.HTTPError, TimeoutError):
        return base
    location = response.headers.get("location", "")
    if response.status_code not in (301, 302, 303, 307, 308) or not location:
        return base
    target = urlsplit(str(response.url.join(location)))
    if target.scheme != "https" or target.hostname != urlsplit(base).hostname:
        return base
    path = target.path.removesuffix(f"{API}/system/ping")
    return canonical_server_url(f"https://{target.netloc}{path}")
