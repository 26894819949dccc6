"""Find a token endpoint from an issuer URL (RFC 8414 and OpenID Connect discovery), and read its promises.

Both URL forms are tried: RFC 8414 inserts the well-known path before the issuer's path, OIDC appends
it. The metadata also says whether client credentials and form authentication (what Mattermost uses)
are supported; where it says no, the result carries a warning.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from mmoauth_gui.core.clock import now_iso
from mmoauth_gui.core.model import GrantType
from mmoauth_gui.core.rules import url_problems
from mmoauth_gui.core.urls import same_origin
from mmoauth_gui.core.validation import hints as hints
from mmoauth_gui.core.validation.result import Category, ValidationResult
from mmoauth_gui.services.bounded_read import BodyTooLarge, read_capped
from mmoauth_gui.services.transport_errors import classify_transport_error

OAUTH_WELL_KNOWN = "/.well-known/oauth-authorization-server"
OIDC_WELL_KNOWN = "/.well-known/openid-configuration"
DEFAULT_AUTH_METHODS = ["client_secret_basic"]  # RFC 8414 §2 default
DEFAULT_GRANT_TYPES = ["authorization_code", "implicit"]  # RFC 8414 §2 default
MAX_METADATA_BYTES = 1024 * 1024
HTTP_ENDPOINT_WARNING = "The discovered token endpoint uses http://: credentials would travel unencrypted."


def metadata_urls(issuer: str) -> list[str]:
    """Where metadata for ``issuer`` may live, most standard first, without duplicates."""
    if "/.well-known/" in issuer:
        return [issuer]
    parts = urlsplit(issuer)
    origin = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    candidates = [
        f"{origin}{OAUTH_WELL_KNOWN}{path}",  # RFC 8414 §3.1
        f"{origin}{path}{OIDC_WELL_KNOWN}",  # OpenID Connect Discovery §4
        f"{origin}{OIDC_WELL_KNOWN}{path}",  # RFC 8414 §5 (OIDC issuers in the 8414 form)
        f"{origin}{path}{OAUTH_WELL_KNOWN}",  # seen in the wild
    ]
    return list(dict.fromkeys(candidates))


@dataclass(frozen=True)
class DiscoveryResult:
    issuer: str
    ok: bool
    token_endpoint: str | None = None
    jwks_uri: str | None = None  # where the issuer publishes its signing keys
    metadata_url: str | None = None
    metadata_issuer: str | None = None
    grant_types_supported: list[str] = field(default_factory=list)
    grant_types_stated: bool = False
    auth_methods_supported: list[str] = field(default_factory=list)
    auth_methods_stated: bool = False
    warnings: list[str] = field(default_factory=list)
    tried: list[dict[str, str]] = field(default_factory=list)  # {"url", "outcome"}
    category: str | None = None  # why it failed (network, tls, timeout, http_error, invalid_response, config)
    hint: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "ok": self.ok,
            "token_endpoint": self.token_endpoint,
            "metadata_url": self.metadata_url,
            "metadata_issuer": self.metadata_issuer,
            "jwks_uri": self.jwks_uri,
            "grant_types_supported": self.grant_types_supported if self.grant_types_stated else None,
            "token_endpoint_auth_methods_supported": self.auth_methods_supported if self.auth_methods_stated else None,
            "warnings": list(self.warnings),
            "tried": [dict(t) for t in self.tried],
            "category": self.category,
            "hint": self.hint,
        }

    def as_validation_failure(self) -> ValidationResult:
        """A failed discovery as a validation result: no token endpoint, so no token."""
        return ValidationResult.failure(
            self.category or Category.CONFIG.value, self.hint, warnings=list(self.warnings), checked_at=now_iso()
        )


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def metadata_warnings(meta: dict[str, Any], *, issuer: str, grant_type: str) -> list[str]:
    """What the metadata promises that Mattermost's request would not get."""
    out: list[str] = []
    grants = _str_list(meta.get("grant_types_supported"))
    if grants is None:
        if grant_type == GrantType.CLIENT_CREDENTIALS.value:
            out.append(
                "The metadata does not list grant_types_supported; by the RFC 8414 default (authorization_code, "
                "implicit) client credentials would not be supported. Many servers support it anyway: the token "
                "request is the real test."
            )
    elif grant_type not in grants:
        out.append(
            f"The metadata says the {grant_type} grant is not supported (it lists {', '.join(grants) or 'none'}): "
            "expect unsupported_grant_type or unauthorized_client."
        )
    methods = _str_list(meta.get("token_endpoint_auth_methods_supported"))
    if methods is None:
        out.append(
            "The metadata does not list token_endpoint_auth_methods_supported, so by the RFC 8414 default only "
            "HTTP Basic (client_secret_basic) is promised; Mattermost sends the credentials in the form body "
            "(client_secret_post)."
        )
    elif hints.POST not in methods:
        out.append(
            f"The metadata says form authentication (client_secret_post), the way Mattermost sends the "
            f"credentials, is not supported (it lists {', '.join(methods) or 'none'}): Mattermost would likely "
            "get invalid_client."
        )
    stated = meta.get("issuer")
    if isinstance(stated, str) and stated.rstrip("/") != issuer.rstrip("/"):
        out.append(
            f"The metadata names another issuer ({stated}) than the one asked for ({issuer}); RFC 8414 requires "
            "them to be identical, so this may be the wrong server."
        )
    endpoint = meta.get("token_endpoint")
    if isinstance(endpoint, str):
        for problem in url_problems(endpoint, "The discovered token endpoint"):
            out.append(problem)
        if endpoint.startswith("http://"):
            out.append(HTTP_ENDPOINT_WARNING)
    return out


MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)


class RedirectRefused(Exception):
    """A metadata URL redirected to another origin, or from https to http: nothing is fetched there."""


async def fetch_capped(http: httpx.AsyncClient, url: str, timeout_s: float) -> tuple[int, bytes | None, str]:
    """Status, body (None when over the cap) and the URL that answered; same-origin redirects followed.

    Raises ``RedirectRefused`` or ``httpx.HTTPError``."""
    for _ in range(MAX_REDIRECTS + 1):
        async with http.stream(
            "GET", url, headers={"Accept": "application/json"}, timeout=httpx.Timeout(timeout_s), follow_redirects=False
        ) as resp:
            location = resp.headers.get("location", "")
            if resp.status_code in REDIRECTS and location:
                target = str(resp.url.join(location))
                if not same_origin(target, url):
                    downgrade = url.startswith("https:") and target.startswith("http:")
                    why = "from https to http" if downgrade else "to another origin"
                    raise RedirectRefused(f"redirected {why} ({target}): not followed")
                url = target
                continue
            try:
                body: bytes | None = await read_capped(resp, MAX_METADATA_BYTES)
            except BodyTooLarge:
                body = None
            return resp.status_code, body, url
    raise RedirectRefused(f"more than {MAX_REDIRECTS} redirects: not followed")


def _success(
    issuer: str, url: str, meta: dict[str, Any], grant_type: str, tried: list[dict[str, str]]
) -> DiscoveryResult:
    grants = _str_list(meta.get("grant_types_supported"))
    methods = _str_list(meta.get("token_endpoint_auth_methods_supported"))
    stated_issuer = meta.get("issuer")
    jwks_uri = meta.get("jwks_uri")
    return DiscoveryResult(
        issuer=issuer,
        ok=True,
        token_endpoint=str(meta["token_endpoint"]),
        jwks_uri=jwks_uri if isinstance(jwks_uri, str) and jwks_uri.startswith(("https://", "http://")) else None,
        metadata_url=url,
        metadata_issuer=stated_issuer if isinstance(stated_issuer, str) else None,
        grant_types_supported=grants if grants is not None else list(DEFAULT_GRANT_TYPES),
        grant_types_stated=grants is not None,
        auth_methods_supported=methods if methods is not None else list(DEFAULT_AUTH_METHODS),
        auth_methods_stated=methods is not None,
        warnings=metadata_warnings(meta, issuer=issuer, grant_type=grant_type),
        tried=tried,
        hint=f"Token endpoint found in {url}.",
    )


