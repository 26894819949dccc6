"""JWT inspection never raises: an opaque token gives None, anything JWT-shaped a result that says what it read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fuzz_support import FUZZ, b64url, json_values, numbers, objects_with, to_json_text
from hypothesis import given
from hypothesis import strategies as st

from mmoauth_gui.core.validation.jwt_inspect import (
    NOT_VERIFIED,
    RFC9068_CLAIMS,
    JwtInspection,
    format_duration,
    inspect_jwt,
)

HEADER_KEYS = ("alg", "typ", "kid", "cty", "enc")
CLAIM_KEYS = (*RFC9068_CLAIMS, "nbf", "scope")

segment_json = st.one_of(objects_with(HEADER_KEYS + CLAIM_KEYS, json_values | numbers), json_values)


@st.composite
def segments(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> str:
    how = draw(st.sampled_from(["json", "json", "json", "bytes", "text", "padded"]))
    if how == "bytes":
        return b64url(draw(st.binary(max_size=40)))
    if how == "text":
        return draw(st.text(max_size=20))
    encoded = b64url(to_json_text(draw(values)).encode("utf-8"))
    return encoded + "==" if how == "padded" else encoded


@st.composite
def jwt_like(draw: st.DrawFn) -> str:
    header = draw(st.one_of(segments(objects_with(HEADER_KEYS)), st.just("eyJhbGciOiJub25lIn0")))
    parts = [header, draw(segments(segment_json)), draw(st.text(max_size=12))]
    if draw(st.booleans()):
        parts += [draw(st.text(max_size=8)), draw(st.text(max_size=8))]  # five parts: a JWE
    return ".".join(parts)


def check(inspection: JwtInspection | None) -> None:
    if inspection is None:
        return
    assert inspection.verified is False and inspection.label == NOT_VERIFIED
    assert isinstance(inspection.header, dict) and isinstance(inspection.claims, dict)
    assert all(isinstance(n, str) and n for n in inspection.notes)
    if not inspection.readable:
        assert inspection.reason and not inspection.claims
    for name, when in inspection.dates.items():
        assert name in ("exp", "iat", "nbf") and when.endswith("Z")
    if inspection.time_left_s is not None:
        assert isinstance(inspection.time_left_s, int)
        assert format_duration(inspection.time_left_s)
    json.dumps({"h": inspection.header, "c": inspection.claims}, allow_nan=True)


@FUZZ
@given(jwt_like())
def test_jwt_shaped_tokens_are_inspected_or_refused_never_raised(token: str) -> None:
    check(inspect_jwt(token))


@FUZZ
@given(st.dictionaries(st.sampled_from(["exp", "iat", "nbf"]), numbers | json_values, min_size=1))
def test_any_date_claim_is_read_or_noted(dates: dict[str, Any]) -> None:
    token = ".".join([b64url(b'{"alg":"HS256","typ":"at+jwt"}'), b64url(to_json_text(dates).encode()), "sig"])
    inspection = inspect_jwt(token, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert inspection is not None and inspection.readable
    check(inspection)
    for name in dates:
        assert name in inspection.dates or any(f"The {name} claim" in n for n in inspection.notes)


@FUZZ
@given(st.one_of(st.text(max_size=200), st.binary(max_size=100).map(lambda b: b.decode("latin-1"))))
def test_opaque_tokens_are_not_jwts(token: str) -> None:
    check(inspect_jwt(token))
