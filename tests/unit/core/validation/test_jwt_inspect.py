"""JWT inspection: header, claims, dates, time left; labelled not verified; never raises on garbage."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mmoauth_gui.core.validation.jwt_inspect import NOT_VERIFIED, format_duration, inspect_jwt

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
T0 = int(NOW.timestamp())


def seg(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def jwt(header: Any, claims: Any, signature: str = "c2ln") -> str:
    return f"{seg(header)}.{seg(claims)}.{signature}"


RFC9068 = {
    "iss": "https://as",
    "exp": T0 + 3600,
    "aud": "https://rs",
    "sub": "svc",
    "client_id": "svc",
    "iat": T0 - 5,
    "nbf": T0 - 5,
    "jti": "1",
    "scope": "a",
}


def test_a_rfc9068_token() -> None:
    found = inspect_jwt(jwt({"typ": "at+jwt", "alg": "RS256", "kid": "k1"}, RFC9068), now=NOW)

    assert found is not None and found.readable and not found.verified and found.label == NOT_VERIFIED
    assert found.header["kid"] == "k1" and found.claims["sub"] == "svc"
    assert found.dates == {
        "exp": "2025-01-01T13:00:00Z",
        "iat": "2025-01-01T11:59:55Z",
        "nbf": "2025-01-01T11:59:55Z",
    }
    assert found.time_left_s == 3600 and found.expired is False
    assert found.notes == []


def test_expired_unsigned_and_incomplete_tokens_get_notes() -> None:
    found = inspect_jwt(jwt({"typ": "JWT", "alg": "none"}, {"exp": T0 - 120, "nbf": T0 + 3600}), now=NOW)

    assert found is not None and found.expired is True and found.time_left_s == -120
    text = " ".join(found.notes)
    assert "already expired" in text and "2 min ago" in text
    assert "not valid yet" in text
    assert "typ is 'JWT', not 'at+jwt'" in text
    assert "missing: iss, aud, sub, client_id, iat, jti" in text
    assert "unsigned (alg none)" in text


def test_bad_dates_are_reported_not_raised() -> None:
    found = inspect_jwt(jwt({"typ": "at+jwt", "alg": "RS256"}, {**RFC9068, "exp": "tomorrow", "iat": 10**20}), now=NOW)
    assert found is not None and "exp" not in found.dates and "iat" not in found.dates
    assert found.time_left_s is None and found.expired is None
    assert any("exp claim is not a valid date" in n for n in found.notes)


def test_opaque_tokens_are_not_jwts() -> None:
    for token in ["", "opaque-token", "a.b.c", "eyJ.eyJ", "2YotnFZFEjr1zCsicMWpAA", "eyJhbGciOi.x.y.z"]:
        assert inspect_jwt(token) is None, token


def test_unreadable_payloads_say_why() -> None:
    header = seg({"alg": "RS256"})
    not_json = inspect_jwt(f"{header}.{seg(b'not json')}.sig")
    assert not_json is not None and not not_json.readable and "not a JSON object" in not_json.reason

    a_list = inspect_jwt(f"{header}.{seg([1, 2])}.sig")
    assert a_list is not None and "not a JSON object" in a_list.reason

    deep = inspect_jwt(f"{header}.{seg(b'[' * 100_000)}.sig")
    assert deep is not None and "not a JSON object" in deep.reason

    encrypted = inspect_jwt(f"{seg({'alg': 'RSA-OAEP', 'enc': 'A256GCM'})}.key.iv.ct.tag")
    assert encrypted is not None and "encrypted (JWE)" in encrypted.reason and encrypted.header["enc"] == "A256GCM"


@given(st.text(max_size=200))
def test_never_raises_on_garbage(text: str) -> None:
    inspect_jwt(text)
    inspect_jwt("eyJ" + text + ".eyJ" + text + "." + text)


def test_format_duration() -> None:
    assert [format_duration(s) for s in (0, 59, 60, 3600, 3725, 86400, 90000, -30)] == [
        "0 s",
        "59 s",
        "1 min",
        "1 h",
        "1 h 2 min",
        "1 d",
        "1 d 1 h",
        "-30 s",
    ]
