"""Identity providers whose defaults clash with what Mattermost sends, recognised by host and error text.

Mattermost's token request carries only ``grant_type``, ``client_id`` and ``client_secret``
(docs/MATTERMOST.md §5) and fetches a new token for every request. Each hint says what to configure on
the provider's side, since Mattermost cannot send the missing parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from mmoauth_gui.core.urls import url_host
from mmoauth_gui.core.validation.expectations import ExpectationCheck


class Provider(StrEnum):
    ENTRA = "Microsoft Entra ID"
    AUTH0 = "Auth0"
    OKTA = "Okta"
    KEYCLOAK = "Keycloak"


def recognise(*urls: str) -> Provider | None:
    """The provider behind a token URL or issuer, from its host (and Keycloak's ``/realms/`` path)."""
    for url in urls:
        host = url_host(url)
        if not host:
            continue
        if host in ("login.microsoftonline.com", "sts.windows.net") or host.endswith(".ciamlogin.com"):
            return Provider.ENTRA
        if host.endswith(".auth0.com"):
            return Provider.AUTH0
        if host.endswith((".okta.com", ".oktapreview.com", ".okta-emea.com")):
            return Provider.OKTA
        if "/realms/" in url:
            return Provider.KEYCLOAK
    return None


ENTRA_SCOPE = (
    "Microsoft Entra ID needs a scope for client credentials (on the v2.0 endpoint '<application ID URI>/.default'; "
    "error AADSTS900144 when it is missing), and Mattermost cannot send one. Point the connection at a token "
    "URL that supplies it (a small proxy in front of Entra that adds the scope), or use a provider that gives "
    "this client a default audience. The audience of an Entra token is the application ID URI of that scope, and "
    "its application permissions come as the 'roles' claim, not 'scp'."
)
AUTH0_AUDIENCE = (
    "Auth0 needs an audience for client credentials unless the tenant has a default one, and Mattermost cannot "
    "send it. In the Auth0 dashboard set Tenant Settings → API Authorization Settings → Default Audience to the "
    "API identifier the integration checks, and authorise this application (Machine to Machine) for that API."
)
OKTA_SCOPE = (
    "Okta's custom authorization servers need a scope for client credentials unless one is marked as a default "
    "scope, and Mattermost cannot send it. In Okta, under Security → API → the authorization server → Scopes, "
    "mark the scope the integration needs as a default scope, and allow the client-credentials grant in an "
    "access policy rule for this client."
)
KEYCLOAK_AUDIENCE = (
    "Keycloak puts an audience in a client-credentials token only through mappers. Add an Audience mapper "
    "(Client scopes → this client's dedicated scope → Add mapper → Audience) naming the audience the "
    "integration checks, and assign the roles or client scopes it expects as default scopes."
)
GENERIC_AUDIENCE = (
    "Mattermost sends no audience or resource parameter, so the token carries the provider's default audience. "
    "Configure a default audience for this client on the identity provider, or make the integration accept the "
    "audience shown."
)
GENERIC_SCOPE = (
    "Mattermost sends no scope parameter, so the token carries the provider's default scopes for this client. "
    "Grant the scope by default to this client on the identity provider."
)
THROTTLED = (
    "Mattermost does not cache tokens: it fetches a new one before every slash command and webhook call, so a "
    "busy integration can hit the provider's rate limit (HTTP 429). {retry}Raise the client's limit on the "
    "provider if it allows, or keep the busy commands off this connection."
)


def _mentions(text: str, *needles: str) -> bool:
    lowered = text.lower()
    return any(n.lower() in lowered for n in needles)


def hints_for(
    *,
    token_url: str,
    issuer: str = "",
    error: str | None = None,
    error_description: str | None = None,
    http_status: int | None = None,
    retry_after: str | None = None,
    checks: Iterable[ExpectationCheck] = (),
) -> list[str]:
    """What to configure on the provider's side for this outcome; empty when nothing known applies."""
    provider = recognise(token_url, issuer)
    described = f"{error or ''} {error_description or ''}"
    out: list[str] = []
    if provider is Provider.ENTRA and (_mentions(described, "AADSTS900144", "'scope'", "AADSTS70011")):
        out.append(ENTRA_SCOPE)
    if provider is Provider.AUTH0 and _mentions(described, "audience"):
        out.append(AUTH0_AUDIENCE)
    if provider is Provider.OKTA and (error == "invalid_scope" or _mentions(described, "default scope")):
        out.append(OKTA_SCOPE)
    if http_status == 429:
        retry = f"The provider asked to wait {retry_after} before retrying (Retry-After). " if retry_after else ""
        out.append(THROTTLED.format(retry=retry))
    unmet = [c for c in checks if c.ok is False]
    if any(c.what == "audience" for c in unmet):
        specific = {Provider.AUTH0: AUTH0_AUDIENCE, Provider.KEYCLOAK: KEYCLOAK_AUDIENCE, Provider.ENTRA: ENTRA_SCOPE}
        out.append(specific.get(provider, GENERIC_AUDIENCE) if provider else GENERIC_AUDIENCE)
    if any(c.what == "scope" for c in unmet):
        specific = {Provider.OKTA: OKTA_SCOPE, Provider.ENTRA: ENTRA_SCOPE}
        out.append(specific.get(provider, GENERIC_SCOPE) if provider else GENERIC_SCOPE)
    return list(dict.fromkeys(out))
