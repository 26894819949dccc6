"""ValidationResult: the stable JSON shape, a tolerant reader, a one-line summary, the token kept out."""

from __future__ import annotations

import json

from mmoauth_gui.core.validation import hints as hints
from mmoauth_gui.core.validation.result import Category, ValidationResult, mask_token

DESIGN_FIELDS = {
    "ok",
    "category",
    "http_status",
    "error",
    "error_description",
    "hint",
    "auth_method",
    "token_type",
    "expires_in",
    "scope",
    "claims",
    "elapsed_ms",
}
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def full() -> ValidationResult:
    return ValidationResult(
        ok=True,
        category="ok",
        hint="fine",
        http_status=200,
        auth_method="client_secret_post",
        token_type="Bearer",
        expires_in=3600,
        scope="a b",
        claims={"sub": "x"},
        jwt_header={"alg": "RS256"},
        jwt_dates={"exp": "2025-01-01T00:00:00Z"},
        jwt_time_left_s=3599,
        jwt_note="not verified",
        elapsed_ms=42,
        warnings=["w"],
        checked_at="2025-01-01T00:00:00Z",
        token_url="https://as/token",
        grant_type="client_credentials",
        attempts=[{"auth_method": "client_secret_post", "ok": True}],
        mattermost_compatible=True,
        token_preview=mask_token(TOKEN),
        access_token=TOKEN,
    )


def test_json_has_every_design_field_and_never_the_token() -> None:
    body = full().to_json()

    assert DESIGN_FIELDS <= set(body)
    assert {
        "error_uri",
        "warnings",
        "source",
        "detailed_error",
        "checked_at",
        "redirect_location",
        "token_preview",
        "summary",
    } <= set(body)
    assert "access_token" not in body and TOKEN not in json.dumps(body)
    assert TOKEN not in repr(full())
    assert body["token_preview"] == "eyJhbG…"


def test_round_trip() -> None:
    original = full()
    again = ValidationResult.from_json(json.loads(json.dumps(original.to_json())))
    assert again == original  # equality ignores the in-memory token
    assert again.access_token is None


def test_from_json_tolerates_garbage() -> None:
    result = ValidationResult.from_json(
        {
            "ok": "yes",
            "category": "weird",
            "http_status": "500",
            "claims": [1],
            "warnings": ["a", 3],
            "elapsed_ms": -5,
            "attempts": [{"x": 1}, "no"],
            "source": "elsewhere",
            "mattermost_compatible": "no",
            "access_token": "must-not-be-read",
        }
    )
    assert result.ok is False and result.category == "config" and result.http_status is None
    assert result.claims is None and result.warnings == ["a"] and result.elapsed_ms == 0
    assert result.attempts == [{"x": 1}] and result.source == "desktop" and result.mattermost_compatible is None
    assert result.access_token is None
    assert ValidationResult.from_json({}).category == "config"


def test_summary_lines() -> None:
    assert full().summary == "Token obtained (Bearer, expires in 1 h) in 42 ms."
    basic_only = full().with_changes(mattermost_compatible=False)
    assert basic_only.summary.endswith("Only with HTTP Basic: Mattermost's own request would fail.")
    refused = ValidationResult.failure(
        Category.OAUTH_ERROR, hints.oauth_error_hint("invalid_scope"), error="invalid_scope", http_status=400
    )
    assert refused.summary == (
        "Not validated — Refused by the token endpoint (invalid_scope): The endpoint refused the scope."
    )
    down = ValidationResult.failure(Category.TIMEOUT, "")
    assert down.summary == "Not validated — Timed out."
    server = ValidationResult(ok=True, category="ok", source="server")
    assert server.summary == "Token obtained by the server."
    assert "\n" not in refused.summary


def test_warnings_are_added_once() -> None:
    result = full().adding_warnings("w", "x", "", "x")
    assert result.warnings == ["w", "x"]


def test_mask_token() -> None:
    assert mask_token("short") == "…"
    assert mask_token("abcdefghijklmnop") == "abcdef…"


def test_every_rfc_code_has_its_own_hint() -> None:
    texts = {code: hints.oauth_error_hint(code) for code in hints.RFC_ERROR_CODES}
    assert len(set(texts.values())) == len(hints.RFC_ERROR_CODES)
    assert "not a standard OAuth 2.0 error code" in hints.oauth_error_hint("slow_down")
    assert all("not a standard" not in t for t in texts.values())
