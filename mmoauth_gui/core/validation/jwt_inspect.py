"""Read a JWT access token for inspection (RFC 9068). Nothing here verifies a signature.

Without the issuer's key, decoding shows what the token *claims*; it proves nothing. Every result is
labelled so. Garbage never raises: an opaque (non-JWT) token gives ``None``, a JWT-looking token that
cannot be read gives a result whose ``reason`` says why.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

NOT_VERIFIED = "Decoded for inspection only: the signature was not verified."
DATE_CLAIMS = ("exp", "iat", "nbf")
RFC9068_CLAIMS = ("iss", "exp", "aud", "sub", "client_id", "iat", "jti")


@dataclass(frozen=True)
class JwtInspection:
    """What a JWT says about itself. ``verified`` is always False: this is inspection."""

    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)  # exp/iat/nbf as ISO 8601 UTC
    time_left_s: int | None = None  # seconds until exp at inspection time (negative: expired)
    notes: list[str] = field(default_factory=list)  # departures from RFC 9068 worth knowing
    reason: str = ""  # why the token could not be read, when it looks like a JWT but is not readable
    verified: bool = False
    label: str = NOT_VERIFIED

    @property
    def readable(self) -> bool:
        return not self.reason

    @property
    def expired(self) -> bool | None:
        return None if self.time_left_s is None else self.time_left_s <= 0


def _b64url_json(segment: str) -> Any:
    padded = segment + "=" * (-len(segment) % 4)
    raw = base64.urlsafe_b64decode(padded.encode("ascii"))
    return json.loads(raw.decode("utf-8"))


def _decode_segment(segment: str) -> dict[str, Any] | None:
    try:
        value = _b64url_json(segment)
    except (binascii.Error, ValueError, UnicodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _timestamp(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _iso(ts: float) -> str | None:
    try:
        return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return None


def format_duration(seconds: int) -> str:
    """``3725`` → ``1 h 2 min``; for hints and summaries."""
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    if s < 60:
        return f"{sign}{s} s"
    if s < 3600:
        return f"{sign}{s // 60} min"
    if s < 86400:
        hours, minutes = divmod(s // 60, 60)
        return f"{sign}{hours} h {minutes} min" if minutes else f"{sign}{hours} h"
    days, rest = divmod(s, 86400)
    return f"{sign}{days} d {rest // 3600} h" if rest // 3600 else f"{sign}{days} d"


def looks_like_jwt(token: str) -> bool:
    parts = token.split(".")
    return len(parts) in (3, 5) and all(parts[:2]) and parts[0].startswith("eyJ")


def inspect_jwt(token: str, now: datetime | None = None) -> JwtInspection | None:
    """Header, claims and dates of ``token``; ``None`` when it is not a JWT (an opaque token)."""
    if not isinstance(token, str) or not looks_like_jwt(token):
        return None
    parts = token.split(".")
    header = _decode_segment(parts[0])
    if header is None:
        return None
    if len(parts) == 5:
        return JwtInspection(header=header, reason="The token is encrypted (JWE): its claims cannot be read.")
    claims = _decode_segment(parts[1])
    if claims is None:
        return JwtInspection(header=header, reason="The token's payload is not a JSON object: no claims to read.")

    moment = (now or datetime.now(UTC)).timestamp()
    dates: dict[str, str] = {}
    notes: list[str] = []
    for name in DATE_CLAIMS:
        if name not in claims:
            continue
        ts = _timestamp(claims[name])
        iso = _iso(ts) if ts is not None else None
        if iso is None:
            notes.append(f"The {name} claim is not a valid date ({repr(claims[name])[:60]}).")
        else:
            dates[name] = iso

    time_left: int | None = None
    exp = _timestamp(claims.get("exp"))
    if exp is not None and "exp" in dates:
        time_left = int(exp - moment)
        if time_left <= 0:
            notes.append(
                f"The token had already expired when it was received ({format_duration(-time_left)} ago): "
                "check the clocks of this computer and of the authorization server."
            )
    nbf = _timestamp(claims.get("nbf"))
    if nbf is not None and "nbf" in dates and nbf > moment + 60:
        notes.append("The token is not valid yet (nbf is in the future): the clocks may disagree.")

    typ = header.get("typ")
    if not (isinstance(typ, str) and typ.lower() in ("at+jwt", "application/at+jwt")):
        notes.append(f"The header typ is {typ!r}, not 'at+jwt': not an RFC 9068 access token profile.")
    missing = [c for c in RFC9068_CLAIMS if c not in claims]
    if missing:
        notes.append("Claims RFC 9068 expects are missing: " + ", ".join(missing) + ".")
    if str(header.get("alg", "")).lower() == "none":
        notes.append("The token is unsigned (alg none): a receiver should refuse it.")
    return JwtInspection(header=header, claims=claims, dates=dates, time_left_s=time_left, notes=notes)
