"""What the integration expects of a token, checked against its claims and the token response."""

from __future__ import annotations

from mmoauth_gui.core.validation.expectations import Expectations, check, token_scopes


def test_audience_in_a_list_of_audiences_is_met() -> None:
    (result,) = check(Expectations(audience="https://a/"), {"aud": ["https://b/", "https://a/"]}, None)
    assert result.ok is True and result.actual == ["https://b/", "https://a/"] and result.why == ""


def test_missing_audience_claim_is_unmet_and_said() -> None:
    (result,) = check(Expectations(audience="https://a/"), {"iss": "x"}, None)
    assert result.ok is False and "no aud claim" in result.why


def test_case_difference_is_pointed_out() -> None:
    (result,) = check(Expectations(issuer="https://Login.example/"), {"iss": "https://login.example/"}, None)
    assert result.ok is False and "only in letter case" in result.why


def test_opaque_token_leaves_audience_and_issuer_unknown_but_checks_response_scope() -> None:
    checks = check(Expectations(audience="https://a/", scopes=("read",), issuer="https://i/"), None, "read write")
    assert [(c.what, c.ok) for c in checks] == [("audience", None), ("scope", True), ("issuer", None)]


def test_scopes_come_from_scope_scp_and_entra_roles() -> None:
    assert token_scopes({"scp": "a b", "roles": ["Tasks.Write"]}, "c") == ["c", "a", "b", "Tasks.Write"]
    assert token_scopes({"sub": "x"}, None) is None
    assert token_scopes({"scope": ""}, None) == []


def test_round_trip_of_expectations() -> None:
    expect = Expectations(audience="https://a/", scopes=("x", "y"), issuer="https://i/")
    assert Expectations.from_json(expect.to_json()) == expect
    assert Expectations.from_json({"scopes": "not a list", "audience": 3}) == Expectations()
