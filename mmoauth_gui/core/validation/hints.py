"""Plain-language explanations for every validation outcome: each category, each RFC 6749/8707 error code.

A hint says what most likely went wrong and what to do next. They are shared by the desktop check
(the token client) and the server check (``POST …/validate``), so both speak the same way.
"""

from __future__ import annotations

from mmoauth_gui.core.validation.jwt_inspect import format_duration

CLIENT_CREDENTIALS = "client_credentials"
PASSWORD = "password"
POST = "client_secret_post"
BASIC = "client_secret_basic"

RFC_ERROR_CODES = (
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "invalid_target",
)

_MATTERMOST_SENDS = "Mattermost sends only grant_type, client_id and client_secret (no scope, audience or resource)"


def _grant_label(grant_type: str) -> str:
    return "password" if grant_type == PASSWORD else "client credentials"


def oauth_error_hint(code: str, *, grant_type: str = CLIENT_CREDENTIALS, auth_method: str | None = POST) -> str:
    """What an RFC 6749 §5.2 (or RFC 8707) error code means here, and what to do about it."""
    grant = _grant_label(grant_type)
    if code == "invalid_request":
        return (
            "The token endpoint says the request is malformed or lacks a parameter it needs. "
            f"{_MATTERMOST_SENDS}; if this endpoint insists on one of those, configure a default for this "
            "client on the authorization server — Mattermost cannot send it."
        )
    if code == "invalid_client":
        if auth_method == BASIC:
            other = "in the form body instead of an HTTP Basic header"
        else:
            other = "in an HTTP Basic header instead of the form body (Mattermost always uses the form body)"
        return (
            "The client was not authenticated: the client ID or secret is wrong, the client is unknown or "
            f"disabled, or the endpoint wants the credentials {other}. Check the client ID and secret "
            "(copy them again, watch for spaces); the auth method “auto” shows whether the other way works."
        )
    if code == "invalid_grant":
        if grant_type == PASSWORD:
            return (
                "The username or password was refused, or the account is locked, disabled or needs a second "
                "factor a token request cannot give. Check the account on the authorization server."
            )
        return (
            "The endpoint refused the grant itself. For client credentials this usually means the client's "
            "service account is disabled or lacks a role the server requires; check the client's settings."
        )
    if code == "unauthorized_client":
        return (
            f"This client exists but is not allowed to use the {grant} grant. Enable {grant} for it on the "
            "authorization server (often called a service account or machine-to-machine access), or use a "
            "client that has it."
        )
    if code == "unsupported_grant_type":
        return (
            f"The endpoint does not do the {grant} grant at all. Check that this URL is the token endpoint of "
            "an authorization server that supports it (discovery from the issuer URL finds the right one), "
            "or enable the grant there."
        )
    if code == "invalid_scope":
        return (
            "The endpoint refused the scope. Mattermost asks for no scope, so this client needs a default "
            "scope configured on the authorization server; a server that requires an explicit scope for "
            f"{grant} cannot be used with Mattermost as it is."
        )
    if code == "invalid_target":
        return (
            "The endpoint wants a resource or audience indicator (RFC 8707) it cannot work out. Mattermost "
            "sends no resource or audience parameter, so set a default resource/audience for this client on "
            "the authorization server."
        )
    return (
        f"The endpoint refused with “{code}”, which is not a standard OAuth 2.0 error code. Read its "
        "description (and error_uri, if any), or the authorization server's documentation or logs."
    )


def ok_hint(*, auth_method: str | None, expires_in: int | None) -> str:
    lifetime = f", valid for {format_duration(expires_in)}" if expires_in else ""
    if auth_method == BASIC:
        return (
            f"The token endpoint issued an access token{lifetime}, with the credentials in an HTTP Basic header. "
            "Mattermost sends them in the form body instead, which this check did not confirm."
        )
    return (
        f"The token endpoint issued an access token{lifetime}, asked for exactly the way Mattermost asks "
        "(form POST with client_id and client_secret)."
    )


def redirect_hint(status: int, location: str | None) -> str:
    target = f"to {location}" if location else "without saying where (no Location header)"
    return (
        f"The token URL redirects (HTTP {status}) {target}. The request with the credentials was not sent "
        "on. If that target is the real token endpoint and you trust it, use it as the OAuth Token URL."
    )