async def discover(
    http: httpx.AsyncClient,
    issuer: str,
    *,
    grant_type: str = GrantType.CLIENT_CREDENTIALS.value,
    timeout_s: float = 15.0,
) -> DiscoveryResult:
    """Look for the issuer's metadata in every standard place; the first with a token_endpoint wins."""
    problems = url_problems(issuer, "The issuer URL")
    if problems:
        return DiscoveryResult(issuer, False, category=Category.CONFIG.value, hint=hints.config_hint(problems))
    tried: list[dict[str, str]] = []
    try:
        async with asyncio.timeout(timeout_s):
            for url in metadata_urls(issuer):
                try:
                    status, body, answered = await fetch_capped(http, url, timeout_s)
                except RedirectRefused as exc:
                    tried.append({"url": url, "outcome": str(exc)})
                    continue
                except httpx.HTTPError as exc:
                    return _transport_failure(issuer, url, exc, tried, timeout_s)
                url = answered
                if body is None:
                    tried.append({"url": url, "outcome": "answer too large"})
                    continue
                if status != 200:
                    tried.append({"url": url, "outcome": f"HTTP {status}"})
                    continue
                try:
                    meta = json.loads(body)
                except (ValueError, RecursionError):
                    tried.append({"url": url, "outcome": "not JSON"})
                    continue
                endpoint = meta.get("token_endpoint") if isinstance(meta, dict) else None
                if not isinstance(endpoint, str) or not endpoint.strip():
                    tried.append({"url": url, "outcome": "JSON without token_endpoint"})
                    continue
                if issuer.startswith("https:") and not endpoint.strip().lower().startswith("https:"):
                    tried.append({"url": url, "outcome": f"token_endpoint {endpoint} is not https: refused"})
                    return DiscoveryResult(
                        issuer,
                        False,
                        tried=tried,
                        metadata_url=url,
                        category=Category.CONFIG.value,
                        hint=(
                            f"The metadata at {url} names {endpoint} as the token endpoint: the client secret would "
                            "travel unencrypted from an https issuer to an http endpoint, so it is not used. Give the "
                            "token URL directly if that is really meant."
                        ),
                    )
                tried.append({"url": url, "outcome": "metadata found"})
                return _success(issuer, url, meta, grant_type, tried)
    except TimeoutError as exc:
        return _transport_failure(issuer, tried[-1]["url"] if tried else issuer, exc, tried, timeout_s)
    listing = "; ".join(f"{t['url']} → {t['outcome']}" for t in tried)
    only_http = all(t["outcome"].startswith("HTTP") for t in tried)
    return DiscoveryResult(
        issuer,
        False,
        tried=tried,
        category=Category.HTTP_ERROR.value if only_http else Category.INVALID_RESPONSE.value,
        hint=(
            f"No authorization server metadata with a token_endpoint was found for {issuer} ({listing}). Check the "
            "issuer URL, or give the token URL directly."
        ),
    )


def _transport_failure(
    issuer: str, url: str, exc: BaseException, tried: list[dict[str, str]], timeout_s: float
) -> DiscoveryResult:
    kind, detail = classify_transport_error(exc)
    tried = [*tried, {"url": url, "outcome": kind if not detail else f"{kind}: {detail}"}]
    parts = urlsplit(url)
    host = parts.hostname or url
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    if kind == "timeout":
        return DiscoveryResult(
            issuer,
            False,
            tried=tried,
            category=Category.TIMEOUT.value,
            hint=hints.timeout_hint(timeout_s, what="the issuer"),
        )
    if kind == "tls":
        return DiscoveryResult(
            issuer,
            False,
            tried=tried,
            category=Category.TLS.value,
            hint=hints.tls_hint(host=host, port=port, verify_message=detail),
        )
    if kind == "invalid_url":
        return DiscoveryResult(
            issuer,
            False,
            tried=tried,
            category=Category.CONFIG.value,
            hint=hints.config_hint([f"The issuer URL cannot be used: {detail}."]),
        )
    return DiscoveryResult(
        issuer,
        False,
        tried=tried,
        category=Category.NETWORK.value,
        hint=hints.network_hint(kind, host=host, port=port, detail=detail, what="the issuer"),
    )
