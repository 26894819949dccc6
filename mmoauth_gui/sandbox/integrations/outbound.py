"""The one way the sandbox calls an integration (a slash command URL, a webhook callback): every rule about
outbound requests (timeouts, no proxy, no redirects, which addresses may be called) belongs here.

Mattermost sends these through its ``outgoingWebhookClient`` with ``OutgoingIntegrationRequestsTimeout`` as
the deadline and reads at most 1 MiB of the answer (docs/MATTERMOST.md E.1, E.2). That client refuses
reserved addresses unless ``AllowedUntrustedInternalConnections`` lets them (Appendix H): ``allowed_internal``.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from mmoauth_gui.sandbox.token_fetch import forbidden_reason

TIMEOUT_SECONDS = 30.0  # OutgoingIntegrationRequestsTimeout's default (server/public/model/config.go, Appendix H)
MAX_RESPONSE = 1024 * 1024  # MaxIntegrationResponseSize
_RESERVED_NAMES = ("example.com", "example.net", "example.org")
_RESERVED_DOMAINS = tuple("." + n for n in _RESERVED_NAMES) + (".invalid", ".example", ".test")


@dataclass(frozen=True)
class OutboundResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), "")

    @property
    def status_text(self) -> str:
        """Go's ``resp.Status``: "200 OK"."""
        return f"{self.status} {self.reason}".strip()


class OutboundError(Exception):
    """The request did not get an answer; ``timed_out`` when the deadline passed."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def send(
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes | None,
    timeout: float = TIMEOUT_SECONDS,
    *,
    allowed_internal: str = "",
) -> OutboundResponse:
    """Send one integration request; any HTTP status is an answer, no answer raises ``OutboundError``."""
    if not url.startswith(("http://", "https://")):
        raise OutboundError(f'unsupported protocol scheme in "{url}"')
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if host.endswith(_RESERVED_DOMAINS) or host in _RESERVED_NAMES:
        # The demo's made-up hosts (RFC 2606): never looked up, so the sandbox stays on loopback.
        raise OutboundError(f"{method} {url}: dial tcp: lookup {host}: no such host")
    refusal = forbidden_reason(url, allowed_internal)
    if refusal:
        raise OutboundError(f"{method} {url}: {refusal}")
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - scheme checked above
    for name, value in headers:
        request.add_header(name, value)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    try:
        with opener.open(request, timeout=timeout) as response:
            return OutboundResponse(
                response.status, response.reason or "", list(response.headers.items()), response.read(MAX_RESPONSE)
            )
    except urllib.error.HTTPError as exc:
        with exc:
            data = exc.read(MAX_RESPONSE)
            items = list(exc.headers.items()) if exc.headers else []
        return OutboundResponse(exc.code, str(exc.reason or ""), items, data)
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise OutboundError(f"{method} {url}: context deadline exceeded", timed_out=True) from None
        raise OutboundError(f"{method} {url}: {exc.reason}") from None
    except TimeoutError:
        raise OutboundError(f"{method} {url}: context deadline exceeded", timed_out=True) from None
    except (OSError, ValueError) as exc:
        raise OutboundError(f"{method} {url}: {exc}") from None