def http_status_hint(status: int, *, www_authenticate: str | None = None) -> str:
    """An HTTP failure that carries no OAuth error body."""
    if status == 401:
        challenge = f" ({www_authenticate})" if www_authenticate else ""
        return (
            f"The endpoint demands authentication{challenge} but gave no OAuth error. A proxy or API gateway "
            "in front of it may be asking for its own credentials, or this is not the token endpoint."
        )
    if status == 403:
        return (
            "Access forbidden (HTTP 403) with no OAuth error: a firewall, gateway or IP allow-list may be "
            "blocking requests from this machine, or this is not the token endpoint."
        )
    if status == 404:
        return (
            "Nothing at this URL (HTTP 404): it is not a token endpoint. Check the path (often …/token or "
            "…/oauth2/token); discovery from the issuer URL can find it."
        )
    if status == 405:
        return (
            "This URL does not accept POST (HTTP 405), so it is not a token endpoint. Check the OAuth Token "
            "URL; discovery from the issuer URL can find the right one."
        )
    if status == 429:
        return "The endpoint is rate-limiting requests (HTTP 429). Wait a moment and try again."
    if status >= 500:
        return f"The authorization server failed (HTTP {status}). Try again later, or check its logs."
    return f"The endpoint answered HTTP {status} without an OAuth error. Check the OAuth Token URL."


def invalid_response_hint(reason: str, *, content_type: str = "", limit_bytes: int = 0) -> str:
    """``reason``: html | not_json | not_object | no_access_token | too_large | empty."""
    if reason == "html":
        return (
            "The URL answered with an HTML page, probably a login page or a web application, not a token "
            "endpoint. Check the OAuth Token URL (it is usually not the address you open in a browser)."
        )
    if reason == "too_large":
        size = f"{limit_bytes // 1024} KiB" if limit_bytes else "the size limit"
        return (
            f"The answer was larger than {size} and was not read further. A token response is small, so this "
            "is not a token endpoint."
        )
    if reason == "no_access_token":
        return (
            "The answer is JSON but has no access_token, so Mattermost would get no token from it. The URL "
            "may be another API endpoint; check the OAuth Token URL."
        )
    if reason == "not_object":
        return "The answer is JSON but not an object, so it is not a token response. Check the OAuth Token URL."
    if reason == "empty":
        return "The endpoint answered with an empty body instead of a token. Check the OAuth Token URL."
    kind = f" ({content_type})" if content_type else ""
    return (
        f"The answer is not JSON{kind}, so it is not a token response. Check the OAuth Token URL and that "
        "nothing (a proxy, a captive portal) answers in its place."
    )


def network_hint(
    reason: str, *, host: str, port: int | None = None, detail: str = "", what: str = "the token endpoint"
) -> str:
    """``reason``: dns | refused | proxy | other (as ``transport_errors.classify_transport_error`` says)."""
    where = f"{host}:{port}" if port else host
    if reason == "dns":
        return (
            f"The host name {host} could not be resolved from this computer. Check the spelling. If it is an "
            "internal name, the Mattermost server may resolve it even if this computer cannot."
        )
    if reason == "refused":
        return (
            f"The connection to {where} was refused: nothing listens on that port. Check the port in the URL and "
            f"that {what} is running."
        )
    if reason == "proxy":
        return (
            f"The proxy from the environment (HTTPS_PROXY/HTTP_PROXY) failed to reach {where}: "
            f"{detail or 'no detail'}. Check the proxy settings, or NO_PROXY for internal hosts."
        )
    reason_text = f": {detail}" if detail else ""
    return f"Could not talk to {what} at {where}{reason_text}. Check the URL and the network between them."


def tls_hint(*, host: str, port: int | None, verify_message: str) -> str:
    where = f"{host}:{port}" if port else host
    message = verify_message or "the TLS handshake failed"
    return (
        f"The TLS certificate presented by {where} was not accepted: {message}. If the authorization server "
        "uses an internal CA, trust its CA certificate here (--ca-file FILE, or the CA file setting in the app) "
        "— and make sure the Mattermost server trusts it too, or Mattermost will fail the same way."
    )


def timeout_hint(seconds: float, *, what: str = "the token endpoint") -> str:
    return (
        f"No complete answer from {what} within {seconds:g} s. It may be down or overloaded, or a firewall may "
        "silently drop the traffic; a longer timeout only helps if it is merely slow."
    )


def config_hint(problems: list[str]) -> str:
    return "The settings cannot be checked yet: " + " ".join(problems)
