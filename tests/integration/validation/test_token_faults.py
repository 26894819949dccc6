"""Every fault category of the token client, each against a live loopback endpoint, with its hint."""

from __future__ import annotations

from pathlib import Path

from validation_support import FAULT_SECRET, OPAQUE_TOKEN, FaultServer, check

from mmoauth_gui.core.validation.result import Category
from mmoauth_gui.services.token.client import TokenRequest


def at(server: FaultServer, path: str, **kw: object) -> TokenRequest:
    return TokenRequest(f"{server.url}{path}", "fault-client", FAULT_SECRET, **kw)  # type: ignore[arg-type]


# ---- ok, and what an odd but usable answer warns about ----------------------------------------------


def test_opaque_token_has_no_claims(faults: FaultServer) -> None:
    result = check(at(faults, "/token-delay/0"))

    assert result.ok and result.expires_in == 300
    assert result.claims is None and result.jwt_header is None and result.jwt_note is None
    assert result.token_preview == "opaque…" and result.access_token == OPAQUE_TOKEN


def test_loose_token_response_warns(faults: FaultServer) -> None:
    result = check(at(faults, "/loose-token"))

    assert result.ok and result.token_type == "mac" and result.expires_in == 3600 and result.scope == "a b"
    joined = " ".join(result.warnings)
    assert "not Bearer" in joined and "Authorization: mac" in joined
    assert "expires_in came as a string" in joined
    assert "scope came as a list" in joined
    assert "labelled 'text/plain'" in joined


def test_missing_token_type_warns(faults: FaultServer) -> None:
    result = check(at(faults, "/no-token-type"))
    assert result.ok and result.token_type is None
    assert any("no token_type" in w for w in result.warnings)


# ---- oauth_error: an unknown code, an error with HTTP 200 -------------------------------------------


def test_unknown_error_code_gets_a_generic_hint(faults: FaultServer) -> None:
    result = check(at(faults, "/unknown-error"))

    assert result.category == Category.OAUTH_ERROR and result.http_status == 400
    assert result.error == "quota_exceeded" and result.error_description == "Too many tokens today."
    assert result.error_uri == "https://as.example.com/errors/quota"
    assert "not a standard OAuth 2.0 error code" in result.hint


def test_error_with_status_200_is_still_an_oauth_error(faults: FaultServer) -> None:
    result = check(at(faults, "/error-200"))
    assert result.category == Category.OAUTH_ERROR and result.error == "invalid_client"
    assert any("HTTP 200 instead of 400" in w for w in result.warnings)


def test_a_secret_echoed_by_the_endpoint_is_scrubbed(faults: FaultServer) -> None:
    described = check(at(faults, "/echo-secret"))
    assert described.error_description == "secret [secret] is not right"

    echoed = check(at(faults, "/echo-text"))
    assert echoed.category == Category.HTTP_ERROR and echoed.response_excerpt
    assert FAULT_SECRET not in str(echoed.to_json()) and "[secret]" in echoed.response_excerpt


# ---- http_error ---------------------------------------------------------------------------------


def test_not_found_is_not_a_token_endpoint(faults: FaultServer) -> None:
    result = check(at(faults, "/nothing-here"))

    assert result.category == Category.HTTP_ERROR and result.http_status == 404
    assert "it is not a token endpoint" in result.hint
    assert result.response_excerpt is None  # an HTML error page is not quoted


def test_method_not_allowed_is_not_a_token_endpoint(faults: FaultServer) -> None:
    result = check(at(faults, "/get-only"))
    assert result.category == Category.HTTP_ERROR and result.http_status == 405
    assert "does not accept POST" in result.hint and "not a token endpoint" in result.hint


def test_401_with_www_authenticate(faults: FaultServer) -> None:
    result = check(at(faults, "/www-auth"))

    assert result.category == Category.HTTP_ERROR and result.http_status == 401 and result.error is None
    assert result.www_authenticate == 'Basic realm="api-gateway"'
    assert 'demands authentication (Basic realm="api-gateway")' in result.hint
    assert result.response_excerpt == "Unauthorized"


def test_redirect_is_reported_not_followed(faults: FaultServer) -> None:
    result = check(at(faults, "/redirect"))

    assert result.category == Category.HTTP_ERROR and result.http_status == 302
    assert result.redirect_location == f"{faults.url}/landing"
    assert f"redirects (HTTP 302) to {faults.url}/landing" in result.hint
    assert "was not sent on" in result.hint
    assert faults.paths() == ["/redirect"]  # the credentials never went to the target


def test_server_error(faults: FaultServer) -> None:
    result = check(at(faults, "/server-error"))
    assert result.category == Category.HTTP_ERROR and result.http_status == 503
    assert "authorization server failed (HTTP 503)" in result.hint
    assert result.response_excerpt == "upstream unavailable"


# ---- invalid_response ------------------------------------------------------------------------------


def test_html_login_page(faults: FaultServer) -> None:
    result = check(at(faults, "/html"))

    assert result.category == Category.INVALID_RESPONSE and result.http_status == 200
    assert "HTML page, probably a login page" in result.hint


def test_not_json(faults: FaultServer) -> None:
    result = check(at(faults, "/not-json"))

    assert result.category == Category.INVALID_RESPONSE
    assert "not JSON (text/plain)" in result.hint and result.response_excerpt == "Service ready."


