"""Discovery (RFC 8414 and OpenID Connect) against loopback metadata, both URL forms, with its warnings."""

from __future__ import annotations

import asyncio
from typing import Any

from authserver import AuthServer
from validation_support import FaultServer

from mmoauth_gui.services.http import make_http_client
from mmoauth_gui.services.token.discovery import DiscoveryResult, discover, metadata_urls


def run_discover(issuer: str, **kw: Any) -> DiscoveryResult:
    async def go() -> DiscoveryResult:
        async with make_http_client() as http:
            return await discover(http, issuer, **kw)

    return asyncio.run(go())


def test_metadata_urls_both_forms() -> None:
    assert metadata_urls("https://as.example.com/tenant/1/") == [
        "https://as.example.com/.well-known/oauth-authorization-server/tenant/1",
        "https://as.example.com/tenant/1/.well-known/openid-configuration",
        "https://as.example.com/.well-known/openid-configuration/tenant/1",
        "https://as.example.com/tenant/1/.well-known/oauth-authorization-server",
    ]
    assert metadata_urls("https://as.example.com") == [
        "https://as.example.com/.well-known/oauth-authorization-server",
        "https://as.example.com/.well-known/openid-configuration",
    ]
    given = "https://as.example.com/.well-known/openid-configuration"
    assert metadata_urls(given) == [given]


def test_rfc8414_metadata_of_the_authlib_server(auth: AuthServer) -> None:
    found = run_discover(auth.issuer)

    assert found.ok and found.token_endpoint == auth.token_url
    assert found.metadata_url == f"{auth.url}/.well-known/oauth-authorization-server"
    assert found.auth_methods_supported == ["client_secret_basic", "client_secret_post"]
    assert "client_credentials" in found.grant_types_supported
    assert found.warnings == ["The discovered token endpoint uses http://: credentials would travel unencrypted."]


def test_oidc_form_with_an_issuer_path(faults: FaultServer) -> None:
    issuer = f"{faults.url}/realms/acme"
    faults.metadata["/realms/acme/.well-known/openid-configuration"] = {
        "issuer": issuer,
        "token_endpoint": f"{faults.url}/realms/acme/token",
        "grant_types_supported": ["authorization_code", "client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
    }
    found = run_discover(issuer)

    assert found.ok and found.token_endpoint == f"{faults.url}/realms/acme/token"
    assert [t["outcome"] for t in found.tried] == ["HTTP 404", "metadata found"]
    assert faults.paths() == [
        "/.well-known/oauth-authorization-server/realms/acme",
        "/realms/acme/.well-known/openid-configuration",
    ]
    assert not [w for w in found.warnings if "http://" not in w]


def test_oidc_issuer_in_the_rfc8414_form(faults: FaultServer) -> None:
    issuer = f"{faults.url}/tenant"
    faults.metadata["/.well-known/openid-configuration/tenant"] = {
        "issuer": issuer,
        "token_endpoint": f"{faults.url}/tenant/token",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
    }
    found = run_discover(issuer)
    assert found.ok and found.metadata_url == f"{faults.url}/.well-known/openid-configuration/tenant"


def test_warns_when_client_credentials_and_form_auth_are_not_supported(faults: FaultServer) -> None:
    faults.metadata["/.well-known/oauth-authorization-server"] = {
        "issuer": faults.url,
        "token_endpoint": f"{faults.url}/token",
        "grant_types_supported": ["authorization_code"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
    }
    found = run_discover(faults.url)

    assert found.ok
    joined = " ".join(found.warnings)
    assert "the client_credentials grant is not supported (it lists authorization_code)" in joined
    assert "form authentication (client_secret_post), the way Mattermost sends the credentials, is not supported" in (
        joined
    )
    assert "client_secret_basic, private_key_jwt" in joined


def test_rfc8414_defaults_when_the_lists_are_missing(faults: FaultServer) -> None:
    faults.metadata["/.well-known/oauth-authorization-server"] = {"token_endpoint": f"{faults.url}/token"}
    found = run_discover(faults.url)

    assert found.ok and not found.auth_methods_stated and not found.grant_types_stated
    assert found.auth_methods_supported == ["client_secret_basic"]
    joined = " ".join(found.warnings)
    assert "only HTTP Basic (client_secret_basic) is promised" in joined
    assert "does not list grant_types_supported" in joined
    assert found.to_json()["token_endpoint_auth_methods_supported"] is None


def test_issuer_mismatch_warns(faults: FaultServer) -> None:
    faults.metadata["/.well-known/oauth-authorization-server"] = {
        "issuer": "https://elsewhere.example.com",
        "token_endpoint": f"{faults.url}/token",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
    }
    found = run_discover(faults.url)
    assert any("names another issuer (https://elsewhere.example.com)" in w for w in found.warnings)


def test_nothing_found_lists_every_url_tried(faults: FaultServer) -> None:
    faults.metadata[f"/nothing{'/.well-known/openid-configuration'}"] = {"no": "token endpoint"}
    found = run_discover(f"{faults.url}/nothing")

    assert not found.ok and found.category == "invalid_response"
    assert len(found.tried) == 4
    assert "JSON without token_endpoint" in found.hint and "HTTP 404" in found.hint
    failure = found.as_validation_failure()
    assert not failure.ok and failure.category == "invalid_response" and "give the token URL directly" in failure.hint


def test_unreachable_issuer(refused_url: str) -> None:
    found = run_discover(refused_url.rsplit("/", 1)[0])
    assert not found.ok and found.category == "network" and "refused" in found.hint
    assert len(found.tried) == 1  # one transport failure is enough: every URL is on the same host


def test_malformed_issuer() -> None:
    found = run_discover("as.example.com")
    assert not found.ok and found.category == "config" and "must start with http:// or https://" in found.hint
