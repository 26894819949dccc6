"""Server-side validation explained without the server's words: the sandbox in its default production mode."""

from __future__ import annotations

from test_server_validation import demo_conn, on, stored, validate

from mmoauth_gui.core.validation.result import Category
from mmoauth_gui.sandbox import Sandbox
from mmoauth_gui.services.validation.server import validate_stored_on_server


def test_a_refusal_lists_what_the_server_could_have_hit_and_offers_the_desktop_check(sandbox: Sandbox) -> None:
    result = validate(sandbox, demo_conn(sandbox, client_secret="wrong-secret-typed"))
    assert not result.ok and result.http_status == 400 and not result.detailed_error
    assert result.category == Category.OAUTH_ERROR
    assert (
        "does not say why" in result.hint and "invalid_client" in result.hint and "unauthorized_client" in result.hint
    )
    assert "desktop check" in result.hint
    assert "Failed to retrieve token while validating outgoing oauth connection" in result.hint


def test_an_unreached_loopback_token_url_names_the_internal_address_block_first(sandbox: Sandbox) -> None:
    result = validate(sandbox, demo_conn(sandbox, oauth_token_url=sandbox.unreachable_token_url))
    assert result.category == Category.NETWORK and result.http_status == 502 and not result.detailed_error
    block = result.hint.index("AllowedUntrustedInternalConnections")
    assert block < result.hint.index("firewall") and "desktop check" in result.hint


def test_a_connection_deleted_meanwhile_is_told_by_a_fresh_read(sandbox: Sandbox) -> None:
    gone = demo_conn(sandbox, id="a" * 26)
    result = on(sandbox.url, sandbox.admin_token, lambda c: validate_stored_on_server(c, gone))
    assert result.http_status == 500 and not result.detailed_error
    assert "was not found on the server" in result.hint


def test_a_stored_password_grant_connection_asks_for_its_password(sandbox: Sandbox) -> None:
    portal = stored(sandbox, "Legacy Portal").with_changes(credentials_password="")
    before = len(sandbox.token_requests)
    asked = on(sandbox.url, sandbox.admin_token, lambda c: validate_stored_on_server(c, portal))
    assert asked.category == Category.CONFIG and "needs its password" in asked.hint
    assert len(sandbox.token_requests) == before  # nothing was sent for the refusal the server would give
    typed = portal.with_changes(credentials_password=sandbox.demo_user["password"])
    assert on(sandbox.url, sandbox.admin_token, lambda c: validate_stored_on_server(c, typed)).ok


def test_hardened_server_still_gets_the_explanation(sandbox: Sandbox) -> None:
    sandbox.errors = "hardened"
    result = validate(sandbox, demo_conn(sandbox, oauth_token_url=sandbox.unreachable_token_url))
    assert result.http_status == 502 and result.category == Category.NETWORK  # the status line survives hardening
    assert "does not say why" in result.hint
