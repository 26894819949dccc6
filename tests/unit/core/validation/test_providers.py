"""Provider-aware hints: recognised by host and error text, each saying what to set on the provider."""

from __future__ import annotations

from mmoauth_gui.core.validation.expectations import ExpectationCheck
from mmoauth_gui.core.validation.providers import (
    AUTH0_AUDIENCE,
    ENTRA_SCOPE,
    GENERIC_AUDIENCE,
    KEYCLOAK_AUDIENCE,
    OKTA_SCOPE,
    Provider,
    hints_for,
    recognise,
)

ENTRA = "https://login.microsoftonline.com/tenant/oauth2/v2.0/token"


def test_providers_recognised_by_host_or_path() -> None:
    assert recognise(ENTRA) is Provider.ENTRA
    assert recognise("https://acme.eu.auth0.com/oauth/token") is Provider.AUTH0
    assert recognise("https://acme.okta.com/oauth2/default/v1/token") is Provider.OKTA
    assert recognise("https://sso.acme.test/realms/main/protocol/openid-connect/token") is Provider.KEYCLOAK
    assert recognise("https://auth.acme.test/token", "") is None


def test_entra_missing_scope_error() -> None:
    description = "AADSTS900144: The request body must contain the following parameter: 'scope'."
    hints = hints_for(token_url=ENTRA, error="invalid_request", error_description=description)
    assert hints == [ENTRA_SCOPE]


def test_auth0_without_default_audience() -> None:
    hints = hints_for(
        token_url="https://acme.auth0.com/oauth/token",
        error="access_denied",
        error_description="No audience parameter was provided, and no default audience has been configured",
    )
    assert hints == [AUTH0_AUDIENCE]


def test_okta_invalid_scope() -> None:
    assert hints_for(token_url="https://acme.okta.com/oauth2/default/v1/token", error="invalid_scope") == [OKTA_SCOPE]


def test_throttling_quotes_retry_after() -> None:
    (hint,) = hints_for(token_url="https://auth.acme.test/token", http_status=429, retry_after="30")
    assert "does not cache tokens" in hint and "wait 30 before retrying" in hint


def test_unmet_audience_points_to_the_providers_setting() -> None:
    unmet = [ExpectationCheck("audience", "https://api/", ["account"], False)]
    keycloak = "https://sso.acme.test/realms/main/protocol/openid-connect/token"
    assert hints_for(token_url=keycloak, checks=unmet) == [KEYCLOAK_AUDIENCE]
    assert hints_for(token_url="https://auth.acme.test/token", checks=unmet) == [GENERIC_AUDIENCE]


def test_nothing_known_nothing_said() -> None:
    met = [ExpectationCheck("audience", "https://api/", ["https://api/"], True)]
    assert hints_for(token_url=ENTRA, checks=met) == []