def test_json_without_access_token(faults: FaultServer) -> None:
    result = check(at(faults, "/no-token"))

    assert result.category == Category.INVALID_RESPONSE
    assert "has no access_token" in result.hint
    assert result.response_excerpt == "expires_in, token_type"  # the keys it did have


def test_json_that_is_not_an_object(faults: FaultServer) -> None:
    result = check(at(faults, "/json-list"))
    assert result.category == Category.INVALID_RESPONSE and "not an object" in result.hint


def test_pathologically_nested_json_is_not_a_crash(faults: FaultServer) -> None:
    result = check(at(faults, "/deep-json"))
    assert result.category == Category.INVALID_RESPONSE and "not JSON" in result.hint


def test_empty_body(faults: FaultServer) -> None:
    result = check(at(faults, "/empty"))
    assert result.category == Category.INVALID_RESPONSE and "empty body" in result.hint


def test_oversized_streamed_body_is_cut_off(faults: FaultServer) -> None:
    result = check(at(faults, "/huge", max_response_bytes=64 * 1024))

    assert result.category == Category.INVALID_RESPONSE and not result.ok
    assert "larger than 64 KiB" in result.hint and "not a token endpoint" in result.hint  # not read to the end


def test_oversized_declared_body_is_not_read(faults: FaultServer) -> None:
    result = check(at(faults, "/huge-declared"))
    assert result.category == Category.INVALID_RESPONSE and "larger than 1024 KiB" in result.hint


# ---- timeout ------------------------------------------------------------------------------------


def test_slow_endpoint_times_out(faults: FaultServer) -> None:
    result = check(at(faults, "/token-delay/5000", timeout=0.5))

    # The endpoint answers with a token after 5 s: a TIMEOUT means the client gave up first.
    assert result.category == Category.TIMEOUT and not result.ok
    assert "No complete answer from the token endpoint within 0.5 s" in result.hint
    assert result.elapsed_ms >= 450  # and not before its time


def test_the_timeout_is_a_total_deadline(faults: FaultServer) -> None:
    # Every read gets a byte within 0.2 s and a token comes after 20 s: only a deadline on the whole exchange
    # ends this with a TIMEOUT.
    result = check(at(faults, "/trickle", timeout=1.0))

    assert result.category == Category.TIMEOUT
    assert result.elapsed_ms >= 900


# ---- network, tls ----------------------------------------------------------------------------------


def test_refused_port(refused_url: str) -> None:
    result = check(TokenRequest(refused_url, "c", "s"))

    assert result.category == Category.NETWORK and result.http_status is None
    assert "was refused: nothing listens on that port" in result.hint
    assert refused_url.split("//")[1].split("/")[0] in result.hint


def test_unresolvable_host() -> None:
    result = check(TokenRequest("https://token-endpoint.mmoauth-test.invalid/token", "c", "s"))

    assert result.category == Category.NETWORK
    assert "token-endpoint.mmoauth-test.invalid could not be resolved" in result.hint
    assert "Mattermost server may resolve it" in result.hint


def test_untrusted_self_signed_certificate(tls_server: FaultServer) -> None:
    result = check(at(tls_server, "/token-delay/0"))

    assert result.category == Category.TLS and not result.ok
    assert result.detailed_error and "self-signed certificate" in result.detailed_error
    assert f"presented by 127.0.0.1:{tls_server.port} was not accepted: self-signed certificate" in result.hint
    assert "--ca-file" in result.hint and "Mattermost server trusts it too" in result.hint
    assert not any("http://" in w for w in result.warnings)


def test_self_signed_certificate_trusted_with_a_ca_file(tls_server: FaultServer, tls_cert: Path) -> None:
    result = check(at(tls_server, "/token-delay/0"), ca_file=tls_cert)

    assert result.ok and result.token_url.startswith("https://")
    assert result.warnings == []


# ---- config: caught before any request --------------------------------------------------------------


def test_config_problems_stop_before_any_request(faults: FaultServer) -> None:
    result = check(TokenRequest(f"{faults.url}/token-delay/0", "", ""))

    assert result.category == Category.CONFIG and not result.ok
    assert "The client ID is required." in result.hint and "The client secret is required." in result.hint
    assert faults.requests == []


def test_malformed_url_is_a_config_problem() -> None:
    for url, expected in [
        ("ftp://example.com/token", "must use http:// or https://, not ftp://"),
        ("HTTPS://example.com/token", "lowercase"),
        ("https://", "no host name"),
        ("https://example.com:99999/token", "port"),
        ("", "The token URL is required."),
    ]:
        result = check(TokenRequest(url, "c", "s"))
        assert result.category == Category.CONFIG, url
        assert expected in result.hint, (url, result.hint)


def test_password_grant_needs_username_and_password() -> None:
    result = check(TokenRequest("https://example.com/token", "c", "s", grant_type="password"))
    assert result.category == Category.CONFIG
    assert "needs a username" in result.hint and "needs a password" in result.hint


def test_bad_settings_are_config_problems() -> None:
    result = check(TokenRequest("https://example.com/token", "c", "s", grant_type="implicit", auth="digest", timeout=0))
    assert result.category == Category.CONFIG
    assert "not 'implicit'" in result.hint and "not 'digest'" in result.hint and "positive" in result.hint
